//! Errors as a person reads them: what failed, the gateway's code, message and traceId, and
//! what to do next; and the exit code each kind of failure ends the process with.

use std::fmt::Write as _;
use std::io;
use std::process::ExitCode;

use nxlink::ErrorKind;
use nxlink::model::ResultCode;

/// Exit code of a command that ran and failed, or found its input invalid.
pub(crate) const EXIT_FAILURE: u8 = 1;
/// Exit code of a command that could not run as given (usage, unreadable files,
/// configuration); clap uses it for its own usage errors too.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Writes one line to stderr. Unlike `eprintln!`, a closed stderr is ignored instead of
/// panicking: the tool must not crash because nobody listens.
macro_rules! stderr_line {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use stderr_line;

/// Why a command stopped.
#[derive(Debug)]
pub(crate) enum CliError {
    /// The command cannot run as given: a missing file, a broken config, conflicting
    /// options. Exit 2.
    Usage {
        /// What is wrong.
        message: String,
        /// What to do about it.
        hint: Option<String>,
    },
    /// The command ran and failed. Exit 1.
    Failed {
        /// What failed.
        message: String,
        /// What to do about it.
        hint: Option<String>,
    },
    /// The input is invalid and every problem was already printed. Exit 1.
    Invalid,
    /// The SDK reported an error while doing something. Exit 1 (2 for configuration).
    Sdk {
        /// What the command was doing, e.g. "creating the task".
        doing: String,
        /// The SDK's error.
        error: nxlink::Error,
        /// The gateway's base URL, for transport hints.
        gateway: Option<String>,
        /// A command-specific next step that beats the generic one (e.g. which userTaskId
        /// to look up after a create whose outcome is unknown).
        next: Option<String>,
    },
    /// Writing the output failed. A closed pipe (`nxlink tasks --jsonl | head -1`) ends the
    /// command quietly with exit 0, as for other Unix tools.
    Output(io::Error),
}

impl CliError {
    /// A usage error without a hint.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        CliError::Usage {
            message: message.into(),
            hint: None,
        }
    }

    /// A usage error with what to do next.
    pub(crate) fn usage_hint(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError::Usage {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    /// A failure without a hint.
    pub(crate) fn failed(message: impl Into<String>) -> Self {
        CliError::Failed {
            message: message.into(),
            hint: None,
        }
    }

    /// An SDK error met while `doing` something.
    pub(crate) fn sdk(doing: impl Into<String>, error: nxlink::Error) -> Self {
        CliError::Sdk {
            doing: doing.into(),
            error,
            gateway: None,
            next: None,
        }
    }

    /// Adds the gateway's base URL to an SDK error, for transport hints.
    pub(crate) fn on_gateway(mut self, base_url: &str) -> Self {
        if let CliError::Sdk { gateway, .. } = &mut self {
            *gateway = Some(base_url.to_owned());
        }
        self
    }

    /// Replaces the generic next step of an SDK error.
    pub(crate) fn next_step(mut self, step: impl Into<String>) -> Self {
        if let CliError::Sdk { next, .. } = &mut self {
            *next = Some(step.into());
        }
        self
    }

    /// An unreadable input file: a usage error (exit 2), like a mistyped argument.
    pub(crate) fn unreadable(path: &std::path::Path, error: &io::Error) -> Self {
        CliError::usage(format!(
            "cannot read {}: {}",
            path.display(),
            io_reason(error)
        ))
    }

    /// Filter flags that make an invalid request: a usage error listing each broken rule.
    pub(crate) fn bad_filters(errors: &nxlink::model::ValidationErrors) -> Self {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        CliError::usage_hint(
            format!(
                "the filters make an invalid request:\n  {}",
                lines.join("\n  ")
            ),
            "fix the filter flags (`--help` lists them)",
        )
    }

    /// The process exit code for this error.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage { .. } => EXIT_USAGE,
            CliError::Sdk { error, .. } if error.kind() == ErrorKind::Config => EXIT_USAGE,
            CliError::Output(error) if error.kind() == io::ErrorKind::BrokenPipe => 0,
            _ => EXIT_FAILURE,
        }
    }

    /// Prints the error for a person on stderr and returns the exit code.
    pub(crate) fn report(self) -> ExitCode {
        let code = self.exit_code();
        let text = self.render();
        if !text.is_empty() {
            stderr_line!("{text}");
        }
        ExitCode::from(code)
    }

    /// The message as printed: `error: …` and indented details.
    pub(crate) fn render(&self) -> String {
        match self {
            CliError::Usage { message, hint } | CliError::Failed { message, hint } => {
                let mut text = format!("error: {message}");
                if let Some(hint) = hint {
                    let _ = write!(text, "\n  next: {hint}");
                }
                text
            }
            CliError::Invalid => String::new(),
            CliError::Sdk {
                doing,
                error,
                gateway,
                next,
            } => render_sdk(doing, error, gateway.as_deref(), next.as_deref()),
            CliError::Output(error) if error.kind() == io::ErrorKind::BrokenPipe => String::new(),
            CliError::Output(error) => format!("error: cannot write the output: {error}"),
        }
    }
}

impl From<io::Error> for CliError {
    /// Writing to stdout is the only I/O that converts implicitly; files name their path.
    fn from(error: io::Error) -> Self {
        CliError::Output(error)
    }
}

/// An I/O error in words, without the `(os error 2)` noise.
pub(crate) fn io_reason(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        _ => error.to_string(),
    }
}

/// The lines for an SDK error: headline, code, message, traceId, next step.
fn render_sdk(
    doing: &str,
    error: &nxlink::Error,
    gateway: Option<&str>,
    next: Option<&str>,
) -> String {
    let mut text = format!("error: {doing} failed: {}", headline(error));
    if let Some(errors) = error.validation_errors() {
        for violation in errors {
            let _ = write!(text, "\n  {violation}");
        }
    }
    if let Some(code) = error.api_code() {
        let _ = write!(text, "\n  code:    {} ({})", code.as_i64(), code_name(code));
    }
    if let Some(message) = error.api_message().filter(|message| !message.is_empty()) {
        let _ = write!(text, "\n  message: {message}");
    }
    if let Some(trace_id) = error.trace_id() {
        let _ = write!(text, "\n  traceId: {trace_id} (quote it to NXLink support)");
    }
    let step = next
        .map(str::to_owned)
        .unwrap_or_else(|| next_step(error, gateway));
    let _ = write!(text, "\n  next:    {step}");
    text
}

/// One line saying what went wrong, without repeating the details printed below it.
fn headline(error: &nxlink::Error) -> String {
    match error.kind() {
        ErrorKind::Validation => {
            let count = error.validation_errors().map_or(0, |errors| errors.len());
            format!("the request breaks {count} rule(s), so nothing was sent")
        }
        ErrorKind::Api => "the gateway refused the request".to_owned(),
        ErrorKind::Transport if error.is_timeout() => {
            "the gateway did not answer in time".to_owned()
        }
        ErrorKind::Transport => match error.transport_error() {
            Some(cause) => format!(
                "could not exchange the request with the gateway: {}",
                with_causes(cause)
            ),
            None => "could not exchange the request with the gateway".to_owned(),
        },
        ErrorKind::OutcomeUnknown => format!(
            "the outcome is unknown: {}",
            error.unknown_outcome().unwrap_or("the answer was lost")
        ),
        // The SDK's own text names the status or the reason precisely.
        _ => error.to_string(),
    }
}

/// An error and its chain of causes on one line (`connect failed: Connection refused`).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            let _ = write!(text, ": {cause_text}");
        }
        source = cause.source();
    }
    text
}

/// The name of a result code, as the API documents it.
fn code_name(code: ResultCode) -> &'static str {
    match code {
        ResultCode::MissingCommonParameters => "missing common parameters",
        ResultCode::ParameterError => "parameter error",
        ResultCode::InvalidSignature => "invalid signature",
        ResultCode::TimestampExpired => "timestamp expired",
        ResultCode::InsufficientAuthority => "insufficient authority",
        ResultCode::BusinessError => "business error",
        _ => "undocumented code",
    }
}

/// What to do next, by what went wrong.
fn next_step(error: &nxlink::Error, gateway: Option<&str>) -> String {
    let at = gateway
        .map(|url| format!(" (now {url})"))
        .unwrap_or_default();
    if error.is_timestamp_expired() {
        return "check this computer's clock: it must be within 60 s of the gateway's; turn on \
                time synchronisation (NTP), e.g. `timedatectl set-ntp true`"
            .to_owned();
    }
    if error.is_invalid_signature() {
        return "check the access secret and the signature algorithm (--access-secret, \
                --algorithm, NXLINK_ACCESS_SECRET, NXLINK_SIGN_ALGORITHM or the profile): they \
                must match the key in the NXLink console; `nxlink config show` says where each \
                setting comes from"
            .to_owned();
    }
    if error.is_insufficient_authority() {
        return format!(
            "check the access key and the region{at}: the key must belong to that region's \
             gateway and have the AI-agent product enabled; `nxlink config show` says where \
             each setting comes from"
        );
    }
    if let Some(code) = error.api_code() {
        return match code {
            ResultCode::MissingCommonParameters | ResultCode::ParameterError => {
                "the gateway found the request itself malformed, which nxlink should never \
                 send: please report a bug with the traceId and the command you ran"
                    .to_owned()
            }
            ResultCode::BusinessError => {
                "the gateway's message above says what it refused; fix that and run again"
                    .to_owned()
            }
            _ => "quote the code and the traceId to NXLink support".to_owned(),
        };
    }
    match error.kind() {
        ErrorKind::Validation => "fix the values listed above and run again".to_owned(),
        ErrorKind::Transport => format!(
            "check the network and the gateway address{at}: --base-url, --region, \
             NXLINK_BASE_URL or NXLINK_REGION; a proxy or firewall may be in the way"
        ),
        ErrorKind::HttpStatus => match error.http_status_code().map(|status| status.as_u16()) {
            Some(404) => {
                format!("check the base URL{at}: it does not look like an NXLink gateway")
            }
            Some(429) => "the gateway is throttling: wait a little and run again".to_owned(),
            _ => "the gateway is having trouble: run again later; if it persists, contact \
                  NXLink support"
                .to_owned(),
        },
        ErrorKind::Decode => format!(
            "check that the base URL{at} points at an NXLink gateway; if it does, please report \
             a bug with the output above"
        ),
        ErrorKind::Config => "fix the configuration: `nxlink config show` prints what is \
                              resolved and from where"
            .to_owned(),
        ErrorKind::OutcomeUnknown => "look the task up before running the command again: \
                                      `nxlink tasks --user-task-id ID`"
            .to_owned(),
        _ => "run again; if it persists, please report a bug with the output above".to_owned(),
    }
}
