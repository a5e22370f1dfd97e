//! The command line of the callback commands: `webhook serve`, `calls export`, `calls summary`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::TypedValueParser as _;
use clap::{Args, Subcommand};

use crate::connection_args::CredentialArgs;

/// `nxlink webhook …`
#[derive(Debug, Subcommand)]
pub(crate) enum WebhookCommand {
    /// Receive NXLink's callbacks: verify each signature over the raw body, store the
    /// callback in an SQLite file, and only then answer 200.
    ///
    /// Task-status callbacks go to POST /callbacks/task, call records to POST
    /// /callbacks/call (the URLs are printed at start-up, for taskCallbackUrl and
    /// callCallbackUrl). A callback that cannot be stored is answered 503, so that NXLink
    /// sends it again; one already stored (a redelivery, a replay) is answered 200 and adds
    /// no row. SIGINT or SIGTERM stops accepting, stores what is in flight, and exits.
    Serve(ServeArgs),
}

/// `nxlink webhook serve`
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8090")]
    pub(crate) listen: SocketAddr,
    /// The callback store (created when absent).
    #[arg(long, value_name = "FILE", default_value = "callbacks.db")]
    pub(crate) store: PathBuf,
    /// Connections served at once; further ones wait to be accepted.
    #[arg(long, value_name = "N", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..=100_000).map(|n| n as usize))]
    pub(crate) max_connections: usize,
    /// Seconds a client has to send a request's head, and again its body.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    pub(crate) read_timeout: Duration,
    /// Largest callback body accepted, in KiB.
    #[arg(long, value_name = "KIB", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..=65_536).map(|n| n as usize))]
    pub(crate) max_body_kib: usize,
    /// The credentials callbacks are signed with.
    #[command(flatten)]
    pub(crate) credentials: CredentialArgs,
}

/// `nxlink calls export|summary`: the calls received by `webhook serve`.
#[derive(Debug, Subcommand)]
pub(crate) enum CallsStoreCommand {
    /// Write the call records received by `webhook serve` as CSV or JSON lines, oldest
    /// first; to a file written atomically (complete or not at all), or to stdout.
    Export(ExportArgs),
    /// Per task: calls dialled, contacts reached, answered, and counts by callResult and
    /// by intent, from the call records received by `webhook serve`.
    Summary(SummaryArgs),
}

/// Which stored callbacks.
#[derive(Debug, Args)]
pub(crate) struct StoreSelection {
    /// The callback store written by `webhook serve`.
    #[arg(long, value_name = "FILE", default_value = "callbacks.db")]
    pub(crate) store: PathBuf,
    /// Only this task (the gateway's taskId or your userTaskId).
    #[arg(long, value_name = "ID")]
    pub(crate) task: Option<String>,
    /// Only callbacks received at or after this time: YYYY-MM-DD, YYYY-MM-DDTHH:MM, or with
    /// :SS (UTC), or epoch seconds.
    #[arg(long, value_name = "TIME")]
    pub(crate) since: Option<String>,
}

/// `nxlink calls export`
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Which callbacks.
    #[command(flatten)]
    pub(crate) selection: StoreSelection,
    /// `csv`: one row per call, the documented fields as columns; `jsonl`: each callback
    /// body as received, one per line.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ExportFormat::Csv)]
    pub(crate) format: ExportFormat,
    /// Export the task-status callbacks instead of the call records.
    #[arg(long)]
    pub(crate) task_statuses: bool,
    /// Write here (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// `--format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExportFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// `nxlink calls summary`
#[derive(Debug, Args)]
pub(crate) struct SummaryArgs {
    /// Which callbacks.
    #[command(flatten)]
    pub(crate) selection: StoreSelection,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|seconds| seconds.is_finite() && *seconds > 0.0 && *seconds <= 3600.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{text:?} is not a number of seconds between 0 and 3600"))
}
