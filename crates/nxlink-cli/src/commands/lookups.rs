//! `nxlink flows [--name NAME]` and `nxlink routes [--name NAME]`: the account's AI agents
//! and call routes, every page, in one shape: a name filter, a table, the walk.

use std::io::Write;

use futures_util::TryStreamExt;
use nxlink::model::{Flow, ListFlowsRequest, ListRoutesRequest, PagedRequest, Route};

use crate::cli::LookupArgs;
use crate::commands::Outcome;
use crate::config::Settings;
use crate::errors::CliError;
use crate::output::{Columns, cell, print_list};

/// The table form of an agent.
const FLOW_COLUMNS: Columns<Flow> = Columns {
    headers: &["AUTO FLOW ID", "NAME"],
    cells: |flow| {
        vec![
            flow.auto_flow_id.to_string(),
            cell(flow.auto_flow_name.as_deref()),
        ]
    },
    empty: "no AI agents match",
};

/// The table form of a route.
const ROUTE_COLUMNS: Columns<Route> = Columns {
    headers: &["ROUTE ID", "NAME"],
    cells: |route| vec![route.route_id.clone(), cell(route.route_name.as_deref())],
    empty: "no routes match",
};

/// Lists the agents.
pub(crate) async fn flows(
    args: &LookupArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let mut request = ListFlowsRequest::new().with_page_size(args.output.page_size);
    if let Some(name) = &args.name {
        request = request.with_name(name.clone());
    }
    list(
        request,
        "listing AI agents",
        &FLOW_COLUMNS,
        args,
        settings,
        out,
    )
    .await
}

/// Lists the routes.
pub(crate) async fn routes(
    args: &LookupArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let mut request = ListRoutesRequest::new().with_page_size(args.output.page_size);
    if let Some(name) = &args.name {
        request = request.with_route_name(name.clone());
    }
    list(
        request,
        "listing call routes",
        &ROUTE_COLUMNS,
        args,
        settings,
        out,
    )
    .await
}

/// Checks the filters, then prints every page's items.
async fn list<R>(
    request: R,
    doing: &'static str,
    columns: &Columns<R::Item>,
    args: &LookupArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<Outcome, CliError>
where
    R: PagedRequest + Send + Sync + 'static,
    R::Item: Send + PartialEq + Clone + serde::Serialize,
{
    request
        .validate()
        .map_err(|errors| CliError::bad_filters(&errors))?;
    let client = settings.client(None)?;
    let gateway = client.base_url().to_owned();
    let items = client
        .items(request)
        .map_err(move |error| CliError::sdk(doing, error).on_gateway(&gateway));
    print_list(items, &args.output, columns, out).await?;
    Ok(Outcome::Done)
}
