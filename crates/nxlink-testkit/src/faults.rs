//! Fault injection: rules that make chosen requests misbehave the way a real network or an
//! overloaded gateway does, so an SDK's retry, timeout and reconciliation paths can be
//! tested on purpose.
//!
//! Requests are numbered per path, from 1, as they arrive (after the request head was read;
//! unknown paths and refused requests count too); a rule for any path uses the number of the
//! request among all requests. The first matching rule, in the order they were added, fires.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::Mutex;
use std::time::Duration;

use crate::lock::lock;

/// What goes wrong with a request. Each variant says whether the request is **processed**
/// (state changed, task created, …) before the fault shows, which is what an SDK must
/// reconcile when it cannot tell.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Waits this long (real time), then answers normally. Processed.
    Delay(Duration),
    /// Closes the connection after reading the request head, without reading the body or
    /// answering. Not processed.
    CloseBeforeReading,
    /// Processes the request fully, then closes the connection without answering. Processed.
    CloseAfterProcessing,
    /// Answers this HTTP status (e.g. 500, 502, 503) with a short HTML body. Not processed.
    /// A value that cannot be a final HTTP status (below 200 or above 999) answers 500.
    Status(u16),
    /// Answers HTTP 429 with `Retry-After` in whole seconds (rounded up). Not processed.
    TooManyRequests {
        /// What `Retry-After` says.
        retry_after: Duration,
    },
    /// Processes the request, then answers HTTP 200 with a body that is not valid JSON (the
    /// envelope cut in half). Processed.
    MalformedJson,
    /// Processes the request, then declares a `Content-Length` larger than the bytes sent
    /// (half the body) and closes the connection. Processed.
    TruncatedBody,
    /// Processes the request, then declares a `Content-Length` smaller than the body it
    /// sends whole (`Connection: close`, then closes). Processed.
    WrongContentLength,
    /// From this request on, the emulator's notion of now is shifted by this many
    /// milliseconds (replacing any earlier shift): `ts` checks, `Date` headers, task times
    /// and callback `ts` use the shifted time. Processed, against the shifted time.
    SkewClock(i64),
    /// Answers `1004` (timestamp expired) whatever the request's `ts`. Not processed.
    TimestampExpiredOnce,
}

impl Fault {
    /// True when the emulator carries out the request (and its state changes) despite the
    /// fault; false when the fault stops it first.
    pub fn processes_request(&self) -> bool {
        match self {
            Fault::Delay(_)
            | Fault::CloseAfterProcessing
            | Fault::MalformedJson
            | Fault::TruncatedBody
            | Fault::WrongContentLength
            | Fault::SkewClock(_) => true,
            Fault::CloseBeforeReading
            | Fault::Status(_)
            | Fault::TooManyRequests { .. }
            | Fault::TimestampExpiredOnce => false,
        }
    }
}

/// Which requests (by their 1-based number) a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Requests {
    /// Only the n-th request.
    Nth(u64),
    /// Every request whose number is in the range.
    Range(RangeInclusive<u64>),
    /// Every request.
    Every,
}

impl Requests {
    fn contains(&self, number: u64) -> bool {
        match self {
            Requests::Nth(n) => *n == number,
            Requests::Range(range) => range.contains(&number),
            Requests::Every => true,
        }
    }
}

/// A fault, the path it applies to (or any path) and the requests it hits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    path: Option<String>,
    requests: Requests,
    fault: Fault,
}

impl FaultRule {
    /// A rule for the requests to `path` (e.g. `/openapi/aiagent/task/create`).
    pub fn new(path: impl Into<String>, requests: Requests, fault: Fault) -> Self {
        FaultRule {
            path: Some(path.into()),
            requests,
            fault,
        }
    }

    /// A rule for requests to any path, numbered across all of them.
    pub fn any_path(requests: Requests, fault: Fault) -> Self {
        FaultRule {
            path: None,
            requests,
            fault,
        }
    }

    /// The path the rule applies to; `None` for any path.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The requests the rule hits.
    pub fn requests(&self) -> &Requests {
        &self.requests
    }

    /// What goes wrong.
    pub fn fault(&self) -> &Fault {
        &self.fault
    }
}

/// A fault that fired.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FiredFault {
    /// Path of the request it hit.
    pub path: String,
    /// The request's number among the requests to that path (1-based).
    pub request_number: u64,
    /// The request's number among all requests (1-based).
    pub overall_number: u64,
    /// What went wrong.
    pub fault: Fault,
}

/// The rules, the request counters and the log of fired faults.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Mutex<Vec<FaultRule>>,
    counters: Mutex<Counters>,
    fired: Mutex<Vec<FiredFault>>,
}

#[derive(Debug, Default)]
struct Counters {
    overall: u64,
    per_path: HashMap<String, u64>,
}

impl Faults {
    /// Adds a rule after the existing ones.
    pub(crate) fn add(&self, rule: FaultRule) {
        lock(&self.rules).push(rule);
    }

    /// Removes every rule (counters and the fired log stay).
    pub(crate) fn clear(&self) {
        lock(&self.rules).clear();
    }

    /// Counts a request to `path` and returns the fault it must suffer, if any.
    pub(crate) fn on_request(&self, path: &str) -> Option<Fault> {
        let (overall, number) = {
            let mut counters = lock(&self.counters);
            counters.overall = counters.overall.saturating_add(1);
            let overall = counters.overall;
            let number = counters.per_path.entry(path.to_owned()).or_default();
            *number = number.saturating_add(1);
            (overall, *number)
        };
        let fault = lock(&self.rules)
            .iter()
            .find(|rule| match &rule.path {
                Some(rule_path) => rule_path == path && rule.requests.contains(number),
                None => rule.requests.contains(overall),
            })
            .map(|rule| rule.fault.clone())?;
        lock(&self.fired).push(FiredFault {
            path: path.to_owned(),
            request_number: number,
            overall_number: overall,
            fault: fault.clone(),
        });
        Some(fault)
    }

    /// Every fault that fired, oldest first.
    pub(crate) fn fired(&self) -> Vec<FiredFault> {
        lock(&self.fired).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "/a";
    const B: &str = "/b";

    #[test]
    fn rules_match_per_path_numbers_and_the_first_wins() {
        let faults = Faults::default();
        faults.add(FaultRule::new(A, Requests::Nth(2), Fault::Status(503)));
        faults.add(FaultRule::new(
            A,
            Requests::Range(2..=3),
            Fault::MalformedJson,
        ));
        faults.add(FaultRule::any_path(
            Requests::Nth(5),
            Fault::CloseBeforeReading,
        ));
        let seen: Vec<Option<Fault>> = [A, B, A, A, B, A]
            .into_iter()
            .map(|path| faults.on_request(path))
            .collect();
        assert_eq!(
            seen,
            [
                None,
                None,
                Some(Fault::Status(503)),
                Some(Fault::MalformedJson),
                Some(Fault::CloseBeforeReading),
                None
            ]
        );
        let fired = faults.fired();
        assert_eq!(fired.len(), 3);
        assert_eq!((fired[2].path.as_str(), fired[2].request_number), (B, 2));
        assert_eq!(fired[2].overall_number, 5);
        faults.clear();
        assert_eq!(faults.on_request(A), None);
    }

    #[test]
    fn every_fault_says_whether_it_processes() {
        assert!(Fault::CloseAfterProcessing.processes_request());
        assert!(Fault::SkewClock(-5).processes_request());
        assert!(!Fault::CloseBeforeReading.processes_request());
        assert!(!Fault::TimestampExpiredOnce.processes_request());
        assert!(Requests::Every.contains(u64::MAX));
    }
}
