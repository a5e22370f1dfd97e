//! Everything the emulated gateway holds about tasks, in memory: each task with its
//! contacts, call records and calls in progress. Tasks belong to the account that created
//! them; the endpoints only ever see the caller's own.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use nxlink_model::{CallRecord, Contact, TaskStatus};

use crate::call_outcome::CallOutcome;
use crate::contact::{ContactState, StoredContact};
use crate::lock::lock;
use crate::outcome::Timing;
use crate::task::StoredTask;

/// A call in progress.
#[derive(Debug, Clone)]
pub(crate) struct ActiveCall {
    /// Position of the contact in its task.
    pub(crate) position: usize,
    /// 1 for the first attempt of the contact.
    pub(crate) attempt: u32,
    pub(crate) call_id: String,
    pub(crate) outcome: CallOutcome,
    pub(crate) timing: Timing,
    pub(crate) start_ms: i64,
    pub(crate) end_ms: i64,
}

/// Why order/delete cannot remove a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeleteRefusal {
    /// No such contact in the task (or it was deleted already).
    NotFound,
    /// It has been dialled (or is being dialled).
    AlreadyDialled,
}

/// One task and everything that hangs off it.
#[derive(Debug)]
pub(crate) struct TaskEntry {
    pub(crate) task: StoredTask,
    /// The task's row id (`id` in task/list), 1-based in creation order.
    pub(crate) row_id: i64,
    pub(crate) contacts: Vec<StoredContact>,
    /// Position of each contact id in `contacts`.
    positions: HashMap<String, usize>,
    /// Pending contacts by due time: exactly the contacts in state `Pending`.
    due: BTreeSet<(i64, usize)>,
    /// Finished attempts, oldest first.
    pub(crate) calls: Vec<CallRecord>,
    /// Attempts in progress: exactly the contacts in state `Dialling`.
    pub(crate) active: Vec<ActiveCall>,
}

impl TaskEntry {
    fn new(task: StoredTask, row_id: i64) -> Self {
        TaskEntry {
            task,
            row_id,
            contacts: Vec::new(),
            positions: HashMap::new(),
            due: BTreeSet::new(),
            calls: Vec::new(),
            active: Vec::new(),
        }
    }

    /// True when the task already has a contact with this id.
    pub(crate) fn has_contact(&self, contact_id: &str) -> bool {
        self.positions.contains_key(contact_id)
    }

    /// Adds a pending contact, due at once; the caller checked the id is new.
    pub(crate) fn add_contact(&mut self, contact: Contact, url: Option<String>, now_ms: i64) {
        let position = self.contacts.len();
        self.positions.insert(contact.contact_id.clone(), position);
        self.due.insert((now_ms, position));
        self.contacts
            .push(StoredContact::pending(contact, url, now_ms));
    }

    /// Marks a never-dialled contact deleted.
    pub(crate) fn delete_contact(&mut self, contact_id: &str) -> Result<(), DeleteRefusal> {
        let position = *self
            .positions
            .get(contact_id)
            .ok_or(DeleteRefusal::NotFound)?;
        let contact = self
            .contacts
            .get_mut(position)
            .ok_or(DeleteRefusal::NotFound)?;
        if contact.state == ContactState::Deleted {
            return Err(DeleteRefusal::NotFound);
        }
        if !contact.is_deletable() {
            return Err(DeleteRefusal::AlreadyDialled);
        }
        if let Some(due) = contact.next_attempt_at_ms.take() {
            self.due.remove(&(due, position));
        }
        contact.state = ContactState::Deleted;
        Ok(())
    }

    /// Takes the contact due earliest, if it is due at `now_ms`, and marks it dialling.
    pub(crate) fn take_due(&mut self, now_ms: i64) -> Option<usize> {
        let &(due, position) = self.due.first()?;
        if due > now_ms {
            return None;
        }
        self.due.remove(&(due, position));
        if let Some(contact) = self.contacts.get_mut(position) {
            contact.state = ContactState::Dialling;
            contact.next_attempt_at_ms = None;
        }
        Some(position)
    }

    /// Puts a contact back in line for another attempt at `at_ms`.
    pub(crate) fn redial_at(&mut self, position: usize, at_ms: i64) {
        if let Some(contact) = self.contacts.get_mut(position) {
            contact.state = ContactState::Pending;
            contact.next_attempt_at_ms = Some(at_ms);
            self.due.insert((at_ms, position));
        }
    }

    /// True when the task has contacts and none is pending or being dialled.
    pub(crate) fn is_drained(&self) -> bool {
        !self.contacts.is_empty() && self.due.is_empty() && self.active.is_empty()
    }

    /// Changes the status; true when it changed. The first change to in progress is the
    /// task's start.
    pub(crate) fn set_status(&mut self, status: TaskStatus, now_ms: i64) -> bool {
        if self.task.status == status {
            return false;
        }
        self.task.status = status;
        if status == TaskStatus::InProgress && self.task.started_at_ms.is_none() {
            self.task.started_at_ms = Some(now_ms);
        }
        true
    }
}

/// Every task, in creation order, with an index by task id.
#[derive(Debug, Default)]
pub(crate) struct TaskTable {
    tasks: Vec<TaskEntry>,
    positions: HashMap<String, usize>,
    /// Row ids of call records, across tasks (`id` in call/list).
    call_rows: RowIds,
}

/// Hands out row ids 1, 2, 3, …
#[derive(Debug, Default)]
pub(crate) struct RowIds(i64);

impl RowIds {
    /// The next row id.
    pub(crate) fn next(&mut self) -> i64 {
        self.0 = self.0.saturating_add(1);
        self.0
    }
}

impl TaskTable {
    /// Keeps a new task with its first contacts, pending and due at `now_ms`.
    pub(crate) fn insert(&mut self, task: StoredTask, contacts: Vec<Contact>, now_ms: i64) {
        let position = self.tasks.len();
        let row_id = i64::try_from(position).map_or(i64::MAX, |p| p.saturating_add(1));
        self.positions.insert(task.task_id.clone(), position);
        let mut entry = TaskEntry::new(task, row_id);
        for contact in contacts {
            entry.add_contact(contact, None, now_ms);
        }
        self.tasks.push(entry);
    }

    /// Every task, oldest first.
    pub(crate) fn tasks(&self) -> impl DoubleEndedIterator<Item = &TaskEntry> {
        self.tasks.iter()
    }

    /// Every task, for the dialer, with the counter its call records draw row ids from.
    pub(crate) fn tasks_mut(&mut self) -> (impl Iterator<Item = &mut TaskEntry>, &mut RowIds) {
        (self.tasks.iter_mut(), &mut self.call_rows)
    }

    /// The task with this id, whatever its account.
    pub(crate) fn get(&self, task_id: &str) -> Option<&TaskEntry> {
        self.positions
            .get(task_id)
            .and_then(|&position| self.tasks.get(position))
    }

    /// The task with this id, whatever its account, to change it.
    pub(crate) fn get_mut(&mut self, task_id: &str) -> Option<&mut TaskEntry> {
        self.positions
            .get(task_id)
            .and_then(|&position| self.tasks.get_mut(position))
    }

    /// The task with this id if `access_key`'s account owns it.
    pub(crate) fn owned(&self, access_key: &str, task_id: &str) -> Option<&TaskEntry> {
        self.get(task_id)
            .filter(|entry| entry.task.access_key == access_key)
    }

    /// The task with this id if `access_key`'s account owns it, to change it.
    pub(crate) fn owned_mut(&mut self, access_key: &str, task_id: &str) -> Option<&mut TaskEntry> {
        self.get_mut(task_id)
            .filter(|entry| entry.task.access_key == access_key)
    }

    /// The newest task of `access_key`'s account with this `userTaskId`.
    pub(crate) fn owned_by_user_id_mut(
        &mut self,
        access_key: &str,
        user_task_id: &str,
    ) -> Option<&mut TaskEntry> {
        self.tasks.iter_mut().rev().find(|entry| {
            entry.task.access_key == access_key && entry.task.user_task_id() == Some(user_task_id)
        })
    }
}

/// The table behind a lock that is only ever held for a synchronous step.
#[derive(Debug, Default)]
pub(crate) struct SharedTasks {
    table: Mutex<TaskTable>,
}

impl SharedTasks {
    /// Runs `f` on the table; never hold the result across an `.await` (it is not a guard).
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut TaskTable) -> R) -> R {
        f(&mut lock(&self.table))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nxlink_model::{CallWindow, CreateTaskRequest, HourSet, WeekDays};

    fn task(id: &str, key: &str) -> StoredTask {
        StoredTask {
            task_id: id.to_owned(),
            access_key: key.to_owned(),
            request: CreateTaskRequest::new(
                "t",
                197,
                "r",
                CallWindow::every_quarter(WeekDays::ALL, HourSet::ALL),
            )
            .with_user_task_id("u"),
            status: TaskStatus::Ready,
            created_at_ms: 0,
            started_at_ms: None,
            rejected: Vec::new(),
        }
    }

    #[test]
    fn contacts_queue_by_due_time_and_only_fresh_ones_are_deletable() {
        let mut table = TaskTable::default();
        table.insert(
            task("t-1", "k"),
            vec![Contact::new("a", "A", "13800000001")],
            10,
        );
        let entry = table.get_mut("t-1").expect("inserted");
        entry.add_contact(Contact::new("b", "B", "13800000002"), None, 5);
        entry.add_contact(Contact::new("c", "C", "13800000003"), None, 20);
        assert!(entry.has_contact("a") && !entry.has_contact("z"));
        assert_eq!(entry.take_due(4), None);
        assert_eq!(entry.take_due(10), Some(1));
        assert_eq!(
            entry.delete_contact("b"),
            Err(DeleteRefusal::AlreadyDialled)
        );
        assert_eq!(entry.delete_contact("c"), Ok(()));
        assert_eq!(entry.delete_contact("c"), Err(DeleteRefusal::NotFound));
        assert_eq!(entry.delete_contact("z"), Err(DeleteRefusal::NotFound));
        assert_eq!(entry.take_due(100), Some(0));
        assert_eq!(entry.take_due(100), None);
        entry.redial_at(0, 50);
        assert_eq!(entry.contacts[0].state, ContactState::Pending);
        assert!(!entry.is_drained());
        assert_eq!(entry.take_due(50), Some(0));
        assert!(entry.is_drained(), "nothing pending, nothing active");
    }

    #[test]
    fn tasks_are_scoped_to_their_account() {
        let mut table = TaskTable::default();
        table.insert(task("t-1", "k1"), Vec::new(), 0);
        table.insert(task("t-2", "k2"), Vec::new(), 0);
        assert!(table.owned("k1", "t-1").is_some());
        assert!(table.owned("k2", "t-1").is_none());
        assert_eq!(
            table
                .owned_by_user_id_mut("k2", "u")
                .map(|entry| entry.row_id),
            Some(2)
        );
        assert!(table.owned_by_user_id_mut("k3", "u").is_none());
        let (_, rows) = table.tasks_mut();
        assert_eq!((rows.next(), rows.next()), (1, 2));
    }
}
