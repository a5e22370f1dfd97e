//! Stopping a long run on SIGINT (Ctrl-C), SIGTERM or SIGHUP: the first asks the run to stop
//! sending and wind down (its journal and files are then written in order); a second one
//! exits at once, because the journal already holds everything a re-run needs.

use tokio::sync::watch;

/// The exit code of a run ended by a second signal: 128 + SIGINT, as shells expect.
const EXIT_ON_SECOND_SIGNAL: i32 = 130;

/// Tells whether a stop was asked for, and by which signal.
#[derive(Debug, Clone)]
pub(crate) struct StopSignal {
    asked: watch::Receiver<Option<&'static str>>,
}

impl StopSignal {
    /// Starts watching the signals. `on_second` is printed before exiting on a second one.
    pub(crate) fn watch(on_second: String) -> Self {
        Self::watch_saying(
            "no new batch is sent, the ones in flight are waited for and recorded",
            on_second,
        )
    }

    /// Like [`StopSignal::watch`], saying `on_first` (what stopping does) on the first signal.
    pub(crate) fn watch_saying(on_first: &'static str, on_second: String) -> Self {
        let (tell, asked) = watch::channel(None);
        let signals = Signals::register();
        tokio::spawn(async move {
            let Some(mut signals) = signals else {
                return;
            };
            let Some(first) = signals.next().await else {
                return;
            };
            eprintln!("\n{first}: stopping: {on_first} ({first} again exits at once)");
            let _ = tell.send(Some(first));
            if let Some(second) = signals.next().await {
                eprintln!("\n{second} again: exiting now; {on_second}");
                std::process::exit(EXIT_ON_SECOND_SIGNAL);
            }
        });
        StopSignal { asked }
    }

    /// Resolves once a stop was asked for.
    pub(crate) async fn stopped(&mut self) {
        let _ = self.asked.wait_for(Option::is_some).await;
    }

    /// The signal that asked to stop, if one did.
    pub(crate) fn asked(&self) -> Option<&'static str> {
        *self.asked.borrow()
    }
}

/// The signals that stop a run, registered once so that none is missed between two waits.
#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn register() -> Option<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Some(Signals {
            interrupt: signal(SignalKind::interrupt()).ok()?,
            terminate: signal(SignalKind::terminate()).ok()?,
            hangup: signal(SignalKind::hangup()).ok()?,
        })
    }

    /// The next one, by name.
    async fn next(&mut self) -> Option<&'static str> {
        tokio::select! {
            _ = self.interrupt.recv() => Some("SIGINT"),
            _ = self.terminate.recv() => Some("SIGTERM"),
            _ = self.hangup.recv() => Some("SIGHUP"),
        }
    }
}

/// Ctrl-C, where there are no Unix signals.
#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn register() -> Option<Self> {
        Some(Signals)
    }

    async fn next(&mut self) -> Option<&'static str> {
        tokio::signal::ctrl_c().await.ok().map(|()| "Ctrl-C")
    }
}
