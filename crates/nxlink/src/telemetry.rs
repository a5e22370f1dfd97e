//! Per-call tracing spans, compiled away without the `tracing` feature.
//!
//! Spans carry the endpoint, HTTP status, result code, traceId and latency. Nothing that is
//! recorded here can hold a secret: header values and bodies are never recorded.

#[cfg(feature = "tracing")]
use std::time::Instant;

/// One call's span and stopwatch (both nothing without the `tracing` feature).
pub(crate) struct CallSpan {
    #[cfg(feature = "tracing")]
    started: Instant,
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl CallSpan {
    /// Starts timing a call to `endpoint`.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn start(endpoint: &'static str) -> Self {
        CallSpan {
            #[cfg(feature = "tracing")]
            started: Instant::now(),
            #[cfg(feature = "tracing")]
            span: tracing::info_span!(
                "nxlink.call",
                endpoint,
                http.status = tracing::field::Empty,
                code = tracing::field::Empty,
                trace_id = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            ),
        }
    }

    /// Runs one attempt of the call inside its span.
    pub(crate) fn instrument<F: std::future::Future>(
        &self,
        attempt: F,
    ) -> impl std::future::Future<Output = F::Output> {
        #[cfg(feature = "tracing")]
        {
            tracing::Instrument::instrument(attempt, self.span.clone())
        }
        #[cfg(not(feature = "tracing"))]
        {
            attempt
        }
    }

    /// Records the gateway's answer.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn answered(&self, status: u16, code: Option<i64>, trace_id: Option<&str>) {
        #[cfg(feature = "tracing")]
        {
            self.span.record("http.status", status);
            if let Some(code) = code {
                self.span.record("code", code);
            }
            if let Some(trace_id) = trace_id {
                self.span.record("trace_id", trace_id);
            }
        }
    }

    /// Notes a failed attempt that will be retried after `wait`.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn retrying(&self, error: &crate::Error, wait: std::time::Duration) {
        #[cfg(feature = "tracing")]
        {
            let _entered = self.span.enter();
            tracing::info!(error = %error, wait_ms = wait.as_millis() as u64, "nxlink attempt failed, retrying");
        }
    }

    /// Closes the call with its outcome.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn finish(self, error: Option<&crate::Error>) {
        #[cfg(feature = "tracing")]
        {
            let latency_ms = self.started.elapsed().as_secs_f64() * 1000.0;
            self.span.record("latency_ms", latency_ms);
            let _entered = self.span.enter();
            match error {
                None => tracing::debug!(latency_ms, "nxlink call succeeded"),
                Some(error) => tracing::warn!(latency_ms, error = %error, "nxlink call failed"),
            }
        }
    }
}

/// Notes that a write whose outcome was unknown is sent again after `wait`.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn resending(endpoint: &'static str, error: &crate::Error, wait: std::time::Duration) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        endpoint,
        error = %error,
        wait_ms = wait.as_millis() as u64,
        "nxlink outcome unknown, retrying the write (safe: it is keyed)"
    );
}

/// Notes the result of looking a create up by `userTaskId` after its answer was lost.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn reconciled(user_task_id: &str, found: bool) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        user_task_id,
        found,
        "nxlink task/create answer lost; looked the task up by userTaskId"
    );
}
