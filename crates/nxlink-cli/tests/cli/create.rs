//! `nxlink task create`: the task and every refused contact, the failed-rows file, the dry
//! run (nothing sent, no secret, a signature that verifies), and errors that say what to do.

use nxlink::model::{ApiRequest, CreateTaskRequest, ListTasksRequest};
use nxlink::sign::{Algorithm, Credentials, Signer};
use nxlink_testkit::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, Emulator, Fault, FaultRule, Requests};

use crate::common::{Gateway, TASK_JSON, nxlink};

#[test]
fn create_prints_the_task_and_every_refused_contact() {
    let gateway = Gateway::start();
    gateway.scratch.write("task.json", TASK_JSON);
    gateway.scratch.write(
        "contacts.csv",
        "contactId,name,phoneNumber,other,customerName\n\
         c-1,Lucy,13800000001,ext-1,Lucy\n\
         c-2,Tom,99912345678,,Tom\n\
         c-3,Ann,13800000003,,\n",
    );
    let run = nxlink(
        gateway.nxlink(),
        ["task", "create", "task.json", "--contacts", "contacts.csv"],
    );
    // Created, but one contact was refused: exit 1 so that scripts notice.
    assert_eq!(run.code, 1, "{run:?}");
    let tasks = gateway.emulator().tasks();
    assert_eq!(tasks.len(), 1);
    let task = &tasks[0];
    assert!(
        run.stdout
            .starts_with(&format!("created task {}\n", task.task_id)),
        "{run:?}"
    );
    let user_task_id = task.user_task_id().expect("the CLI always sends one");
    assert!(
        run.stdout
            .contains(&format!("userTaskId: {user_task_id} (generated)")),
        "{run:?}"
    );
    assert!(run.stdout.contains("status:     ready"), "{run:?}");
    assert!(
        run.stdout.contains("contacts:   2 of 3 imported"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("contacts.csv:3  c-2  Illegal phone number format:99912345678"),
        "{run:?}"
    );
    // The variables arrived as params, empty cells left out.
    let contacts = gateway.emulator().contacts(&task.task_id);
    assert_eq!(contacts.len(), 2);
    let lucy = &contacts[0].contact;
    assert_eq!(lucy.other.as_deref(), Some("ext-1"));
    assert_eq!(lucy.params.len(), 1);
    assert_eq!(lucy.params[0].name, "customerName");
    assert!(contacts[1].contact.params.is_empty());
    // The refused row, in the input's layout, ready to fix and append.
    let failed = std::fs::read_to_string(gateway.scratch.path("contacts.csv.failed.csv"))
        .expect("failed rows written");
    assert_eq!(
        failed,
        "contactId,name,phoneNumber,other,customerName\nc-2,Tom,99912345678,,Tom\n"
    );
    assert!(
        run.stdout.contains(&format!(
            "to finish: nxlink contacts append --task {} --csv",
            task.task_id
        )),
        "{run:?}"
    );

    // Without refusals: exit 0 and no failed-rows file.
    gateway.scratch.write(
        "good.csv",
        "contactId,name,phoneNumber\ng-1,Lucy,13800000001\n",
    );
    let run = nxlink(
        gateway.nxlink(),
        ["task", "create", "task.json", "--contacts", "good.csv"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("contacts:   1 of 1 imported"),
        "{run:?}"
    );
    assert!(!gateway.scratch.path("good.csv.failed.csv").exists());
}

#[test]
fn an_invalid_definition_sends_nothing() {
    let gateway = Gateway::start();
    gateway.scratch.write(
        "task.json",
        TASK_JSON.replace("\"taskKeep\": 0", "\"taskKeep\": 7"),
    );
    let run = nxlink(gateway.nxlink(), ["task", "create", "task.json"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("task.json: taskKeep: must be 0 or 1 (got 7)"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("the task was not created: 1 problem(s)"),
        "{run:?}"
    );
    assert_eq!(gateway.emulator().request_count(), 0);
}

/// Splits a dry run's output into the request line, the headers and the body.
fn parse_dry_run(stdout: &str) -> (String, Vec<(String, String)>, String) {
    let (head, body) = stdout
        .split_once("\n\n")
        .expect("headers, blank line, body");
    let mut lines = head.lines();
    let request_line = lines.next().expect("request line").to_owned();
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(": ").expect("name: value");
            (name.to_owned(), value.to_owned())
        })
        .collect();
    (
        request_line,
        headers,
        body.trim_end_matches('\n').to_owned(),
    )
}

#[test]
fn dry_run_prints_a_verifiable_signed_request_and_sends_nothing() {
    let gateway = Gateway::start();
    gateway.scratch.write("task.json", TASK_JSON);
    gateway.scratch.write(
        "contacts.csv",
        "contactId,name,phoneNumber\nc-1,Lucy,13800000001\n",
    );
    for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
        let run = nxlink(
            gateway.nxlink(),
            [
                "task",
                "create",
                "task.json",
                "--contacts",
                "contacts.csv",
                "--dry-run",
                "--algorithm",
                algorithm.header_value(),
            ],
        );
        assert_eq!(run.code, 0, "{run:?}");
        assert!(
            !run.all().contains(DEMO_ACCESS_SECRET),
            "the secret leaked: {run:?}"
        );
        assert!(run.stderr.contains("nothing was sent"), "{run:?}");
        let (request_line, headers, body) = parse_dry_run(&run.stdout);
        assert_eq!(
            request_line,
            format!(
                "POST {}{}",
                gateway.emulator().base_url(),
                CreateTaskRequest::PATH
            )
        );
        let header = |name: &str| {
            headers
                .iter()
                // Names as they go on the wire: HTTP/1 header names are lower case.
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.as_str())
        };
        assert_eq!(header("content-type"), Some("application/json"));
        assert_eq!(header("accessKey"), Some(DEMO_ACCESS_KEY));
        assert_eq!(header("bizType"), Some("100"));
        assert_eq!(header("action"), Some("nxai"));
        assert_eq!(
            header("algorithm"),
            (algorithm == Algorithm::Sha256).then_some("sha256")
        );
        let signer = Signer::new(
            Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET),
            algorithm,
        );
        let ts = header("ts").expect("ts").parse().expect("a number");
        assert_eq!(
            header("sign").expect("sign"),
            signer.sign(ts, body.as_bytes()).signature().as_str(),
            "the printed sign verifies"
        );
        // The body is the documented create, with the CSV contact and a userTaskId.
        let parsed = CreateTaskRequest::from_json(body.as_bytes()).expect("a valid create body");
        assert_eq!(parsed.call_list.len(), 1);
        assert!(
            parsed
                .user_task_id
                .is_some_and(|id| id.starts_with("nxlink-"))
        );
    }
    assert_eq!(
        gateway.emulator().request_count(),
        0,
        "a dry run sends nothing"
    );
    assert!(gateway.emulator().tasks().is_empty());
}

/// An emulator that knows the demo key under another secret, so signatures do not match.
fn run_against(
    emulator_setup: impl FnOnce(&Gateway),
    args: &[&str],
    extra: &[&str],
) -> crate::common::Run {
    let gateway = Gateway::start();
    gateway.scratch.write("task.json", TASK_JSON);
    emulator_setup(&gateway);
    let mut command = gateway.nxlink();
    command.args(extra);
    nxlink(command, args)
}

#[test]
fn api_errors_say_what_failed_and_what_to_do_next() {
    let create = ["task", "create", "task.json"];
    // 1003: the secret does not match.
    let run = run_against(|_| {}, &create, &["--access-secret", "not-the-secret"]);
    assert_eq!(run.code, 1, "{run:?}");
    for expected in [
        "error: creating the task failed: the gateway refused the request",
        "code:    1003 (invalid signature)",
        "traceId: ",
        "next:    check the access secret and the signature algorithm",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?}: {run:?}"
        );
    }
    assert!(!run.all().contains("not-the-secret"), "{run:?}");
    // 1005: an unknown access key.
    let run = run_against(|_| {}, &create, &["--access-key", "AK-UNKNOWN"]);
    assert!(
        run.stderr
            .contains("code:    1005 (insufficient authority)"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("check the access key and the region"),
        "{run:?}"
    );
    // 1004 on every attempt: the clock.
    let run = run_against(
        |gateway| {
            gateway.emulator().inject(FaultRule::new(
                CreateTaskRequest::PATH,
                Requests::Every,
                Fault::TimestampExpiredOnce,
            ));
        },
        &create,
        &[],
    );
    assert!(
        run.stderr.contains("code:    1004 (timestamp expired)"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("check this computer's clock"),
        "{run:?}"
    );
    // 20000: the gateway's own message.
    let run = run_against(
        |gateway| {
            gateway.scratch.write(
                "task.json",
                TASK_JSON.replace("y29ND1X4kkCG_nC576sALEkvg3HjEqde", "no-such-route"),
            );
        },
        &create,
        &[],
    );
    assert!(
        run.stderr.contains("code:    20000 (business error)"),
        "{run:?}"
    );
    assert!(run.stderr.contains("message: routeId not found"), "{run:?}");
    // Nothing listening: the network and the address.
    let run = nxlink(
        crate::common::bare_command(std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))),
        [
            "flows",
            "--base-url",
            "http://127.0.0.1:9",
            "--access-key",
            "k",
            "--access-secret",
            "s",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("could not exchange the request with the gateway"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("check the network and the gateway address (now http://127.0.0.1:9)"),
        "{run:?}"
    );
}

#[test]
fn a_create_whose_outcome_is_unknown_names_the_user_task_id_to_look_up() {
    let gateway = Gateway::start();
    gateway.scratch.write("task.json", TASK_JSON);
    let emulator: &Emulator = gateway.emulator();
    // The task is created but the answer is lost, and the lookup by userTaskId fails too.
    emulator.inject(FaultRule::new(
        CreateTaskRequest::PATH,
        Requests::Every,
        Fault::CloseAfterProcessing,
    ));
    emulator.inject(FaultRule::new(
        ListTasksRequest::PATH,
        Requests::Every,
        Fault::Status(503),
    ));
    let run = nxlink(
        gateway.nxlink(),
        ["task", "create", "task.json", "--no-retry"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    let user_task_id = emulator.tasks()[0].user_task_id().expect("sent").to_owned();
    assert!(run.stderr.contains("the outcome is unknown"), "{run:?}");
    assert!(
        run.stderr
            .contains(&format!("nxlink tasks --user-task-id {user_task_id}")),
        "{run:?}"
    );
}

#[test]
fn the_same_user_task_id_twice_is_refused_naming_the_task_unless_allowed() {
    let gateway = Gateway::start();
    let definition = TASK_JSON.replacen('{', r#"{"userTaskId": "EXT-42","#, 1);
    gateway.scratch.write("task.json", &definition);
    let first = nxlink(gateway.nxlink(), ["task", "create", "task.json"]);
    assert_eq!(first.code, 0, "{first:?}");
    let task_id = gateway.emulator().tasks()[0].task_id.clone();
    let creates = || {
        gateway
            .emulator()
            .requests()
            .iter()
            .filter(|request| request.path == CreateTaskRequest::PATH)
            .count()
    };
    let before = creates();
    let again = nxlink(gateway.nxlink(), ["task", "create", "task.json"]);
    assert_eq!(again.code, 1, "{again:?}");
    assert!(
        again.stderr.contains(&format!(
            "the task was not created: userTaskId EXT-42 is already task {task_id}"
        )),
        "{again:?}"
    );
    assert!(
        again.stderr.contains("--allow-duplicate-user-task-id"),
        "{again:?}"
    );
    assert_eq!(creates(), before, "nothing sent");
    assert_eq!(gateway.emulator().tasks().len(), 1);

    let meant = nxlink(
        gateway.nxlink(),
        [
            "task",
            "create",
            "task.json",
            "--allow-duplicate-user-task-id",
        ],
    );
    assert_eq!(meant.code, 0, "{meant:?}");
    assert_eq!(gateway.emulator().tasks().len(), 2);
}
