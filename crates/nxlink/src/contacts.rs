//! Contacts of a task: appending any number of them in batches, and deleting one.

use std::collections::HashMap;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use nxlink_model::{
    ApiRequest, AppendBatch, AppendContactsRequest, AppendContactsResult, Contact,
    DeleteContactRequest, RejectedContact,
};

use crate::client::{Client, Reply};
use crate::concurrency::Admission;
use crate::error::{Endpoint, Error};
use crate::retry::{Budget, Reconcile, Settled};

/// What happened to every contact of a batched append: each input contact is in exactly one of
/// `submitted`, `already_present`, `rejected` or `failed`.
#[derive(Debug, Default)]
#[must_use = "some contacts may not have been appended: check `failed` and `rejected`"]
pub struct AppendReport {
    /// Ids of the contacts the gateway accepted.
    pub submitted: Vec<String>,
    /// Ids of contacts the gateway already had (refused as a duplicate `contactId`): sent by
    /// an earlier attempt whose answer was lost, or by an earlier run being resumed.
    pub already_present: Vec<String>,
    /// Contacts the gateway refused, each with its reason; re-sending them will not help.
    pub rejected: Vec<RejectedContact>,
    /// Batches that were not submitted, or whose outcome is unknown, with the error and the
    /// contacts themselves so the run can be resumed with exactly them.
    pub failed: Vec<FailedBatch>,
    /// Ids (also in `submitted`) accepted by a re-send after an attempt whose answer was
    /// lost: that attempt may have arrived too, so a gateway that accepts a repeated
    /// `contactId` may now hold these twice. An upper bound; empty when nothing was re-sent,
    /// or when the re-send's answer showed the gateway refusing ids it already holds.
    pub maybe_doubled: Vec<String>,
}

/// A batch that did not go through.
#[derive(Debug)]
pub struct FailedBatch {
    /// Position of the batch (0-based) in the run.
    pub index: usize,
    /// Position (0-based, in the input) of the batch's first contact.
    pub first_contact: usize,
    /// Why it failed.
    pub error: Error,
    /// The batch's contacts, unchanged.
    pub contacts: Vec<Contact>,
}

impl AppendReport {
    /// Whether every contact was either accepted, already present, or refused by the gateway.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }

    /// How many contacts did not go through (see [`AppendReport::failed`]).
    pub fn failed_count(&self) -> usize {
        self.failed.iter().map(|batch| batch.contacts.len()).sum()
    }

    /// The contacts to append again to finish the run, in input order.
    pub fn into_unsent(self) -> Vec<Contact> {
        self.failed
            .into_iter()
            .flat_map(|batch| batch.contacts)
            .collect()
    }

    /// Adds one batch's outcome: the gateway's refusals are matched to contacts by id (or, when
    /// the gateway gives no id, by number); every other contact of the batch was accepted.
    fn record(&mut self, contacts: &[Contact], answer: BatchAnswer) {
        let accepted_before = self.submitted.len();
        let present_before = self.already_present.len();
        self.record_result(contacts, answer.result);
        // A re-send answered with "already present" shows the gateway refuses repeats:
        // what it accepted then was new.
        if answer.resent && self.already_present.len() == present_before {
            let accepted = self.submitted[accepted_before..].iter().cloned();
            self.maybe_doubled.extend(accepted);
        }
    }

    fn record_result(&mut self, contacts: &[Contact], result: Option<AppendContactsResult>) {
        let refused = result.map(|result| result.err_list).unwrap_or_default();
        if refused.is_empty() {
            self.submitted
                .extend(contacts.iter().map(|contact| contact.contact_id.clone()));
            return;
        }
        let mut by_key: HashMap<&str, usize> = HashMap::with_capacity(refused.len());
        for (position, entry) in refused.iter().enumerate() {
            if let Some(key) = entry
                .contact_id
                .as_deref()
                .or(entry.phone_number.as_deref())
            {
                by_key.entry(key).or_insert(position);
            }
        }
        let mut claimed = vec![false; refused.len()];
        for contact in contacts {
            let hit = by_key
                .get(contact.contact_id.as_str())
                .or_else(|| by_key.get(contact.phone_number.as_str()))
                .copied();
            match hit {
                Some(position) if !claimed[position] => claimed[position] = true,
                _ => self.submitted.push(contact.contact_id.clone()),
            }
        }
        for entry in refused {
            match entry
                .contact_id
                .clone()
                .filter(|_| is_duplicate_refusal(&entry))
            {
                Some(id) => self.already_present.push(id),
                None => self.rejected.push(entry),
            }
        }
    }
}

/// A batch's checked answer, and whether it took more than one send.
#[derive(Debug)]
struct BatchAnswer {
    result: Option<AppendContactsResult>,
    resent: bool,
}

/// The answer to a batch, when it accounts for the batch; otherwise the batch's outcome is
/// unknown. A code-0 answer without `data` is read as "all accepted" only in the form the
/// gateway is documented to send (`message` "success" and a `traceId`).
fn checked_answer(
    sent: &[Contact],
    reply: Reply<Option<AppendContactsResult>>,
) -> Result<Option<AppendContactsResult>, Error> {
    let problem = match &reply.data {
        Some(result) => result.check_against(sent).err(),
        None if reply.message == "success"
            && reply.trace_id.as_deref().is_some_and(|id| !id.is_empty()) =>
        {
            None
        }
        None => Some(
            "the answer carries no counts (data) and is not the documented bare acknowledgement"
                .to_owned(),
        ),
    };
    match problem {
        None => Ok(reply.data),
        Some(reason) => {
            let endpoint = Endpoint::of::<AppendBatch<'_>>();
            let cause = Error::decode(endpoint, http::StatusCode::OK, &reason, b"");
            Err(Error::outcome_unknown(
                endpoint,
                format!(
                    "the gateway answered code 0 but its answer does not account for the batch of {} \
                     contacts ({reason}); which of them were added is unknown",
                    sent.len()
                ),
                cause,
            ))
        }
    }
}

/// Settles a batch whose answer was lost by sending it again: its contact ids are keys the
/// gateway refuses to repeat. An answer it made no sense of is not re-sent (it may have acted).
struct ResendKeyed {
    resent: bool,
}

impl Reconcile<Option<AppendContactsResult>> for ResendKeyed {
    async fn settle(
        &mut self,
        error: Error,
        _budget: &Budget,
    ) -> Settled<Option<AppendContactsResult>> {
        if error.is_unreadable_answer() {
            return Settled::Known(Err(error));
        }
        self.resent = true;
        Settled::SendAgain(error)
    }
}

/// Whether the gateway refused a contact because its `contactId` is already in the task.
///
/// The API requires globally unique, caller-generated contact ids; the gateway's wording for
/// the refusal is not documented, so this matches the emulator's `Duplicate contactId:<id>`
/// and any message naming a duplicate or existing contact id.
fn is_duplicate_refusal(entry: &RejectedContact) -> bool {
    let message = entry
        .err_msg
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    message.contains("contactid") && (message.contains("duplicate") || message.contains("exist"))
}

impl Client {
    /// Appends any number of contacts to a task (`call/append`): the whole list is
    /// validated first (one invalid contact and nothing is sent), then sent in batches (see
    /// [`ClientBuilder::batch_size`](crate::ClientBuilder::batch_size)) with bounded
    /// concurrency, each batch borrowing its slice of the list. Failures of individual
    /// batches do not stop the others; the report says what happened to each contact, and
    /// [`AppendReport::into_unsent`] gives the contacts to send again to finish.
    ///
    /// One exact `call/append` request, unbatched, is [`Client::send`].
    pub async fn append_contacts(
        &self,
        request: &AppendContactsRequest,
    ) -> Result<AppendReport, Error> {
        if request.list.is_empty() {
            // Nothing left to send (e.g. resuming a run that completed): an empty report.
            return Ok(AppendReport::default());
        }
        request
            .validate()
            .map_err(|errors| Error::validation(Endpoint::of::<AppendContactsRequest>(), errors))?;
        Ok(self
            .send_batches(&request.list, 0, |contacts| request.batch(contacts))
            .await)
    }

    /// Sends `contacts` in batches made by `batch`; `offset` is the position of the first
    /// contact in the caller's list, for the report.
    pub(crate) async fn send_batches<'a>(
        &self,
        contacts: &'a [Contact],
        offset: usize,
        batch: impl Fn(&'a [Contact]) -> AppendBatch<'a>,
    ) -> AppendReport {
        let batching = self.batching();
        let limit = self.batch_limit();
        let mut chunks = contacts.chunks(batching.size).enumerate();
        let mut in_flight = FuturesUnordered::new();
        let mut outcomes = Vec::new();
        // A hand-fed FuturesUnordered rather than `buffer_unordered` over a closure: the
        // closure's borrowed argument makes the future lose `Send` (rust-lang/rust#64552),
        // and callers spawn these futures. The window follows the batch limit.
        let mut next = chunks.next();
        while let Some((index, chunk)) = next {
            match limit.admit(&mut in_flight).await {
                Admission::Send => {
                    in_flight.push(self.send_indexed(index, chunk, batch(chunk)));
                    next = chunks.next();
                }
                Admission::Finished(outcome) => outcomes.push(outcome),
            }
        }
        while let Some(outcome) = in_flight.next().await {
            outcomes.push(outcome);
        }
        outcomes.sort_unstable_by_key(|(index, _, _)| *index);

        let mut report = AppendReport::default();
        for (index, chunk, result) in outcomes {
            match result {
                Ok(answer) => report.record(chunk, answer),
                Err(error) => report.failed.push(FailedBatch {
                    index,
                    first_contact: offset + index * batching.size,
                    error,
                    contacts: chunk.to_vec(),
                }),
            }
        }
        report
    }

    async fn send_indexed<'b>(
        &self,
        index: usize,
        chunk: &'b [Contact],
        request: AppendBatch<'b>,
    ) -> (usize, &'b [Contact], Result<BatchAnswer, Error>) {
        (index, chunk, self.send_batch(&request).await)
    }

    /// Sends one batch and checks the answer accounts for it.
    ///
    /// When the exchange broke after sending (or the gateway answered 5xx) the batch is sent
    /// again within the retry budget: contact ids are the key, since the emulator (and, we
    /// expect, the gateway) refuses a contact id the task holds, reported as already present;
    /// what such a re-send accepted is in [`AppendReport::maybe_doubled`]. A code-0 answer
    /// that does not account for the batch is never re-sent: its outcome is unknown.
    async fn send_batch(&self, batch: &AppendBatch<'_>) -> Result<BatchAnswer, Error> {
        let prepared = self.prepare_request(batch)?;
        let mut keyed = ResendKeyed { resent: false };
        let result = self
            .deliver::<AppendBatch<'_>, _>(
                prepared,
                |reply| checked_answer(batch.list, reply),
                &mut keyed,
            )
            .await?;
        Ok(BatchAnswer {
            result,
            resent: keyed.resent,
        })
    }

    /// Deletes a contact that has not been dialled yet (`order/delete`); the answer lists
    /// the call ids the gateway gives for it (none when it sends no `data`).
    pub async fn delete_contact(
        &self,
        request: &DeleteContactRequest,
    ) -> Result<Reply<Vec<String>>, Error> {
        Ok(self.send(request).await?.map(Option::unwrap_or_default))
    }
}
