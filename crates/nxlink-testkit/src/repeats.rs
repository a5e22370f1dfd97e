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
