//! The command line, as clap definitions: every command, flag and its help text.

use std::path::PathBuf;

use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand};

use crate::callback_args::{CallsStoreCommand, WebhookCommand};
use crate::connection_args::ConnectionArgs;

/// Printed after every `--help`: what the exit codes and settings mean.
const AFTER_HELP: &str = "\
Settings (first found wins): flags, then environment (NXLINK_ACCESS_KEY, NXLINK_ACCESS_SECRET,
NXLINK_REGION or NXLINK_BASE_URL, NXLINK_SIGN_ALGORITHM), then the profile (--profile,
NXLINK_PROFILE, else \"default\") of the config file: --config FILE, else
$XDG_CONFIG_HOME/nxlink/config.toml, else $HOME/.config/nxlink/config.toml.
`nxlink config show` prints what is resolved and where each value comes from.

Exit codes:
  0  success
  1  the command ran and failed, the input is invalid, or some contacts were not imported
  2  the command could not run as given: usage errors, missing or unreadable files,
     missing or broken configuration";

/// Command-line tool for the NXLink AI-agent outbound-call OpenAPI: validate, create,
/// append to and watch campaigns from files.
#[derive(Debug, Parser)]
#[command(name = "nxlink", version, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    /// Where to send requests and how to sign them.
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Validate or create a task from a definition file.
    #[command(subcommand)]
    Task(TaskCommand),
    /// Append contacts to a task from a CSV file, or delete one.
    #[command(subcommand)]
    Contacts(ContactsCommand),
    /// List the account's AI agents (their autoFlowId goes into a task).
    Flows(LookupArgs),
    /// List the account's call routes (their routeId goes into a task).
    Routes(LookupArgs),
    /// List tasks, newest first.
    Tasks(TasksArgs),
    /// List the call records of a task, or export and summarize those received by
    /// `webhook serve`.
    Calls(CallsArgs),
    /// Receive NXLink's callbacks into a local store.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Run the embedded gateway emulator until Ctrl-C, for trying things out.
    Emulator(EmulatorArgs),
    /// Show the resolved settings.
    #[command(subcommand)]
    Config(ConfigCommand),
}

/// `nxlink task …`
#[derive(Debug, Subcommand)]
pub(crate) enum TaskCommand {
    /// Check a task definition (and its contacts CSV) without sending anything.
    ///
    /// Prints every problem with its JSON path, and for the CSV its line and column.
    /// Exit 0 when valid, 1 when not, 2 when a file cannot be read.
    Validate(ValidateArgs),
    /// Validate, then create the task; prints its id, status, import counts and every
    /// refused contact.
    Create(CreateArgs),
}

/// The task definition and its optional contacts.
#[derive(Debug, Args)]
pub(crate) struct TaskInputArgs {
    /// Task definition: the documented task/create JSON, or TOML with the same field names.
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// Contacts file (CSV, TSV, .xlsx, .xls or .ods): columns contactId, name, phoneNumber,
    /// optional other and countryCode; every further column is a script variable named by
    /// its header.
    #[arg(long, value_name = "FILE")]
    pub(crate) contacts: Option<PathBuf>,
    /// How the contacts file is read.
    #[command(flatten)]
    pub(crate) reading: ReadArgs,
    /// Refuse the task when its window reaches contacts outside 08:00–21:00 their local
    /// time (by default that is a warning).
    #[arg(long)]
    pub(crate) strict_hours: bool,
    /// Largest task definition file read, in MiB (contacts in a CSV have no such limit:
    /// it is streamed).
    #[arg(long, value_name = "MIB", default_value_t = crate::task_file::DEFAULT_MAX_FILE_MIB,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) max_file_mib: u64,
}

/// `nxlink task validate`
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// The definition and contacts.
    #[command(flatten)]
    pub(crate) input: TaskInputArgs,
}

/// `nxlink task create`
#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// The definition and contacts.
    #[command(flatten)]
    pub(crate) input: TaskInputArgs,
    /// Print the exact signed request (secret never shown) instead of sending it.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Where to write refused and unsent contact rows (default: the CSV's path + .failed.csv).
    #[arg(long, value_name = "FILE", requires = "contacts")]
    pub(crate) failed_out: Option<PathBuf>,
    /// Create the task even when one with its userTaskId exists (by default that is refused,
    /// naming the existing task, and nothing is sent).
    #[arg(long)]
    pub(crate) allow_duplicate_user_task_id: bool,
    /// How contacts are batched.
    #[command(flatten)]
    pub(crate) batching: BatchArgs,
    /// Where to send requests and how to sign them.
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

/// How a contacts file is read.
#[derive(Debug, Args, Clone)]
pub(crate) struct ReadArgs {
    /// The sheet of a spreadsheet to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub(crate) sheet: Option<String>,
    /// The text encoding of a CSV/TSV (default: a byte-order mark's, else UTF-8 when the
    /// file is valid UTF-8, else GB18030).
    #[arg(long, value_enum, value_name = "ENCODING", default_value_t = EncodingChoice::Auto)]
    pub(crate) encoding: EncodingChoice,
    /// `normalize`: read numbers as people write them (`+86 138 0000 0001`) into the digits
    /// the API takes, refusing numbers not valid for their country; `strict`: send them as
    /// written, digits only.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = PhoneMode::Normalize)]
    pub(crate) phones: PhoneMode,
}

/// `--encoding`
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum EncodingChoice {
    /// Detect: byte-order mark, else valid UTF-8, else GB18030.
    Auto,
    /// UTF-8 (a byte-order mark is skipped).
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// UTF-16, little-endian (Excel's "Unicode text").
    #[value(name = "utf-16le")]
    Utf16Le,
    /// UTF-16, big-endian.
    #[value(name = "utf-16be")]
    Utf16Be,
    /// GB18030, which includes GBK and GB2312 (Excel on Simplified-Chinese Windows).
    #[value(name = "gb18030", alias = "gbk", alias = "gb2312")]
    Gb18030,
    /// Big5 (Traditional Chinese, Hong Kong and Taiwan).
    #[value(name = "big5")]
    Big5,
}

/// `--phones`
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum PhoneMode {
    /// Normalize written numbers (libphonenumber rules).
    Normalize,
    /// Digits as written, with an optional leading '+'.
    Strict,
}

/// How contact lists are split into requests.
#[derive(Debug, Args, Clone, Copy)]
pub(crate) struct BatchArgs {
    /// Contacts per request.
    #[arg(long, value_name = "N", default_value_t = nxlink::DEFAULT_BATCH_SIZE,
          value_parser = clap::value_parser!(u32).range(1..=10_000).map(|n| n as usize))]
    pub(crate) batch_size: usize,
    /// Requests in flight at once, always; without it the number adapts to the gateway's
    /// answers (from 4 up to 16: more while they are quick, half on 429 or slow answers).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=64).map(|n| n as usize))]
    pub(crate) concurrency: Option<usize>,
}

/// `nxlink contacts …`
#[derive(Debug, Subcommand)]
pub(crate) enum ContactsCommand {
    /// Append every row of a CSV to a task, streaming, in batches, with a progress bar.
    ///
    /// A journal next to the CSV records every batch sent and answered: after any stop
    /// (Ctrl-C, SIGTERM, a kill), re-running the same command skips what the gateway
    /// acknowledged and sends again only what was in flight, saying so. Rows not in the task
    /// (invalid, repeated, refused, unsent) are written, in the input's layout, to the
    /// failed-rows file, complete or not at all.
    Append(AppendArgs),
    /// Delete a contact that has not been dialled yet.
    Delete(DeleteArgs),
}

/// Which task: by the gateway's id or by yours.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct TaskSelector {
    /// The gateway's task id.
    #[arg(long, value_name = "ID")]
    pub(crate) task: Option<String>,
    /// Your userTaskId.
    #[arg(long, value_name = "ID")]
    pub(crate) user_task_id: Option<String>,
}

/// `nxlink contacts append`
#[derive(Debug, Args)]
pub(crate) struct AppendArgs {
    /// The task to append to; a userTaskId is looked up by walking task/list.
    #[command(flatten)]
    pub(crate) task: TaskSelector,
    /// Contacts file: CSV, TSV, .xlsx, .xls or .ods (same columns as for
    /// `task create --contacts`).
    #[arg(long, visible_alias = "contacts", value_name = "FILE")]
    pub(crate) csv: PathBuf,
    /// How the contacts file is read.
    #[command(flatten)]
    pub(crate) reading: ReadArgs,
    /// Where to write refused and unsent rows (default: the CSV's path + .failed.csv).
    #[arg(long, value_name = "FILE")]
    pub(crate) failed_out: Option<PathBuf>,
    /// The run's journal, which makes re-running the same command resume exactly
    /// (default: the CSV's path + .journal).
    #[arg(long, value_name = "FILE")]
    pub(crate) journal: Option<PathBuf>,
    /// Default calling code for numbers given without one (countryCode, 1–3 digits).
    #[arg(long, value_name = "CODE")]
    pub(crate) country_code: Option<String>,
    /// How contacts are batched.
    #[command(flatten)]
    pub(crate) batching: BatchArgs,
    /// Where to send requests and how to sign them.
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

/// `nxlink contacts delete`
#[derive(Debug, Args)]
pub(crate) struct DeleteArgs {
    /// The task holding the contact.
    #[command(flatten)]
    pub(crate) task: TaskSelector,
    /// The contactId to delete.
    #[arg(long, value_name = "ID")]
    pub(crate) contact: String,
    /// Where to send requests and how to sign them.
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

/// How list commands print.
#[derive(Debug, Args, Clone, Copy)]
pub(crate) struct ListOutput {
    /// Print one JSON array instead of a table.
    #[arg(long, conflicts_with = "jsonl")]
    pub(crate) json: bool,
    /// Print one JSON object per line, as pages arrive.
    #[arg(long)]
    pub(crate) jsonl: bool,
    /// Stop after N items.
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<usize>,
    /// Items fetched per request (1–1000).
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub(crate) page_size: u32,
}

/// `nxlink flows`, `nxlink routes`
#[derive(Debug, Args)]
pub(crate) struct LookupArgs {
    /// Only those whose name contains this.
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// Output format.
    #[command(flatten)]
    pub(crate) output: ListOutput,
    /// Where to send requests and how to sign them.
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

/// `nxlink tasks`
#[derive(Debug, Args)]
pub(crate) struct TasksArgs {
    /// Only tasks whose name matches this.
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// Only tasks with this status: ready, in-progress, completed, failed, paused,
    /// paused-balance, or the status number.
    #[arg(long, value_name = "STATUS")]
    pub(crate) status: Option<String>,
    /// Only tasks created at or after this time: YYYY-MM-DD, YYYY-MM-DDTHH:MM, or with :SS
    /// (UTC), or epoch seconds.
    #[arg(long, value_name = "TIME")]
    pub(crate) created_after: Option<String>,
    /// Only tasks created at or before this time (same forms as --created-after).
    #[arg(long, value_name = "TIME")]
    pub(crate) created_before: Option<String>,
    /// Only tasks whose answer rate is at least this percentage.
    #[arg(long, value_name = "PERCENT")]
    pub(crate) min_answer_rate: Option<f64>,
    /// Only tasks whose answer rate is at most this percentage.
    #[arg(long, value_name = "PERCENT")]
    pub(crate) max_answer_rate: Option<f64>,
    /// Only tasks with at least this many contacts.
    #[arg(long, value_name = "N")]
    pub(crate) min_contacts: Option<u64>,
    /// Only tasks with at most this many contacts.
    #[arg(long, value_name = "N")]
    pub(crate) max_contacts: Option<u64>,
    /// Only the task with this userTaskId (task/list has no such filter: every page is
    /// read and filtered here).
    #[arg(long, value_name = "ID")]
    pub(crate) user_task_id: Option<String>,
    /// Output format.
    #[command(flatten)]
    pub(crate) output: ListOutput,
    /// Where to send requests and how to sign them.
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

/// `nxlink calls`
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct CallsArgs {
    /// Calls received by `webhook serve` instead of the gateway's.
    #[command(subcommand)]
    pub(crate) store: Option<CallsStoreCommand>,
    /// The task whose calls to list.
    #[command(flatten)]
    pub(crate) task: TaskSelector,
    /// Only calls at or after this time (same forms as `tasks --created-after`).
    #[arg(long, value_name = "TIME")]
    pub(crate) since: Option<String>,
    /// Only calls at or before this time.
    #[arg(long, value_name = "TIME")]
    pub(crate) until: Option<String>,
    /// Only this call.
    #[arg(long, value_name = "ID")]
    pub(crate) call_id: Option<String>,
    /// Only calls to this number.
    #[arg(long, value_name = "NUMBER")]
    pub(crate) phone: Option<String>,
    /// Only calls with this callResult code.
    #[arg(long, value_name = "CODE")]
    pub(crate) result: Option<i64>,
    /// Only calls with this conversation tag (needs --result 1, 3, 17 or 21).
    #[arg(long, value_name = "TAG")]
    pub(crate) intent: Option<String>,
    /// Only calls that talked at least this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) min_talk: Option<i64>,
    /// Only calls that talked at most this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) max_talk: Option<i64>,
    /// Output format.
    #[command(flatten)]
    pub(crate) output: ListOutput,
    /// Where to send requests and how to sign them.
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

/// `nxlink emulator`: the accepted credentials come from its own `--access-key` and
/// `--access-secret` flags only, never from the environment or the config file, because
/// the emulator prints them and those may hold a real secret.
#[derive(Debug, Args)]
pub(crate) struct EmulatorArgs {
    /// Access key the emulator accepts (with --access-secret; default: a demo pair, printed
    /// at start-up).
    #[arg(long, value_name = "KEY", requires = "access_secret")]
    pub(crate) access_key: Option<String>,
    /// Access secret the emulator accepts (with --access-key).
    #[arg(long, value_name = "SECRET", requires = "access_key")]
    pub(crate) access_secret: Option<String>,
    /// Address to listen on.
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub(crate) host: std::net::IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, value_name = "N", default_value_t = 8080)]
    pub(crate) port: u16,
    /// Run the call simulation this many times faster than real time; 0 never dials.
    #[arg(long, value_name = "X", default_value_t = 1.0, value_parser = parse_speedup)]
    pub(crate) speedup: f64,
    /// Do not log each request on stderr.
    #[arg(long)]
    pub(crate) quiet: bool,
    /// Add this many milliseconds before every answer, like a distant gateway (80 is a Hong
    /// Kong round trip from elsewhere in Asia).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub(crate) latency_ms: u64,
    /// Answer HTTP 429 (Retry-After: 1) to requests numbered FROM..=TO, like a gateway
    /// throttling its callers; numbered across all paths, from 1.
    #[arg(long, value_name = "FROM-TO", value_parser = parse_request_range)]
    pub(crate) throttle: Option<(u64, u64)>,
}

fn parse_request_range(text: &str) -> Result<(u64, u64), String> {
    let (from, to) = text
        .split_once('-')
        .ok_or_else(|| format!("{text:?} is not FROM-TO (e.g. 200-260)"))?;
    match (from.trim().parse::<u64>(), to.trim().parse::<u64>()) {
        (Ok(from), Ok(to)) if 1 <= from && from <= to => Ok((from, to)),
        _ => Err(format!("{text:?} is not FROM-TO with 1 <= FROM <= TO")),
    }
}

fn parse_speedup(text: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|speedup| speedup.is_finite() && *speedup >= 0.0)
        .ok_or_else(|| format!("{text:?} is not a number, 0 or more"))
}

/// `nxlink config …`
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Print the resolved settings and where each comes from; the secret is redacted.
    Show(ShowArgs),
}

/// `nxlink config show`
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The flags whose resolution to show.
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}
