//! How one call attempt ends, and the codes a call record carries for it (the table is in
//! [`crate::outcome`], with the rule that decides it).

/// How one call attempt ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallOutcome {
    /// The callee picked up and talked to the agent; the contact is finished.
    Answered,
    /// It rang until the ring time ran out; redialled while attempts remain.
    NotAnswered,
    /// The line was busy; redialled while attempts remain.
    Busy,
}

impl CallOutcome {
    /// `callResult` in call records: 1 answered, 2 not answered, 3 busy.
    pub const fn call_result(self) -> i64 {
        match self {
            CallOutcome::Answered => 1,
            CallOutcome::NotAnswered => 2,
            CallOutcome::Busy => 3,
        }
    }

    /// `callStatus` in call records: 1 connected, 2 not connected.
    pub const fn call_status(self) -> i64 {
        match self {
            CallOutcome::Answered => 1,
            CallOutcome::NotAnswered | CallOutcome::Busy => 2,
        }
    }

    /// `hangupReason`, as Q.850 cause names.
    pub const fn hangup_reason(self) -> &'static str {
        match self {
            CallOutcome::Answered => "NORMAL_CLEARING",
            CallOutcome::NotAnswered => "NO_ANSWER",
            CallOutcome::Busy => "USER_BUSY",
        }
    }

    /// `sipCode`: the SIP final answer.
    pub const fn sip_code(self) -> &'static str {
        match self {
            CallOutcome::Answered => "200",
            CallOutcome::NotAnswered => "480",
            CallOutcome::Busy => "486",
        }
    }
}
