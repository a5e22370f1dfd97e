//! `nxlink calls --task ID|--user-task-id ID [filters]`: a task's call records, oldest first,
//! every page.

use std::io::Write;

use futures_util::TryStreamExt;
use nxlink::model::{ApiRequest, CallRecord, ListCallsRequest};

use crate::cli::CallsArgs;
use crate::commands::Outcome;
use crate::config::Settings;
use crate::errors::CliError;
use crate::output::{Columns, cell, print_list};
use crate::task_lookup;
use crate::timestamps::format_utc;
use crate::timestamps::time_flag;

/// The table form of a call.
const COLUMNS: Columns<CallRecord> = Columns {
    headers: &[
        "CALL ID",
        "CONTACT ID",
        "NUMBER",
        "RESULT",
        "INTENT",
        "STARTED (UTC)",
        "TALK (s)",
    ],
    cells: call_cells,
    empty: "no calls match",
};

fn call_cells(call: &CallRecord) -> Vec<String> {
    vec![
        cell(call.call_id.as_deref()),
        cell(call.contact_id.as_deref()),
        cell(call.callee_phone.as_deref()),
        cell(call.call_result),
        cell(call.user_intent.as_deref()),
        cell(call.call_start.map(format_utc)),
        cell(call.call_elapsed),
    ]
}

/// Lists the calls.
pub(crate) async fn run(
    args: &CallsArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    // The task id is checked after the other filters: it may need a lookup.
    let mut request = ListCallsRequest::new("-").with_page_size(args.output.page_size);
    request.start_ts = time_flag("--since", &args.since)?;
    request.end_ts = time_flag("--until", &args.until)?;
    request.call_id = args.call_id.clone();
    request.phone = args.phone.clone();
    request.call_result = args.result.map(Into::into);
    request.user_intent = args.intent.clone();
    request.min_elapsed = args.min_talk;
    request.max_elapsed = args.max_talk;
    request
        .validate()
        .map_err(|errors| CliError::bad_filters(&errors))?;
    let client = settings.client(None)?;
    request.task_id = task_lookup::task_id(&client, &args.task).await?;
    let gateway = client.base_url().to_owned();
    let items = client
        .all_calls(request)
        .map_err(move |error| CliError::sdk("listing calls", error).on_gateway(&gateway));
    print_list(items, &args.output, &COLUMNS, out).await?;
    Ok(Outcome::Done)
}
