//! What a user sees when the gateway's answers do not check out, and when a file repeats a
//! contactId far apart: never "appended" or "no tasks match" for what did not happen.

use nxlink_testkit::{ScriptedAnswer, ScriptedGateway, ScriptedRequest};

use crate::common::{Gateway, Scratch, bare_command, contacts_csv, nxlink, summary};

const APPEND: &str = "/openapi/aiagent/call/append";
const TASKS: &str = "/openapi/aiagent/task/list";

/// A scripted gateway on its own runtime (it serves while the test waits for the binary).
struct Scripted {
    gateway: ScriptedGateway,
    _runtime: tokio::runtime::Runtime,
    scratch: Scratch,
}

impl Scripted {
    fn start(
        script: impl Fn(&ScriptedRequest<'_>) -> ScriptedAnswer + Send + Sync + 'static,
    ) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let gateway = runtime
            .block_on(ScriptedGateway::start(script))
            .expect("scripted gateway starts");
        Scripted {
            gateway,
            _runtime: runtime,
            scratch: Scratch::new(),
        }
    }

    fn nxlink(&self) -> std::process::Command {
        let mut command = bare_command(self.scratch.root());
        command
            .env("NXLINK_BASE_URL", self.gateway.base_url())
            .env("NXLINK_ACCESS_KEY", nxlink_testkit::DEMO_ACCESS_KEY)
            .env("NXLINK_ACCESS_SECRET", nxlink_testkit::DEMO_ACCESS_SECRET);
        command
    }
}

#[test]
fn an_append_answered_with_a_bare_code_0_is_not_counted_as_appended() {
    let scripted = Scripted::start(|_: &ScriptedRequest<'_>| ScriptedAnswer::ok(r#"{"code":0}"#));
    scripted.scratch.write("c.csv", contacts_csv("z", 1_000));
    let run = nxlink(
        scripted.nxlink(),
        ["contacts", "append", "--task", "t-1", "--csv", "c.csv"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(summary(&run.stdout, "appended"), 0, "{run:?}");
    assert_eq!(summary(&run.stdout, "outcome unknown"), 1_000, "{run:?}");
    assert!(
        run.stderr
            .contains("of unknown outcome, not counted as appended"),
        "{run:?}"
    );
    let failed =
        std::fs::read_to_string(scripted.scratch.path("c.csv.failed.csv")).expect("written");
    assert_eq!(failed.lines().count(), 1_001, "a header and every row");
    assert_eq!(
        scripted.gateway.requests_to(APPEND),
        2,
        "each batch sent once"
    );
}

#[test]
fn tasks_answered_with_a_bare_code_0_is_an_error_not_an_empty_list() {
    let scripted = Scripted::start(|_: &ScriptedRequest<'_>| ScriptedAnswer::ok(r#"{"code":0}"#));
    let run = nxlink(scripted.nxlink(), ["tasks"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!run.stdout.contains("no tasks match"), "{run:?}");
    assert!(run.stderr.contains("not a page"), "{run:?}");
}

#[test]
fn a_total_that_never_ends_stops_the_walk_with_an_error() {
    let scripted = Scripted::start(|_: &ScriptedRequest<'_>| {
        ScriptedAnswer::ok(
            r#"{"code":0,"data":{"total":1000000000000,"list":[{"taskId":"t-1","taskName":"n"}]}}"#,
        )
    });
    scripted.scratch.write("c.csv", contacts_csv("z", 3));
    for args in [
        vec!["tasks", "--page-size", "1"],
        vec!["tasks", "--jsonl", "--page-size", "1"],
        vec![
            "contacts",
            "append",
            "--user-task-id",
            "EXT-1",
            "--csv",
            "c.csv",
        ],
    ] {
        let before = scripted.gateway.requests_to(TASKS);
        let run = nxlink(scripted.nxlink(), &args);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains("pages are inconsistent"),
            "{args:?}: {run:?}"
        );
        let requests = scripted.gateway.requests_to(TASKS) - before;
        assert!(requests <= 2, "{args:?}: {requests} pages fetched");
    }
}

#[test]
fn a_contact_id_repeated_150_000_rows_later_is_reported_with_both_lines() {
    let gateway = Gateway::start();
    let task_id = gateway.create_task("");
    let mut csv = contacts_csv("r", 160_000);
    // Data row 151 001 (line 151 002) takes the id of data row 1 001 (line 1 002).
    csv = csv.replace(
        "r-151000,Name 151000,13800151000",
        "r-001000,Someone else,13800999999",
    );
    gateway.scratch.write("rep.csv", csv);
    let run = nxlink(
        gateway.nxlink(),
        ["contacts", "append", "--task", &task_id, "--csv", "rep.csv"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("rep.csv:151002: contactId \"r-001000\" repeats line 1002; not sent"),
        "{run:?}"
    );
    assert_eq!(summary(&run.stdout, "repeated in the file"), 1, "{run:?}");
    assert_eq!(summary(&run.stdout, "already in the task"), 0, "{run:?}");
    assert_eq!(summary(&run.stdout, "appended"), 159_999, "{run:?}");
    let failed =
        std::fs::read_to_string(gateway.scratch.path("rep.csv.failed.csv")).expect("written");
    assert_eq!(
        failed,
        "contactId,name,phoneNumber,customerName\nr-001000,Someone else,13800999999,Name 151000\n"
    );
    assert_eq!(gateway.emulator().contacts(&task_id).len(), 159_999);
}
