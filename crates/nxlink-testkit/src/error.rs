//! Why an emulator could not start.

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
}

impl fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmulatorError::Bind { addr, .. } => write!(f, "cannot listen on {addr}"),
            EmulatorError::Runtime(_) => f.write_str("cannot start the emulator's server thread"),
        }
    }
}

impl std::error::Error for EmulatorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EmulatorError::Bind { source, .. } | EmulatorError::Runtime(source) => Some(source),
        }
    }
}
