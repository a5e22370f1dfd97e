//! `nxlink flows [--name NAME]`: the account's AI agents, every page.

use std::io::Write;

use futures_util::TryStreamExt;
use nxlink::model::{ApiRequest, Flow, ListFlowsRequest};

use crate::cli::FlowsArgs;
use crate::commands::Outcome;
use crate::config::Settings;
use crate::errors::CliError;
use crate::output::{Columns, cell, print_list};

/// The table form of an agent.
const COLUMNS: Columns<Flow> = Columns {
    headers: &["AUTO FLOW ID", "NAME"],
    cells: flow_cells,
    empty: "no AI agents match",
};

fn flow_cells(flow: &Flow) -> Vec<String> {
    vec![
        flow.auto_flow_id.to_string(),
        cell(flow.auto_flow_name.as_deref()),
    ]
}

/// Lists the agents.
pub(crate) async fn run(
    args: &FlowsArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let mut request = ListFlowsRequest::new().with_page_size(args.output.page_size);
    if let Some(name) = &args.name {
        request = request.with_name(name.clone());
    }
    request
        .validate()
        .map_err(|errors| CliError::bad_filters(&errors))?;
    let client = settings.client(None)?;
    let gateway = client.base_url().to_owned();
    let items = client
        .all_flows(request)
        .map_err(move |error| CliError::sdk("listing AI agents", error).on_gateway(&gateway));
    print_list(items, &args.output, &COLUMNS, out).await?;
    Ok(Outcome::Done)
}
