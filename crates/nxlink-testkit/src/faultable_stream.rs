//! The connection's byte stream, which a fault can take over from hyper: hyper writes well-
//! formed HTTP only, so a fault that must drop a connection or lie about `Content-Length`
//! replaces hyper's next write with its own bytes, then closes the socket.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::lock::lock;

/// What the next response becomes on the wire.
#[derive(Debug)]
pub(crate) enum Takeover {
    /// Nothing: the connection is closed instead.
    Close,
    /// These bytes, then the connection is closed.
    Raw(Bytes),
}

/// The handle a request handler uses to take over its connection's next response.
#[derive(Debug, Clone, Default)]
pub(crate) struct Wire {
    plan: Arc<Mutex<Option<Takeover>>>,
}

impl Wire {
    /// Replaces the response hyper is about to write.
    pub(crate) fn take_over(&self, takeover: Takeover) {
        *lock(&self.plan) = Some(takeover);
    }

    fn planned(&self) -> Option<Takeover> {
        lock(&self.plan).take()
    }
}

/// Where a taken-over stream stands.
#[derive(Debug)]
enum State {
    /// Bytes flow as hyper writes them.
    Passing,
    /// Writing the fault's own bytes.
    Writing(Bytes),
    /// Closing our side.
    Closing,
    /// Closed: hyper's writes fail, reads see the end.
    Closed,
}

/// A TCP stream whose next response a [`Wire`] can replace.
#[derive(Debug)]
pub(crate) struct FaultableStream {
    inner: TcpStream,
    wire: Wire,
    state: State,
}

impl FaultableStream {
    /// Wraps `inner`; `wire` is the handle handlers get.
    pub(crate) fn new(inner: TcpStream, wire: Wire) -> Self {
        FaultableStream {
            inner,
            wire,
            state: State::Passing,
        }
    }

    /// Starts a planned takeover, if there is one; true when the stream is taken over.
    fn begin_takeover(&mut self) -> bool {
        if matches!(self.state, State::Passing) {
            match self.wire.planned() {
                Some(Takeover::Close) => self.state = State::Closing,
                Some(Takeover::Raw(bytes)) => self.state = State::Writing(bytes),
                None => return false,
            }
        }
        true
    }

    /// Drives a takeover to its end: write the bytes, close, then fail hyper's write so it
    /// drops the connection.
    fn finish_takeover(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        loop {
            match &mut self.state {
                State::Passing => return Poll::Ready(Ok(0)),
                State::Writing(bytes) if bytes.is_empty() => self.state = State::Closing,
                State::Writing(bytes) => {
                    match ready!(Pin::new(&mut self.inner).poll_write(cx, bytes)) {
                        Ok(0) | Err(_) => self.state = State::Closing,
                        Ok(written) => bytes.advance(written),
                    }
                }
                State::Closing => {
                    // The peer may already be gone; closing is best effort.
                    let _ = ready!(Pin::new(&mut self.inner).poll_shutdown(cx));
                    self.state = State::Closed;
                }
                State::Closed => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "the response was taken over by an injected fault",
                    )));
                }
            }
        }
    }
}

impl AsyncRead for FaultableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.state {
            State::Passing => Pin::new(&mut this.inner).poll_read(cx, buf),
            // Nothing more is read from a connection a fault took over.
            State::Writing(_) | State::Closing | State::Closed => Poll::Ready(Ok(())),
        }
    }
}

impl AsyncWrite for FaultableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.begin_takeover() {
            this.finish_takeover(cx)
        } else {
            Pin::new(&mut this.inner).poll_write(cx, buf)
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.begin_takeover() {
            this.finish_takeover(cx).map_ok(|_| ())
        } else {
            Pin::new(&mut this.inner).poll_flush(cx)
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.begin_takeover() {
            this.finish_takeover(cx).map_ok(|_| ())
        } else {
            Pin::new(&mut this.inner).poll_shutdown(cx)
        }
    }
}
