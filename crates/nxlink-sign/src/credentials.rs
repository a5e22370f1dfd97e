//! Access key and secret, with the secret kept out of every printout.

use std::fmt;

use zeroize::Zeroizing;

/// What `Debug` prints in place of a secret.
pub const REDACTED: &str = "** redacted **";

/// The account's access secret: never printed, wiped from memory when dropped.
#[derive(Clone)]
pub struct AccessSecret(Zeroizing<String>);

impl AccessSecret {
    /// Wraps a secret; the `String` is moved, not copied, so no stray copy is left behind.
    pub fn new(secret: impl Into<String>) -> Self {
        AccessSecret(Zeroizing::new(secret.into()))
    }

    /// Whether the secret is the empty string (a configuration mistake worth reporting).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for AccessSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// An access key with its secret: what a client needs to sign requests.
#[derive(Clone)]
pub struct Credentials {
    access_key: String,
    access_secret: AccessSecret,
}

impl Credentials {
    /// Pairs an access key with its secret.
    pub fn new(access_key: impl Into<String>, access_secret: impl Into<String>) -> Self {
        Credentials {
            access_key: access_key.into(),
            access_secret: AccessSecret::new(access_secret),
        }
    }

    /// The access key, sent in clear in the `accessKey` header.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The secret; it only ever enters a hasher.
    pub fn access_secret(&self) -> &AccessSecret {
        &self.access_secret
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("access_secret", &self.access_secret)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_the_secret_exactly() {
        let credentials = Credentials::new("AK-1", "s3cr3t-value");
        assert_eq!(
            format!("{credentials:?}"),
            r#"Credentials { access_key: "AK-1", access_secret: ** redacted ** }"#
        );
        let pretty = format!("{credentials:#?}");
        assert!(!pretty.contains("s3cr3t-value"));
        assert_eq!(format!("{:?}", credentials.access_secret()), REDACTED);
    }
}
