//! The config file: where it is (`--config`, `$XDG_CONFIG_HOME/nxlink/config.toml`, else
//! `$HOME/.config/nxlink/config.toml`) and its `[profiles.NAME]` tables, read into one layer
//! of settings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config_layer::{Destination, Layer, Secret, Source, Sourced, parse_setting};
use crate::errors::{CliError, io_reason, stderr_line};

/// The config file considered, and how it was chosen.
#[derive(Clone, Debug)]
pub(crate) struct ConfigLocation {
    /// Its path.
    pub(crate) path: PathBuf,
    /// How it was chosen: `--config`, `$XDG_CONFIG_HOME` or `$HOME`.
    pub(crate) chosen_by: &'static str,
    /// Whether it exists and was read.
    pub(crate) found: bool,
}

/// `config.toml`: named profiles.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// One `[profiles.NAME]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    access_key: Option<String>,
    access_secret: Option<String>,
    region: Option<String>,
    base_url: Option<String>,
    algorithm: Option<String>,
}

/// The config file to read: `--config`, else under `$XDG_CONFIG_HOME` (when absolute, as the
/// XDG spec requires), else under `$HOME/.config`.
pub(crate) fn locate_config(
    explicit: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<ConfigLocation> {
    let (path, chosen_by) = match explicit {
        Some(path) => (path.to_path_buf(), "--config"),
        None => match env("XDG_CONFIG_HOME").filter(|dir| Path::new(dir).is_absolute()) {
            Some(dir) => (
                Path::new(&dir).join("nxlink/config.toml"),
                "$XDG_CONFIG_HOME",
            ),
            None => (
                Path::new(&env("HOME")?).join(".config/nxlink/config.toml"),
                "$HOME",
            ),
        },
    };
    Some(ConfigLocation {
        path,
        chosen_by,
        found: false,
    })
}

/// Reads the config file and returns the profile's layer. A file given with `--config` must
/// exist, and so must a profile named explicitly; the implicit default may be absent.
pub(crate) fn profile_layer(
    location: &mut ConfigLocation,
    profile: &Sourced<String>,
) -> Result<Layer, CliError> {
    let text = match std::fs::read_to_string(&location.path) {
        Ok(text) => text,
        Err(error)
            if error.kind() == std::io::ErrorKind::NotFound && location.chosen_by != "--config" =>
        {
            if profile.source == Source::Default {
                return Ok(Layer::default());
            }
            return Err(CliError::usage_hint(
                format!(
                    "profile {:?} ({}) was asked for, but {} does not exist",
                    profile.value,
                    profile.source,
                    location.path.display()
                ),
                format!("create it with a [profiles.{}] table", profile.value),
            ));
        }
        Err(error) => {
            return Err(CliError::usage(format!(
                "cannot read the config file {}: {}",
                location.path.display(),
                io_reason(&error)
            )));
        }
    };
    location.found = true;
    let file: ConfigFile = toml::from_str(&text).map_err(|error| {
        CliError::usage_hint(
            format!(
                "the config file {} is not valid: {error}",
                location.path.display()
            ),
            "profiles are [profiles.NAME] tables with access_key, access_secret, region, \
             base_url and algorithm",
        )
    })?;
    let Some(values) = file.profiles.get(&profile.value) else {
        if profile.source == Source::Default {
            return Ok(Layer::default());
        }
        let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
        return Err(CliError::usage_hint(
            format!(
                "profile {:?} ({}) is not in {}",
                profile.value,
                profile.source,
                location.path.display()
            ),
            format!(
                "profiles there: {}",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ),
        ));
    };
    let source = |key| Source::Profile {
        file: location.path.clone(),
        profile: profile.value.clone(),
        key,
    };
    let set = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
    if set(&values.access_secret).is_some() {
        warn_if_readable_by_others(&location.path);
    }
    let destination = match (set(&values.base_url), set(&values.region)) {
        (Some(url), _) => Some(Sourced {
            value: Destination::BaseUrl(url),
            source: source("base_url"),
        }),
        (None, Some(region)) => Some(Sourced {
            value: Destination::Region(parse_setting(&region, &source("region"))?),
            source: source("region"),
        }),
        (None, None) => None,
    };
    let algorithm = match set(&values.algorithm) {
        Some(text) => Some(Sourced {
            value: parse_setting(&text, &source("algorithm"))?,
            source: source("algorithm"),
        }),
        None => None,
    };
    Ok(Layer {
        access_key: set(&values.access_key).map(|value| Sourced {
            value,
            source: source("access_key"),
        }),
        access_secret: set(&values.access_secret).map(|value| Sourced {
            value: Secret(value),
            source: source("access_secret"),
        }),
        destination,
        algorithm,
    })
}

/// A secret in a file others can read is worth a warning (not an error: the user decides).
#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = std::fs::metadata(path)
        && metadata.permissions().mode() & 0o077 != 0
    {
        stderr_line!(
            "warning: {} holds an access secret and other users can read it; run `chmod 600 {}`",
            path.display(),
            path.display()
        );
    }
}

/// Other systems have no simple mode bits to check.
#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}
