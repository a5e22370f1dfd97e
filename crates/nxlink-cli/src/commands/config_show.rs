//! `nxlink config show`: every resolved setting and where it comes from. The secret is never
//! printed, only whether it is set and from where.

use std::io::Write;

use crate::commands::Outcome;
use crate::config::Settings;
use crate::config_layer::{Source, Sourced};
use crate::errors::CliError;
use crate::output::write_table;

/// What `config show` prints in place of the secret.
const REDACTED: &str = "** redacted **";
/// What it prints for a setting that nothing sets.
const NOT_SET: &str = "(not set)";

/// Prints the settings table.
pub(crate) fn run(settings: &Settings, out: &mut dyn Write) -> Result<Outcome, CliError> {
    fn row<T>(name: &str, value: &Option<Sourced<T>>, show: impl Fn(&T) -> String) -> Vec<String> {
        match value {
            Some(sourced) => vec![
                name.to_owned(),
                show(&sourced.value),
                sourced.source.to_string(),
            ],
            None => vec![name.to_owned(), NOT_SET.to_owned(), "-".to_owned()],
        }
    }
    let config = match &settings.config_file {
        Some(file) => vec![
            "config file".to_owned(),
            file.path.display().to_string(),
            if file.found {
                format!("chosen by {}", file.chosen_by)
            } else {
                format!("chosen by {}; not found", file.chosen_by)
            },
        ],
        None => vec![
            "config file".to_owned(),
            "-".to_owned(),
            "neither XDG_CONFIG_HOME nor HOME is set".to_owned(),
        ],
    };
    let rows = vec![
        vec![
            "profile".to_owned(),
            settings.profile.value.clone(),
            settings.profile.source.to_string(),
        ],
        config,
        row("access key", &settings.access_key, Clone::clone),
        row("access secret", &settings.access_secret, |_| {
            REDACTED.to_owned()
        }),
        row("gateway", &settings.destination, ToString::to_string),
        vec![
            "algorithm".to_owned(),
            settings.algorithm.value.to_string(),
            settings.algorithm.source.to_string(),
        ],
        vec![
            "retries".to_owned(),
            if settings.no_retry { "off" } else { "standard" }.to_owned(),
            if settings.no_retry {
                Source::Flag("--no-retry")
            } else {
                Source::Default
            }
            .to_string(),
        ],
    ];
    write_table(out, &["SETTING", "VALUE", "FROM"], &rows)?;
    Ok(Outcome::Done)
}
