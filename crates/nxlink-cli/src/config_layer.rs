//! One layer of the CLI's settings (flags, environment or a profile) before they are merged,
//! each value with where it came from, so that an error can name its origin.

use std::fmt;
use std::path::PathBuf;

use nxlink::Region;
use nxlink::sign::Algorithm;

use crate::errors::CliError;

/// Where a setting came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// A command-line flag, e.g. `--access-key`.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// A key of the profile in use.
    Profile {
        /// The config file.
        file: PathBuf,
        /// The profile's name.
        profile: String,
        /// The key, e.g. `access_key`.
        key: &'static str,
    },
    /// Nothing set it: the built-in default.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(name) => write!(f, "env {name}"),
            // The file is on the `config file` row of `config show`; errors name it too.
            Source::Profile { profile, key, .. } => {
                write!(f, "config file [profiles.{profile}] {key}")
            }
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Clone, Debug)]
pub(crate) struct Sourced<T> {
    /// The value.
    pub(crate) value: T,
    /// Where it came from.
    pub(crate) source: Source,
}

/// The access secret: never printed, not even by `Debug`.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(nxlink::sign::REDACTED)
    }
}

/// Where requests go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Destination {
    /// A regional gateway.
    Region(Region),
    /// A base URL of its own.
    BaseUrl(String),
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Destination::Region(region) => write!(f, "{} (region {region})", region.base_url()),
            Destination::BaseUrl(url) => f.write_str(url),
        }
    }
}

/// Values of one layer (flags, environment or profile), before merging.
#[derive(Default)]
pub(crate) struct Layer {
    pub(crate) access_key: Option<Sourced<String>>,
    pub(crate) access_secret: Option<Sourced<Secret>>,
    pub(crate) destination: Option<Sourced<Destination>>,
    pub(crate) algorithm: Option<Sourced<Algorithm>>,
}

/// Parses a region or algorithm, naming where the bad value came from.
pub(crate) fn parse_setting<T>(text: &str, source: &Source) -> Result<T, CliError>
where
    T: std::str::FromStr,
    T::Err: fmt::Display,
{
    let place = match source {
        Source::Profile { file, profile, key } => {
            format!("{}: [profiles.{profile}] {key}", file.display())
        }
        other => other.to_string(),
    };
    text.parse()
        .map_err(|error| CliError::usage(format!("{place}: {error}")))
}
