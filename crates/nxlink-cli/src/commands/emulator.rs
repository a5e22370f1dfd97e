//! `nxlink emulator`: the embedded gateway emulator (`nxlink-testkit`) as a local server until
//! Ctrl-C. It prints the credentials it accepts on purpose: they are test credentials the
//! real gateway never accepts, given on the command line or the built-in demo pair — never
//! read from the environment or the config file, which may hold a real secret.

use std::io::Write;
use std::net::SocketAddr;

use std::time::Duration;

use nxlink_testkit::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, Emulator, Fault, FaultRule, Requests};

use crate::cli::EmulatorArgs;
use crate::commands::Outcome;
use crate::connection_args::ConnectionArgs;
use crate::errors::CliError;

/// Runs the emulator until Ctrl-C.
pub(crate) async fn run(
    args: &EmulatorArgs,
    connection: &ConnectionArgs,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    // Flags before the command name are still read, as they were when they were global.
    let before = &connection.credentials;
    let key = args.access_key.as_ref().or(before.access_key.as_ref());
    let secret = args
        .access_secret
        .as_ref()
        .or(before.access_secret.as_ref());
    let (key, secret) = match (key, secret) {
        (Some(key), Some(secret)) if !key.is_empty() && !secret.is_empty() => {
            (key.clone(), secret.clone())
        }
        (None, None) => (DEMO_ACCESS_KEY.to_owned(), DEMO_ACCESS_SECRET.to_owned()),
        _ => {
            return Err(CliError::usage(
                "--access-key and --access-secret go together, both non-empty",
            ));
        }
    };
    let mut builder = Emulator::builder();
    if let Some((from, to)) = args.throttle {
        builder = builder.fault(FaultRule::any_path(
            Requests::Range(from..=to),
            Fault::TooManyRequests {
                retry_after: Duration::from_secs(1),
            },
        ));
    }
    if args.latency_ms > 0 {
        builder = builder.fault(FaultRule::any_path(
            Requests::Every,
            Fault::Delay(Duration::from_millis(args.latency_ms)),
        ));
    }
    let emulator = builder
        .bind(SocketAddr::new(args.host, args.port))
        .account(key.clone(), secret.clone())
        // Nobody reads the request log of a long-running server: keep memory flat.
        .max_recorded_requests(0)
        .log_requests(!args.quiet)
        .dialer_realtime(args.speedup)
        .start()
        .await
        .map_err(|error| {
            let cause = std::error::Error::source(&error)
                .map(|cause| format!(": {cause}"))
                .unwrap_or_default();
            CliError::usage_hint(
                format!("cannot start the emulator: {error}{cause}"),
                "pick another --port, or 0 for any free one",
            )
        })?;
    let url = emulator.base_url();
    writeln!(out, "NXLink emulator listening on {url}")?;
    writeln!(out, "  accessKey:    {key}")?;
    writeln!(out, "  accessSecret: {secret}")?;
    writeln!(out, "  dialer:       {}x real time", args.speedup)?;
    if args.latency_ms > 0 {
        writeln!(out, "  latency:      +{} ms per answer", args.latency_ms)?;
    }
    if let Some((from, to)) = args.throttle {
        writeln!(out, "  throttled:    requests {from}-{to} answer 429")?;
    }
    writeln!(
        out,
        "(test credentials, printed on purpose; stop with Ctrl-C)"
    )?;
    writeln!(
        out,
        "try: export NXLINK_BASE_URL={url} NXLINK_ACCESS_KEY={key} NXLINK_ACCESS_SECRET={secret}"
    )?;
    out.flush()?;
    let stopped = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    stopped.map_err(|error| CliError::failed(format!("cannot wait for Ctrl-C: {error}")))?;
    Ok(Outcome::Done)
}
