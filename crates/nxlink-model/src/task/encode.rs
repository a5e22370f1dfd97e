//! Writing a task/create body: streamed field by field in the documented order, and the
//! request's place in the generic `ApiRequest` machinery.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::CreateTaskRequest;
use crate::absent::is_absent;
use crate::contact::Contact;
use crate::request::ApiRequest;
use crate::task_result::CreateTaskResult;
use crate::validation::ValidationErrors;

fn serialize_opt_str<S: SerializeStruct>(
    s: &mut S,
    key: &'static str,
    value: &Option<String>,
) -> Result<(), S::Error> {
    match value.as_deref() {
        Some(text) if !text.is_empty() => s.serialize_field(key, text),
        _ => s.skip_field(key),
    }
}

fn serialize_opt<S: SerializeStruct, T: Serialize>(
    s: &mut S,
    key: &'static str,
    value: Option<T>,
) -> Result<(), S::Error> {
    match value {
        Some(value) => s.serialize_field(key, &value),
        None => s.skip_field(key),
    }
}

/// Streams the fields straight into the serializer in the documented order; absent
/// optional fields are skipped, never written as `null`.
impl Serialize for CreateTaskRequest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_parts(&self.call_list, None, serializer)
    }
}

impl CreateTaskRequest {
    /// Writes the request with `contacts` as its `callList` (and `user_task_id`, when given,
    /// as its `userTaskId`), so a large create can send its first batch without copying.
    fn serialize_parts<S: Serializer>(
        &self,
        contacts: &[Contact],
        user_task_id: Option<&str>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let user_task_id = user_task_id.or(self.user_task_id.as_deref());
        let present = |o: &Option<String>| usize::from(!is_absent(o));
        let len = 13
            + usize::from(user_task_id.is_some_and(|id| !id.is_empty()))
            + present(&self.other)
            + present(&self.task_desc)
            + usize::from(self.start.startup_at().is_some())
            + usize::from(self.shutdown_at.is_some())
            + usize::from(self.max_call.is_some())
            + usize::from(self.max_ring_time.is_some())
            + present(&self.task_callback_url)
            + present(&self.call_callback_url)
            + present(&self.country_code)
            + usize::from(!contacts.is_empty());
        let mut s = serializer.serialize_struct("CreateTaskRequest", len)?;
        match user_task_id {
            Some(id) if !id.is_empty() => s.serialize_field("userTaskId", id)?,
            _ => s.skip_field("userTaskId")?,
        }
        serialize_opt_str(&mut s, "other", &self.other)?;
        s.serialize_field("taskName", &self.task_name)?;
        serialize_opt_str(&mut s, "taskDesc", &self.task_desc)?;
        s.serialize_field("autoFlowId", &self.auto_flow_id)?;
        s.serialize_field("routeId", &self.route_id)?;
        s.serialize_field("taskKeep", &u8::from(self.task_keep))?;
        s.serialize_field("startupType", &self.start.startup_type())?;
        serialize_opt(&mut s, "startupAt", self.start.startup_at())?;
        serialize_opt(&mut s, "shutdownAt", self.shutdown_at)?;
        s.serialize_field("zoneSecond", &self.zone_second)?;
        s.serialize_field("weekDay", &self.window.week_days)?;
        s.serialize_field("firstFifteen", &self.window.first_fifteen)?;
        s.serialize_field("secondFifteen", &self.window.second_fifteen)?;
        s.serialize_field("thirdFifteen", &self.window.third_fifteen)?;
        s.serialize_field("fourthFifteen", &self.window.fourth_fifteen)?;
        s.serialize_field("orderMaxCall", &self.order_max_call)?;
        s.serialize_field("replayInterval", &self.replay_interval)?;
        serialize_opt(&mut s, "maxCall", self.max_call)?;
        serialize_opt(&mut s, "maxRingTime", self.max_ring_time)?;
        serialize_opt_str(&mut s, "taskCallbackUrl", &self.task_callback_url)?;
        serialize_opt_str(&mut s, "callCallbackUrl", &self.call_callback_url)?;
        serialize_opt_str(&mut s, "countryCode", &self.country_code)?;
        if contacts.is_empty() {
            s.skip_field("callList")?;
        } else {
            s.serialize_field("callList", contacts)?;
        }
        s.end()
    }
}

impl ApiRequest for CreateTaskRequest {
    const PATH: &'static str = "/openapi/aiagent/task/create";
    type Data = CreateTaskResult;

    fn validate(&self) -> Result<(), ValidationErrors> {
        CreateTaskRequest::validate(self)
    }

    fn encoded_size_hint(&self) -> usize {
        size_hint(&self.call_list)
    }
}

fn size_hint(contacts: &[Contact]) -> usize {
    const FIXED: usize = 768;
    contacts
        .iter()
        .fold(FIXED, |total, contact| total + contact.encoded_size_hint())
}

/// A task/create body that carries only the first contacts of a request: a create with more
/// contacts than one batch sends this, then appends the rest. Borrowed: nothing is copied.
#[derive(Debug, Clone, Copy)]
pub struct CreateTaskHead<'a> {
    request: &'a CreateTaskRequest,
    contacts: &'a [Contact],
    user_task_id: Option<&'a str>,
}

impl CreateTaskRequest {
    /// This request with only its first `contacts` contacts (all of them if it has fewer).
    pub fn head(&self, contacts: usize) -> CreateTaskHead<'_> {
        CreateTaskHead {
            request: self,
            contacts: &self.call_list[..contacts.min(self.call_list.len())],
            user_task_id: None,
        }
    }
}

impl<'a> CreateTaskHead<'a> {
    /// The contacts this body carries.
    pub fn contacts(&self) -> &'a [Contact] {
        self.contacts
    }

    /// Sends `id` as `userTaskId` in place of the request's own: how the SDK gives every
    /// create a key to reconcile it by.
    #[must_use]
    pub fn with_user_task_id(mut self, id: &'a str) -> Self {
        self.user_task_id = Some(id);
        self
    }

    /// The `userTaskId` this body carries, if any.
    pub fn user_task_id(&self) -> Option<&'a str> {
        self.user_task_id
            .or(self.request.user_task_id.as_deref())
            .filter(|id| !id.is_empty())
    }
}

impl Serialize for CreateTaskHead<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.request
            .serialize_parts(self.contacts, self.user_task_id, serializer)
    }
}

impl ApiRequest for CreateTaskHead<'_> {
    const PATH: &'static str = CreateTaskRequest::PATH;
    type Data = CreateTaskResult;

    fn validate(&self) -> Result<(), ValidationErrors> {
        self.request.validate_with_contacts(self.contacts)
    }

    fn encoded_size_hint(&self) -> usize {
        size_hint(self.contacts)
    }
}
