//! The flags that say where requests go and as whom, shared by the commands that use them.

use std::path::PathBuf;

use clap::Args;
use nxlink::Region;
use nxlink::sign::Algorithm;

/// Who signs: the credentials, the signature algorithm, and the config file and profile they
/// may come from. Listed under a heading of their own in the help of each command that
/// signs, apart from its own options; commands that sign nothing do not take them.
#[derive(Clone, Debug, Args, Default)]
#[command(next_help_heading = "Credentials")]
pub(crate) struct CredentialArgs {
    /// Access key (overrides NXLINK_ACCESS_KEY and the profile).
    #[arg(long, value_name = "KEY")]
    pub(crate) access_key: Option<String>,
    /// Access secret; prefer NXLINK_ACCESS_SECRET or the config file (others can see
    /// command lines).
    #[arg(long, value_name = "SECRET")]
    pub(crate) access_secret: Option<String>,
    /// Signature algorithm: md5 (default) or sha256.
    #[arg(long, value_name = "ALGORITHM", value_parser = parse_algorithm)]
    pub(crate) algorithm: Option<Algorithm>,
    /// Config-file profile to use (else NXLINK_PROFILE, else "default").
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Config file to read instead of $XDG_CONFIG_HOME/nxlink/config.toml.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
}

/// Where requests go, as whom, and whether they are retried: the flags of every command that
/// calls the gateway, accepted before the command or after it (after wins).
#[derive(Clone, Debug, Args, Default)]
#[command(next_help_heading = "Connection")]
pub(crate) struct ConnectionArgs {
    /// Gateway region: hong-kong, americas, indonesia or legacy-west-us.
    #[arg(long, value_name = "REGION", value_parser = parse_region)]
    pub(crate) region: Option<Region>,
    /// Gateway base URL instead of a region, e.g. http://127.0.0.1:8080.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// One attempt per request: no retries.
    #[arg(long)]
    pub(crate) no_retry: bool,
    /// As whom.
    #[command(flatten)]
    pub(crate) credentials: CredentialArgs,
}

impl ConnectionArgs {
    /// These flags, each one not given taken from `before` (the flags given before the
    /// command name).
    pub(crate) fn or(&self, before: &ConnectionArgs) -> ConnectionArgs {
        let (own, earlier) = (&self.credentials, &before.credentials);
        // The gateway is one setting: a region or a base URL after the command replaces
        // either given before it.
        let gateway = if self.region.is_some() || self.base_url.is_some() {
            self
        } else {
            before
        };
        ConnectionArgs {
            region: gateway.region,
            base_url: gateway.base_url.clone(),
            no_retry: self.no_retry || before.no_retry,
            credentials: CredentialArgs {
                access_key: own
                    .access_key
                    .clone()
                    .or_else(|| earlier.access_key.clone()),
                access_secret: own
                    .access_secret
                    .clone()
                    .or_else(|| earlier.access_secret.clone()),
                algorithm: own.algorithm.or(earlier.algorithm),
                profile: own.profile.clone().or_else(|| earlier.profile.clone()),
                config: own.config.clone().or_else(|| earlier.config.clone()),
            },
        }
    }
}

fn parse_region(text: &str) -> Result<Region, nxlink::UnknownRegion> {
    text.parse()
}

fn parse_algorithm(text: &str) -> Result<Algorithm, nxlink::sign::UnknownAlgorithm> {
    text.parse()
}
