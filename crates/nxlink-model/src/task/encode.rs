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
        self.serialize_with_contacts(&self.call_list, serializer)
    }
}

impl CreateTaskRequest {
    /// Writes the request with `contacts` as its `callList`, so a large create can send its
    /// first batch without copying the list.
    pub(crate) fn serialize_with_contacts<S: Serializer>(
        &self,
        contacts: &[Contact],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let present = |o: &Option<String>| usize::from(!is_absent(o));
        let len = 13
            + present(&self.user_task_id)
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
        serialize_opt_str(&mut s, "userTaskId", &self.user_task_id)?;
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
}

impl CreateTaskRequest {
    /// This request with only its first `contacts` contacts (all of them if it has fewer).
    pub fn head(&self, contacts: usize) -> CreateTaskHead<'_> {
        CreateTaskHead {
            request: self,
            contacts: &self.call_list[..contacts.min(self.call_list.len())],
        }
    }
}

impl CreateTaskHead<'_> {
    /// The contacts this body carries.
    pub fn contacts(&self) -> &[Contact] {
        self.contacts
    }
}

impl Serialize for CreateTaskHead<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.request
            .serialize_with_contacts(self.contacts, serializer)
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
