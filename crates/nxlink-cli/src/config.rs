//! Settings resolution: credentials, gateway and algorithm from flags, then the environment
//! (`NXLINK_*`, read exactly as `ClientBuilder::from_env` reads it), then a profile of the
//! config file (see `config_file`); each value remembers where it came from, for
//! `nxlink config show`.

use nxlink::sign::{Algorithm, Credentials};
use nxlink::{
    Client, ENV_ACCESS_KEY, ENV_ACCESS_SECRET, ENV_BASE_URL, ENV_REGION, ENV_SIGN_ALGORITHM,
    RetryPolicy,
};

use crate::cli::BatchArgs;
use crate::config_file::{ConfigLocation, locate_config, profile_layer};
use crate::config_layer::{Destination, Layer, Secret, Source, Sourced, parse_setting};
use crate::connection_args::ConnectionArgs;
use crate::errors::CliError;

/// Environment variable naming the profile to use.
pub(crate) const ENV_PROFILE: &str = "NXLINK_PROFILE";
/// The profile used when none is named.
pub(crate) const DEFAULT_PROFILE: &str = "default";

/// Everything resolved: what to connect to, as whom, and from where each value came.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// The profile in use.
    pub(crate) profile: Sourced<String>,
    /// The config file, when there is a place for one.
    pub(crate) config_file: Option<ConfigLocation>,
    /// The access key.
    pub(crate) access_key: Option<Sourced<String>>,
    /// The access secret.
    pub(crate) access_secret: Option<Sourced<Secret>>,
    /// The gateway.
    pub(crate) destination: Option<Sourced<Destination>>,
    /// The signature algorithm.
    pub(crate) algorithm: Sourced<Algorithm>,
    /// Whether retries are off.
    pub(crate) no_retry: bool,
}

impl Settings {
    /// Resolves every setting: flags win over the environment (read through `env`), which
    /// wins over the profile. The gateway is one setting: the first layer naming a region
    /// or a base URL decides it, and within a layer a base URL wins over a region, as in
    /// `ClientBuilder::from_env`.
    pub(crate) fn resolve(
        args: &ConnectionArgs,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, CliError> {
        // Blank values count as unset, as in `ClientBuilder::from_lookup`.
        let env = |name: &str| env(name).filter(|value| !value.trim().is_empty());
        let profile = match (&args.credentials.profile, env(ENV_PROFILE)) {
            (Some(name), _) => Sourced {
                value: name.clone(),
                source: Source::Flag("--profile"),
            },
            (None, Some(name)) => Sourced {
                value: name,
                source: Source::Env(ENV_PROFILE),
            },
            (None, None) => Sourced {
                value: DEFAULT_PROFILE.to_owned(),
                source: Source::Default,
            },
        };
        let mut config_file = locate_config(args.credentials.config.as_deref(), &env);
        let file_layer = match &mut config_file {
            Some(location) => profile_layer(location, &profile)?,
            None if profile.source != Source::Default => {
                return Err(CliError::usage_hint(
                    format!(
                        "profile {:?} was asked for, but there is no config file",
                        profile.value
                    ),
                    "pass --config FILE, or set XDG_CONFIG_HOME or HOME",
                ));
            }
            None => Layer::default(),
        };
        let layers = [flag_layer(args), env_layer(&env)?, file_layer];
        let mut merged = Layer::default();
        for layer in layers {
            merged.access_key = merged.access_key.or(layer.access_key);
            merged.access_secret = merged.access_secret.or(layer.access_secret);
            merged.destination = merged.destination.or(layer.destination);
            merged.algorithm = merged.algorithm.or(layer.algorithm);
        }
        Ok(Settings {
            profile,
            config_file,
            access_key: merged.access_key,
            access_secret: merged.access_secret,
            destination: merged.destination,
            algorithm: merged.algorithm.unwrap_or(Sourced {
                value: Algorithm::default(),
                source: Source::Default,
            }),
            no_retry: args.no_retry,
        })
    }

    /// The credentials, or a usage error saying where to put the missing one.
    pub(crate) fn credentials(&self) -> Result<Credentials, CliError> {
        let file = self.config_hint();
        let key = self.access_key.as_ref().ok_or_else(|| {
            CliError::usage_hint(
                "no access key is configured",
                format!("pass --access-key, set {ENV_ACCESS_KEY}, or set access_key in {file}"),
            )
        })?;
        let secret = self.access_secret.as_ref().ok_or_else(|| {
            CliError::usage_hint(
                "no access secret is configured",
                format!(
                    "set {ENV_ACCESS_SECRET}, set access_secret in {file}, or pass --access-secret"
                ),
            )
        })?;
        Ok(Credentials::new(key.value.clone(), secret.value.0.clone()))
    }

    /// Builds a client; `batching` sets how contact lists are split.
    pub(crate) fn client(&self, batching: Option<BatchArgs>) -> Result<Client, CliError> {
        let credentials = self.credentials()?;
        let destination = self.destination.as_ref().ok_or_else(|| {
            CliError::usage_hint(
                "no gateway is configured",
                format!(
                    "pass --region or --base-url, set {ENV_REGION} or {ENV_BASE_URL}, or set \
                     region or base_url in {}",
                    self.config_hint()
                ),
            )
        })?;
        let mut builder = Client::builder()
            .credentials(credentials)
            .algorithm(self.algorithm.value);
        builder = match &destination.value {
            Destination::Region(region) => builder.region(*region),
            Destination::BaseUrl(url) => builder.base_url(url.clone()),
        };
        if self.no_retry {
            builder = builder.retry_policy(RetryPolicy::disabled());
        }
        if let Some(batching) = batching {
            builder = builder.batch_size(batching.batch_size);
            if let Some(fixed) = batching.concurrency {
                builder = builder.batch_concurrency(fixed);
            }
        }
        builder.build().map_err(|error| {
            CliError::usage_hint(
                format!("the gateway settings are not usable: {error}"),
                format!(
                    "fix the gateway setting ({}); use https:// (plain http only reaches \
                     loopback addresses such as the emulator's)",
                    destination.source
                ),
            )
        })
    }

    /// Names the profile table to edit, for hints.
    fn config_hint(&self) -> String {
        let file = self.config_file.as_ref().map_or_else(
            || "the config file".to_owned(),
            |c| c.path.display().to_string(),
        );
        format!("[profiles.{}] of {file}", self.profile.value)
    }
}

/// The flags' layer.
fn flag_layer(args: &ConnectionArgs) -> Layer {
    let flag = |name| Source::Flag(name);
    let destination = match (&args.base_url, args.region) {
        (Some(url), _) => Some(Sourced {
            value: Destination::BaseUrl(url.clone()),
            source: flag("--base-url"),
        }),
        (None, Some(region)) => Some(Sourced {
            value: Destination::Region(region),
            source: flag("--region"),
        }),
        (None, None) => None,
    };
    let args_credentials = &args.credentials;
    Layer {
        access_key: args_credentials.access_key.clone().map(|value| Sourced {
            value,
            source: flag("--access-key"),
        }),
        access_secret: args_credentials.access_secret.clone().map(|value| Sourced {
            value: Secret(value),
            source: flag("--access-secret"),
        }),
        destination,
        algorithm: args_credentials.algorithm.map(|value| Sourced {
            value,
            source: flag("--algorithm"),
        }),
    }
}

/// The environment's layer, read with the SDK's variable names.
fn env_layer(env: &dyn Fn(&str) -> Option<String>) -> Result<Layer, CliError> {
    let sourced = |name: &'static str| env(name).map(|value| (value, Source::Env(name)));
    let destination = match (sourced(ENV_BASE_URL), sourced(ENV_REGION)) {
        (Some((url, source)), _) => Some(Sourced {
            value: Destination::BaseUrl(url),
            source,
        }),
        (None, Some((region, source))) => Some(Sourced {
            value: Destination::Region(parse_setting(&region, &source)?),
            source,
        }),
        (None, None) => None,
    };
    let algorithm = match sourced(ENV_SIGN_ALGORITHM) {
        Some((text, source)) => Some(Sourced {
            value: parse_setting(&text, &source)?,
            source,
        }),
        None => None,
    };
    Ok(Layer {
        access_key: sourced(ENV_ACCESS_KEY).map(|(value, source)| Sourced { value, source }),
        access_secret: sourced(ENV_ACCESS_SECRET).map(|(value, source)| Sourced {
            value: Secret(value),
            source,
        }),
        destination,
        algorithm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection_args::CredentialArgs;
    use nxlink::Region;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn flags_beat_env_and_a_base_url_beats_a_region_within_a_layer() {
        let args = ConnectionArgs {
            region: Some(Region::Americas),
            credentials: CredentialArgs {
                access_key: Some("AK-flag".into()),
                ..CredentialArgs::default()
            },
            ..ConnectionArgs::default()
        };
        let env = env_of(&[
            (ENV_ACCESS_KEY, "AK-env"),
            (ENV_ACCESS_SECRET, "s"),
            (ENV_BASE_URL, "http://127.0.0.1:1"),
            (ENV_SIGN_ALGORITHM, "SHA256"),
        ]);
        let settings = Settings::resolve(&args, &env).expect("resolves");
        let key = settings.access_key.expect("key");
        assert_eq!(
            (key.value.as_str(), key.source),
            ("AK-flag", Source::Flag("--access-key"))
        );
        let destination = settings.destination.expect("destination");
        assert_eq!(destination.value, Destination::Region(Region::Americas));
        assert_eq!(settings.algorithm.value, Algorithm::Sha256);
        assert_eq!(settings.algorithm.source, Source::Env(ENV_SIGN_ALGORITHM));
        assert!(settings.config_file.is_none());
    }

    #[test]
    fn blank_env_values_are_unset_and_bad_ones_name_their_source() {
        let env = env_of(&[(ENV_ACCESS_KEY, "  "), (ENV_REGION, "mars")]);
        let error = Settings::resolve(&ConnectionArgs::default(), &env).expect_err("bad region");
        assert!(
            error.render().contains("env NXLINK_REGION"),
            "{}",
            error.render()
        );
        let env = env_of(&[(ENV_ACCESS_KEY, "  ")]);
        let settings = Settings::resolve(&ConnectionArgs::default(), &env).expect("resolves");
        assert!(settings.access_key.is_none());
    }

    #[test]
    fn the_secret_never_shows_in_debug() {
        let env = env_of(&[(ENV_ACCESS_SECRET, "hunter2-secret")]);
        let settings = Settings::resolve(&ConnectionArgs::default(), &env).expect("resolves");
        assert!(!format!("{settings:?}").contains("hunter2"));
    }
}
