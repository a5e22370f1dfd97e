//! `nxlink webhook serve`: receives callbacks into the store until SIGINT or SIGTERM.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use nxlink::callbacks::CallbackVerifier;
use tokio::net::TcpListener;

use crate::callback_args::ServeArgs;
use crate::callback_store::CallbackStore;
use crate::commands::Outcome;
use crate::config::Settings;
use crate::errors::CliError;
use crate::output::thousands;
use crate::stop_signal::StopSignal;
use crate::store_writer::StoreWriter;
use crate::webhook_server::{self, CALL_PATH, Limits, TASK_PATH, Tally};

/// How long the store's writer may take to finish after the server stopped.
const WRITER_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Serves until stopped.
pub(crate) async fn run(
    args: &ServeArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let credentials = settings.credentials()?;
    let access_key = credentials.access_key().to_owned();
    let store = CallbackStore::open(&args.store)?;
    let already = store.count().map_err(|error| {
        CliError::failed(format!("callback store {}: {error}", args.store.display()))
    })?;
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|error| CliError::failed(format!("cannot listen on {}: {error}", args.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|error| CliError::failed(format!("cannot listen on {}: {error}", args.listen)))?;
    let (writer, writer_thread) = StoreWriter::start(store)
        .map_err(|error| CliError::failed(format!("cannot start the store's writer: {error}")))?;

    let host = match addr.ip() {
        ip if ip.is_unspecified() => "<this machine's address>".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let shown = |text: String| CliError::failed(format!("cannot write to stdout: {text}"));
    writeln!(
        out,
        "receiving callbacks for access key {access_key} into {} ({} stored so far)\n  \
         taskCallbackUrl: http://{host}:{port}{TASK_PATH}\n  \
         callCallbackUrl: http://{host}:{port}{CALL_PATH}\n\
         signatures and ts (±60 s) are checked; Ctrl-C or SIGTERM stops once the callbacks \
         in flight are stored",
        args.store.display(),
        thousands(already),
        port = addr.port(),
    )
    .and_then(|()| out.flush())
    .map_err(|error| shown(error.to_string()))?;

    let tally = Arc::new(Tally::default());
    let mut stop = StopSignal::watch_saying(
        "no new connection is accepted, the callbacks in flight are stored and answered",
        "callbacks in flight were not answered: NXLink sends them again, and each is stored once"
            .to_owned(),
    );
    let limits = Limits {
        max_connections: args.max_connections,
        read_timeout: args.read_timeout,
        max_body_bytes: args.max_body_kib.saturating_mul(1024),
    };
    webhook_server::serve(
        listener,
        CallbackVerifier::new(credentials),
        writer,
        limits,
        Arc::clone(&tally),
        async move { stop.stopped().await },
    )
    .await;
    // Every handle is gone with the server's connections: the writer stores what it holds,
    // then ends.
    if !writer_thread.join_within(WRITER_GRACE) {
        eprintln!(
            "connections left open after the stop still hold callbacks: exiting without their \
             answers (NXLink sends them again, and each is stored once)"
        );
    }

    let count = |counter: &std::sync::atomic::AtomicU64| thousands(counter.load(Ordering::Relaxed));
    writeln!(
        out,
        "stopped: {} callbacks stored, {} repeated deliveries acknowledged without a new row, \
         {} refused (bad signature or ts), {} not callbacks, {} could not be stored (answered \
         503: NXLink sends them again)",
        count(&tally.stored),
        count(&tally.again),
        count(&tally.refused),
        count(&tally.malformed),
        count(&tally.store_failures),
    )
    .map_err(|error| shown(error.to_string()))?;
    Ok(Outcome::Done)
}
