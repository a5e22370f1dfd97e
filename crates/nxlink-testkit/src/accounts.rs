//! The accounts the emulated gateway knows: access keys and their secrets.

use nxlink_sign::Credentials;

/// Access key of the demo account an emulator accepts when no account is configured.
/// Obviously fake: it matches the documented `AK-<19 digits>-<4 digits>` shape with zeros.
pub const DEMO_ACCESS_KEY: &str = "AK-DEMO-0000000000000000000-0000";

/// Secret of the demo account; a test credential, never valid against the real gateway.
pub const DEMO_ACCESS_SECRET: &str = "demo-secret-not-for-production";

/// The demo account as credentials, ready for signing.
pub fn demo_credentials() -> Credentials {
    Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET)
}

/// Known accounts, looked up by access key.
#[derive(Debug, Clone, Default)]
pub(crate) struct Accounts {
    list: Vec<Credentials>,
}

impl Accounts {
    /// Adds an account; a key given twice keeps its latest secret.
    pub(crate) fn insert(&mut self, credentials: Credentials) {
        match self
            .list
            .iter_mut()
            .find(|known| known.access_key() == credentials.access_key())
        {
            Some(known) => *known = credentials,
            None => self.list.push(credentials),
        }
    }

    /// True until an account is added.
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The account with this access key.
    pub(crate) fn find(&self, access_key: &str) -> Option<&Credentials> {
        self.list
            .iter()
            .find(|known| known.access_key() == access_key)
    }

    /// The first account configured, for callers that want "the" test credentials.
    pub(crate) fn first(&self) -> Option<&Credentials> {
        self.list.first()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_secret_wins_and_lookup_is_exact() {
        let mut accounts = Accounts::default();
        assert!(accounts.is_empty());
        accounts.insert(Credentials::new("AK-1", "old"));
        accounts.insert(Credentials::new("AK-2", "two"));
        accounts.insert(Credentials::new("AK-1", "new"));
        assert_eq!(accounts.list.len(), 2);
        assert!(accounts.find("ak-1").is_none());
        assert_eq!(accounts.first().map(Credentials::access_key), Some("AK-1"));
    }
}
