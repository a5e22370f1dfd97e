//! Why an emulator could not start, and why the simulation cannot run as asked.

use std::fmt;
use std::io;
use std::net::SocketAddr;

/// Why an emulator could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The listening socket could not be bound (address in use, no permission, …).
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system said.
        source: io::Error,
    },
    /// The server's thread or async runtime could not be started.
    Runtime(io::Error),
    /// The background dialer asked for could not be started.
    Simulation(SimulationError),
}

impl fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmulatorError::Bind { addr, .. } => write!(f, "cannot listen on {addr}"),
            EmulatorError::Runtime(_) => f.write_str("cannot start the emulator's server thread"),
            EmulatorError::Simulation(_) => f.write_str("cannot start the background dialer"),
        }
    }
}

impl std::error::Error for EmulatorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EmulatorError::Bind { source, .. } | EmulatorError::Runtime(source) => Some(source),
            EmulatorError::Simulation(source) => Some(source),
        }
    }
}

/// Why the call simulation cannot run as asked.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum SimulationError {
    /// [`crate::Emulator::advance`] needs the emulator to run on a [`crate::ManualClock`]:
    /// the system clock cannot be moved.
    NotManualClock,
    /// [`crate::Emulator::advance`] was called while the real-time dialer runs; stop it
    /// first ([`crate::Emulator::stop_dialer_realtime`]).
    RealtimeRunning,
    /// A speedup must be a finite number, 0 or more.
    InvalidSpeed(f64),
}

impl fmt::Display for SimulationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimulationError::NotManualClock => {
                f.write_str("advancing the simulation needs the emulator to run on a ManualClock")
            }
            SimulationError::RealtimeRunning => {
                f.write_str("the real-time dialer is running; stop it before advancing by hand")
            }
            SimulationError::InvalidSpeed(speed) => {
                write!(
                    f,
                    "invalid simulation speedup {speed}: use a finite number, 0 or more"
                )
            }
        }
    }
}

impl std::error::Error for SimulationError {}
