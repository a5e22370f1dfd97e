//! `nxlink routes [--name NAME]`: the account's call routes, every page.

use std::io::Write;

use futures_util::TryStreamExt;
use nxlink::model::{ApiRequest, ListRoutesRequest, Route};

use crate::cli::RoutesArgs;
use crate::commands::Outcome;
use crate::config::Settings;
use crate::errors::CliError;
use crate::output::{Columns, cell, print_list};

/// The table form of a route.
const COLUMNS: Columns<Route> = Columns {
    headers: &["ROUTE ID", "NAME"],
    cells: route_cells,
    empty: "no routes match",
};

fn route_cells(route: &Route) -> Vec<String> {
    vec![route.route_id.clone(), cell(route.route_name.as_deref())]
}

/// Lists the routes.
pub(crate) async fn run(
    args: &RoutesArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let mut request = ListRoutesRequest::new().with_page_size(args.output.page_size);
    if let Some(name) = &args.name {
        request = request.with_route_name(name.clone());
    }
    request
        .validate()
        .map_err(|errors| CliError::bad_filters(&errors))?;
    let client = settings.client(None)?;
    let gateway = client.base_url().to_owned();
    let items = client
        .all_routes(request)
        .map_err(move |error| CliError::sdk("listing call routes", error).on_gateway(&gateway));
    print_list(items, &args.output, &COLUMNS, out).await?;
    Ok(Outcome::Done)
}
