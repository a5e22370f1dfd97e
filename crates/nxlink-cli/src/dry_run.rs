//! `task create --dry-run`: the exact signed request the create would send first — method,
//! URL, headers with `sign`, and body — printed instead of sent. The secret only enters the
//! signature; it is never printed.

use std::io::Write;

use nxlink::Client;
use nxlink::model::CreateTaskRequest;

use crate::errors::{CliError, stderr_line};

/// Prints the create request that would be sent now (built by [`Client::prepare`], the same
/// path the client sends through): the first `batch_size` contacts go with the create, the
/// rest would follow as call/append requests (said on stderr).
pub(crate) fn print(
    client: &Client,
    request: &CreateTaskRequest,
    batch_size: usize,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let head = request.head(batch_size);
    let prepared = client
        .prepare(&head)
        .map_err(|error| CliError::failed(format!("cannot build the request: {error}")))?;
    writeln!(out, "{} {}", prepared.method(), prepared.uri())?;
    for (name, value) in prepared.headers() {
        writeln!(out, "{name}: {}", String::from_utf8_lossy(value.as_bytes()))?;
    }
    writeln!(out)?;
    out.write_all(prepared.body())?;
    writeln!(out)?;
    out.flush()?;
    let rest = request.call_list.len() - head.contacts().len();
    if rest > 0 {
        let batches = rest.div_ceil(batch_size);
        stderr_line!(
            "dry run: the other {rest} contacts would follow in {batches} call/append request(s) \
             of up to {batch_size}"
        );
    }
    stderr_line!("dry run: nothing was sent");
    Ok(())
}
