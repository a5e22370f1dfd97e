//! Integer codes the server returns: the envelope's result code and a task's status.
//! Both keep unknown values instead of failing, because the server may add codes.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The envelope's `code`: 0 on success, 1001–1005 for authentication failures, 20000 for
/// business errors. Build from an integer with [`ResultCode::from_i64`], which never
/// produces `Other` for a known code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResultCode {
    /// 0: the call succeeded.
    Success,
    /// 1001: authentication failed, common (header) parameters are missing.
    MissingCommonParameters,
    /// 1002: authentication failed, a header or body parameter is wrong.
    ParameterError,
    /// 1003: authentication failed, the signature does not match.
    InvalidSignature,
    /// 1004: authentication failed, `ts` is more than 60 s away from the server clock.
    TimestampExpired,
    /// 1005: authentication failed, bad key or product not enabled.
    InsufficientAuthority,
    /// 20000: a business rule failed; `message` says which.
    BusinessError,
    /// Any other code, kept as received.
    Other(i64),
}

impl ResultCode {
    /// The code for an integer; unknown integers become `Other`.
    pub const fn from_i64(code: i64) -> Self {
        match code {
            0 => Self::Success,
            1001 => Self::MissingCommonParameters,
            1002 => Self::ParameterError,
            1003 => Self::InvalidSignature,
            1004 => Self::TimestampExpired,
            1005 => Self::InsufficientAuthority,
            20000 => Self::BusinessError,
            other => Self::Other(other),
        }
    }

    /// The integer on the wire.
    pub const fn as_i64(self) -> i64 {
        match self {
            Self::Success => 0,
            Self::MissingCommonParameters => 1001,
            Self::ParameterError => 1002,
            Self::InvalidSignature => 1003,
            Self::TimestampExpired => 1004,
            Self::InsufficientAuthority => 1005,
            Self::BusinessError => 20000,
            Self::Other(code) => code,
        }
    }

    /// True for 0 only: the documented success code (third-party code also treats 200 as
    /// success, but no official source does, so we do not).
    pub const fn is_success(self) -> bool {
        self.as_i64() == 0
    }

    /// True for the authentication failures 1001–1005.
    pub const fn is_auth_failure(self) -> bool {
        matches!(self.as_i64(), 1001..=1005)
    }
}

impl From<i64> for ResultCode {
    fn from(code: i64) -> Self {
        Self::from_i64(code)
    }
}

impl From<ResultCode> for i64 {
    fn from(code: ResultCode) -> Self {
        code.as_i64()
    }
}

impl Serialize for ResultCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.as_i64())
    }
}

impl<'de> Deserialize<'de> for ResultCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        i64::deserialize(deserializer).map(Self::from_i64)
    }
}

/// A task's status (`taskStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskStatus {
    /// 1: created, waiting to start.
    Ready,
    /// 2: dialling.
    InProgress,
    /// 3: every contact has been handled.
    Completed,
    /// 4: the task failed.
    Failed,
    /// 5: paused.
    Paused,
    /// 6: paused because the account balance ran out.
    PausedInsufficientBalance,
    /// Any other value, kept as received.
    Unknown(i64),
}

impl TaskStatus {
    /// The status for an integer; unknown integers become `Unknown`.
    pub const fn from_i64(code: i64) -> Self {
        match code {
            1 => Self::Ready,
            2 => Self::InProgress,
            3 => Self::Completed,
            4 => Self::Failed,
            5 => Self::Paused,
            6 => Self::PausedInsufficientBalance,
            other => Self::Unknown(other),
        }
    }

    /// The integer on the wire.
    pub const fn as_i64(self) -> i64 {
        match self {
            Self::Ready => 1,
            Self::InProgress => 2,
            Self::Completed => 3,
            Self::Failed => 4,
            Self::Paused => 5,
            Self::PausedInsufficientBalance => 6,
            Self::Unknown(code) => code,
        }
    }

    /// True for both paused states (5 and 6).
    pub const fn is_paused(self) -> bool {
        matches!(self.as_i64(), 5 | 6)
    }

    /// True when the task will not dial again by itself: completed or failed.
    pub const fn is_finished(self) -> bool {
        matches!(self.as_i64(), 3 | 4)
    }
}

impl From<i64> for TaskStatus {
    fn from(code: i64) -> Self {
        Self::from_i64(code)
    }
}

impl From<TaskStatus> for i64 {
    fn from(status: TaskStatus) -> Self {
        status.as_i64()
    }
}

impl Serialize for TaskStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.as_i64())
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        i64::deserialize(deserializer).map(Self::from_i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_codes_round_trip_through_integers() {
        for code in [0, 1001, 1002, 1003, 1004, 1005, 20000, 200, -1, i64::MAX] {
            let parsed: ResultCode = serde_json::from_str(&code.to_string()).expect("integer");
            assert_eq!(parsed.as_i64(), code);
            assert_eq!(
                serde_json::to_string(&parsed).expect("serialize"),
                code.to_string()
            );
        }
        assert_eq!(ResultCode::from_i64(1004), ResultCode::TimestampExpired);
        assert_eq!(ResultCode::from_i64(42), ResultCode::Other(42));
    }

    #[test]
    fn result_code_predicates() {
        assert!(ResultCode::Success.is_success());
        assert!(!ResultCode::from_i64(200).is_success());
        assert!(ResultCode::InvalidSignature.is_auth_failure());
        assert!(ResultCode::from_i64(1001).is_auth_failure());
        assert!(!ResultCode::from_i64(1006).is_auth_failure());
        assert!(!ResultCode::BusinessError.is_auth_failure());
    }

    #[test]
    fn task_status_keeps_unknown_values() {
        let status: TaskStatus = serde_json::from_str("9").expect("integer");
        assert_eq!(status, TaskStatus::Unknown(9));
        assert_eq!(serde_json::to_string(&status).expect("serialize"), "9");
        for code in 1..=6 {
            let status = TaskStatus::from_i64(code);
            assert!(!matches!(status, TaskStatus::Unknown(_)));
            assert_eq!(status.as_i64(), code);
        }
        assert!(TaskStatus::PausedInsufficientBalance.is_paused());
        assert!(TaskStatus::Failed.is_finished());
        assert!(!TaskStatus::Ready.is_finished());
        assert!(serde_json::from_str::<TaskStatus>("\"1\"").is_err());
    }
}
