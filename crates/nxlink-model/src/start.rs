//! How a new task starts: by hand, at a scheduled time, or immediately.

use serde::{Deserialize, Serialize};

/// How a created task starts. Wire form: `startupType` 1/2/3, plus `startupAt` (epoch
/// seconds) only for a scheduled start — the scheduled variant carries its time, so a
/// scheduled start without one cannot be built.
///
/// Not `#[non_exhaustive]`: this is what the SDK sends, and the documented API has exactly
/// these three modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(into = "StartWire", try_from = "StartWire")]
pub enum StartMode {
    /// Someone starts the task from the console (`startupType` 1).
    #[default]
    Manual,
    /// The task starts by itself at `at` (`startupType` 2).
    Scheduled {
        /// Start time, epoch seconds.
        at: i64,
    },
    /// The task starts as soon as it is created (`startupType` 3).
    Immediate,
}

impl StartMode {
    /// The wire `startupType` code: 1 manual, 2 scheduled, 3 immediate.
    pub const fn startup_type(self) -> u8 {
        match self {
            Self::Manual => 1,
            Self::Scheduled { .. } => 2,
            Self::Immediate => 3,
        }
    }

    /// The wire `startupAt`, present only for a scheduled start.
    pub const fn startup_at(self) -> Option<i64> {
        match self {
            Self::Scheduled { at } => Some(at),
            Self::Manual | Self::Immediate => None,
        }
    }

    /// Rebuilds the mode from the two wire fields, rejecting inconsistent pairs.
    pub fn from_wire(startup_type: i64, startup_at: Option<i64>) -> Result<Self, StartModeError> {
        let error = |field, reason| Err(StartModeError { field, reason });
        match (startup_type, startup_at) {
            (1, None) => Ok(Self::Manual),
            (3, None) => Ok(Self::Immediate),
            (2, Some(at)) => Ok(Self::Scheduled { at }),
            (2, None) => error(
                "startupAt",
                "is required when startupType is 2 (scheduled start)",
            ),
            (1 | 3, Some(_)) => error(
                "startupAt",
                "is only allowed when startupType is 2 (scheduled start)",
            ),
            _ => error(
                "startupType",
                "must be 1 (manual), 2 (scheduled) or 3 (immediate)",
            ),
        }
    }
}

/// Why a `startupType`/`startupAt` pair does not describe a start mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{field} {reason}")]
pub struct StartModeError {
    field: &'static str,
    reason: &'static str,
}

impl StartModeError {
    /// The wire field at fault: `startupType` or `startupAt`.
    pub const fn field(&self) -> &'static str {
        self.field
    }

    /// What is wrong with it, in plain English.
    pub const fn reason(&self) -> &'static str {
        self.reason
    }
}

/// The two flattened wire fields; lets `StartMode` be embedded with `#[serde(flatten)]`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartWire {
    startup_type: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    startup_at: Option<i64>,
}

impl From<StartMode> for StartWire {
    fn from(mode: StartMode) -> Self {
        Self {
            startup_type: i64::from(mode.startup_type()),
            startup_at: mode.startup_at(),
        }
    }
}

impl TryFrom<StartWire> for StartMode {
    type Error = StartModeError;

    fn try_from(wire: StartWire) -> Result<Self, StartModeError> {
        Self::from_wire(wire.startup_type, wire.startup_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wire_codes() {
        assert_eq!(StartMode::Manual.startup_type(), 1);
        assert_eq!(StartMode::Scheduled { at: 5 }.startup_type(), 2);
        assert_eq!(StartMode::Immediate.startup_type(), 3);
        assert_eq!(StartMode::Scheduled { at: 5 }.startup_at(), Some(5));
        assert_eq!(StartMode::Immediate.startup_at(), None);
    }

    #[test]
    fn serde_writes_startup_at_only_when_scheduled() {
        assert_eq!(
            serde_json::to_value(StartMode::Manual).expect("serialize"),
            json!({"startupType": 1})
        );
        assert_eq!(
            serde_json::to_value(StartMode::Scheduled { at: 1_746_583_929 }).expect("serialize"),
            json!({"startupType": 2, "startupAt": 1_746_583_929})
        );
        let back: StartMode =
            serde_json::from_value(json!({"startupType": 2, "startupAt": 7})).expect("valid");
        assert_eq!(back, StartMode::Scheduled { at: 7 });
    }

    #[test]
    fn from_wire_rejects_inconsistent_pairs() {
        assert_eq!(
            StartMode::from_wire(2, None).map_err(|e| e.field()),
            Err("startupAt")
        );
        assert_eq!(
            StartMode::from_wire(1, Some(3)).map_err(|e| e.field()),
            Err("startupAt")
        );
        assert_eq!(
            StartMode::from_wire(7, None).map_err(|e| e.field()),
            Err("startupType")
        );
        assert_eq!(
            StartMode::from_wire(0, Some(1)).map_err(|e| e.field()),
            Err("startupType")
        );
        assert!(serde_json::from_value::<StartMode>(json!({"startupType": 2})).is_err());
    }
}
