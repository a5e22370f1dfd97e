//! The hash algorithm a signature is computed with.

use std::fmt;
use std::str::FromStr;

/// Hash function selected by the optional `algorithm` header.
///
/// MD5 is the gateway's default; SHA-256 is opted into by sending `algorithm: sha256`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// MD5, the default when no `algorithm` header is sent.
    #[default]
    Md5,
    /// SHA-256.
    Sha256,
}

impl Algorithm {
    /// The value of the `algorithm` header for this algorithm (`md5` or `sha256`).
    pub const fn header_value(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha256 => "sha256",
        }
    }

    /// Length of the lowercase hex digest this algorithm produces.
    pub const fn hex_len(self) -> usize {
        match self {
            Algorithm::Md5 => 32,
            Algorithm::Sha256 => 64,
        }
    }

    /// Whether requests must carry an explicit `algorithm` header.
    ///
    /// The gateway assumes MD5 without one, so only SHA-256 needs announcing.
    pub const fn needs_header(self) -> bool {
        matches!(self, Algorithm::Sha256)
    }

    /// Reads the `algorithm` header a peer sent; a missing header means MD5.
    pub fn from_header(value: Option<&str>) -> Result<Self, UnknownAlgorithm> {
        value.map_or(Ok(Algorithm::Md5), str::parse)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.header_value())
    }
}

/// An `algorithm` value that is neither MD5 nor SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownAlgorithm {
    excerpt: String,
}

impl fmt::Display for UnknownAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown signature algorithm {:?} (expected md5 or sha256)",
            self.excerpt
        )
    }
}

impl std::error::Error for UnknownAlgorithm {}

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    /// Accepts `md5` and `sha256` in any ASCII case: older NXLink pages write `MD5`/`SHA256`.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.eq_ignore_ascii_case("md5") {
            Ok(Algorithm::Md5)
        } else if value.eq_ignore_ascii_case("sha256") {
            Ok(Algorithm::Sha256)
        } else {
            // Bound what we echo back: the value comes from the network.
            Err(UnknownAlgorithm {
                excerpt: value.chars().take(16).collect(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_cases_and_defaults_to_md5() {
        assert_eq!("md5".parse(), Ok(Algorithm::Md5));
        assert_eq!("SHA256".parse(), Ok(Algorithm::Sha256));
        assert_eq!(Algorithm::from_header(None), Ok(Algorithm::Md5));
        assert!("sha-1".parse::<Algorithm>().is_err());
        let long = "x".repeat(1000);
        let err = long.parse::<Algorithm>().expect_err("unknown");
        assert!(err.to_string().len() < 100);
    }

    #[test]
    fn only_sha256_is_announced() {
        assert!(!Algorithm::Md5.needs_header());
        assert!(Algorithm::Sha256.needs_header());
        assert_eq!(Algorithm::Sha256.to_string(), "sha256");
    }
}
