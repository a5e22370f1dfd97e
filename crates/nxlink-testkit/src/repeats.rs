//! What the emulator does with a `contactId` its task already holds. The gateway's rule is
//! not documented (the API only asks callers for globally unique ids), so both are offered:
//! refusing makes appends idempotent per contact, accepting is the case where only the
//! client's own discipline keeps a contact from being doubled.

/// How call/append treats a contact id the task already holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RepeatedContactIds {
    /// Refused into `errList` as `Duplicate contactId:<id>` (the default).
    #[default]
    Refuse,
    /// Accepted as another contact: the task then holds the id twice.
    Accept,
}

/// How task/create treats a `userTaskId` one of the account's tasks already has. The API
/// only recommends ("建议全局唯一") that it be globally unique, which reads as a rule the
/// caller keeps rather than one the gateway enforces: accepting is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RepeatedUserTaskIds {
    /// Creates another task with the same `userTaskId` (the default).
    #[default]
    Accept,
    /// Refuses the create with 20000 `userTaskId already exists:<id>`.
    Refuse,
}
