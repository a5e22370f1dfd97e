//! A full traced run (creates, retries, reconciliation, appends, lists, refusals) never
//! writes the access secret to tracing output. Its own test binary: tracing caches which
//! callsites are enabled process-wide, and other tests running without a subscriber would
//! disable them.

use nxlink::Client;
use nxlink::model::AppendContactsRequest;
use nxlink::sign::Credentials;
use nxlink_integration_tests::spec_example_task;
use nxlink_testkit::Emulator;

const SECRET: &str = "SUPER-SECRET-VALUE-7f3a9c";

/// Collects everything a `fmt` subscriber writes.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_full_traced_run_never_logs_the_secret() {
    use nxlink::model::{Contact, ListTasksRequest};
    use nxlink_testkit::{Fault, FaultRule, Requests};

    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();

    let emulator = Emulator::builder()
        .account("AK-SECRET-TEST", SECRET)
        .start()
        .await
        .expect("emulator starts");
    // Faults make the client retry and reconcile, so those paths log too.
    emulator.inject(FaultRule::new(
        "/openapi/aiagent/task/create",
        Requests::Nth(1),
        Fault::CloseAfterProcessing,
    ));
    emulator.inject(FaultRule::new(
        "/openapi/aiagent/call/append",
        Requests::Nth(1),
        Fault::Status(503),
    ));
    let client = Client::builder()
        .base_url(emulator.base_url())
        .credentials(Credentials::new("AK-SECRET-TEST", SECRET))
        .build()
        .expect("client builds");
    let created = client
        .create_task(&spec_example_task())
        .await
        .expect("created after reconciling");
    let report = client
        .append_contacts(&AppendContactsRequest::new(
            created.task_id.clone(),
            vec![Contact::new("secret-run-1", "Ann", "13800000011")],
        ))
        .await
        .expect("valid");
    assert!(report.is_complete());
    client
        .list_tasks(&ListTasksRequest::new())
        .await
        .expect("listed");
    let wrong = Client::builder()
        .base_url(emulator.base_url())
        .credentials(Credentials::new(
            "AK-SECRET-TEST",
            format!("{SECRET}-wrong"),
        ))
        .build()
        .expect("client builds");
    let refused = wrong
        .create_task(&spec_example_task())
        .await
        .expect_err("1003");
    tracing::error!(error = %refused, debug = ?refused, "logged by the application");

    let output = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(
        output.contains("nxlink.call"),
        "spans were captured: {output}"
    );
    assert!(output.contains("retrying"), "the retry path ran and logged");
    assert_eq!(
        output.matches(SECRET).count(),
        0,
        "secret leaked into tracing output"
    );
}
