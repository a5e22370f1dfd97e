//! `nxlink webhook serve` receiving the emulator's callbacks, then `calls export` and
//! `calls summary` turning the store into what operators read; redeliveries, replays and
//! forgeries against the real binary.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use nxlink::model::CallRecordCallback;
use nxlink::sign::Credentials;
use nxlink_testkit::{Clock, Emulator, SignedCallback, SystemClock, demo_credentials};

use crate::common::{Gateway, Run, contacts_csv, nxlink, run};
use crate::receiver_process::{ReceiverProcess, count_rows};

/// POSTs `request` to `addr` on a connection of its own; the status and body.
pub(crate) async fn post(
    addr: std::net::SocketAddr,
    request: http::Request<Full<Bytes>>,
) -> Result<(u16, String), String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|error| error.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| error.to_string())?;
    tokio::spawn(connection);
    let response = sender
        .send_request(request)
        .await
        .map_err(|error| error.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|error| error.to_string())?
        .to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// `nxlink calls COMMAND --store STORE ARGS…`, which needs no gateway.
fn from_store(gateway: &Gateway, command: &str, store: &std::path::Path, args: &[&str]) -> Run {
    let mut line = vec!["calls", command, "--store", store.to_str().expect("utf-8")];
    line.extend_from_slice(args);
    nxlink(gateway.bare(), line)
}

/// A call record signed now with `credentials`.
pub(crate) fn signed_call(
    credentials: &Credentials,
    call_id: &str,
    url: &str,
) -> http::Request<Full<Bytes>> {
    let call = CallRecordCallback {
        task_id: Some("t-direct".into()),
        call_id: Some(call_id.into()),
        contact_id: Some(format!("contact-of-{call_id}")),
        call_result: Some(1),
        call_answer: Some(1_760_000_000),
        ..CallRecordCallback::default()
    };
    let now = u64::try_from(SystemClock.now_ms()).unwrap_or_default();
    SignedCallback::call_record(credentials, now, &call)
        .to_request(url)
        .expect("a request")
}

/// Runs the task to its end with the dialer in real time, sped up.
pub(crate) fn dial_to_the_end(gateway: &Gateway, task_id: &str, limit: Duration) {
    let emulator: &Emulator = gateway.emulator();
    assert!(emulator.start_task(task_id));
    emulator.run_dialer_realtime(3_600.0).expect("dialer runs");
    let started = Instant::now();
    while !emulator.task(task_id).expect("task").status.is_finished() {
        assert!(started.elapsed() < limit, "task not finished in {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    emulator.stop_dialer_realtime();
    gateway.block_on(emulator.wait_for_callbacks());
}

#[test]
fn callbacks_are_stored_once_and_exported_as_operators_read_them() {
    let gateway = Gateway::start();
    let store = gateway.scratch.path("callbacks.db");
    let receiver = ReceiverProcess::start(gateway.nxlink(), "127.0.0.1:0", &store, &[]);
    assert!(
        receiver
            .banner
            .contains("taskCallbackUrl: http://127.0.0.1:"),
        "{}",
        receiver.banner
    );

    let extra = format!(
        r#""userTaskId":"ext-hooks","maxCall":50,"taskCallbackUrl":"{}","callCallbackUrl":"{}","#,
        receiver.task_url(),
        receiver.call_url()
    );
    let task_id = gateway.create_task(&extra);
    let csv = gateway
        .scratch
        .write("contacts.csv", contacts_csv("hook", 60));
    assert_eq!(run(&mut gateway.append(&task_id, &csv)).code, 0);
    dial_to_the_end(&gateway, &task_id, Duration::from_secs(60));

    let calls = gateway.emulator().calls(&task_id);
    let deliveries = gateway.emulator().callback_deliveries();
    assert!(
        deliveries.iter().all(|d| d.is_delivered()),
        "{deliveries:?}"
    );
    assert_eq!(count_rows(&store, Some("call")), calls.len() as u64);
    assert_eq!(
        count_rows(&store, Some("task")),
        (deliveries.len() - calls.len()) as u64
    );

    // A replay of a stored callback and a forged one, straight at the receiver.
    let credentials = demo_credentials();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let url = receiver.call_url();
    let (first, again, forged, wrong_path) = runtime.block_on(async {
        let first = post(receiver.addr, signed_call(&credentials, "direct-1", &url)).await;
        let again = post(receiver.addr, signed_call(&credentials, "direct-1", &url)).await;
        let wrong = Credentials::new(credentials.access_key(), "not-the-secret");
        let forged = post(receiver.addr, signed_call(&wrong, "forged-1", &url)).await;
        let elsewhere = format!("http://{}/callbacks/other", receiver.addr);
        let wrong_path = post(receiver.addr, signed_call(&credentials, "x", &elsewhere)).await;
        (first, again, forged, wrong_path)
    });
    assert_eq!(
        first,
        Ok((200, r#"{"code":0,"message":"success"}"#.to_owned()))
    );
    assert_eq!(again, first, "a replay is acknowledged");
    let (status, body) = forged.expect("answered");
    assert_eq!(status, 401);
    assert!(body.contains("signature"), "{body}");
    assert!(!body.contains("not-the-secret"), "{body}");
    assert_eq!(wrong_path.map(|(status, _)| status), Ok(404));
    assert_eq!(
        count_rows(&store, Some("call")),
        calls.len() as u64 + 1,
        "one row for the replayed one"
    );

    let (code, closing) = receiver.stop();
    assert_eq!(code, 0, "{closing}");
    assert!(
        closing.contains(&format!(
            "stopped: {} callbacks stored",
            deliveries.len() + 1
        )),
        "{closing}"
    );
    assert!(
        closing.contains("1 repeated deliveries acknowledged"),
        "{closing}"
    );
    assert!(closing.contains("1 refused"), "{closing}");

    // The export: one CSV row per call, the documented fields in columns.
    let exported = gateway.scratch.path("calls.csv");
    let run_export = from_store(
        &gateway,
        "export",
        &store,
        &[
            "--task",
            "ext-hooks",
            "--output",
            exported.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(run_export.code, 0, "{run_export:?}");
    assert!(
        run_export
            .stderr
            .contains(&format!("wrote {} call records", calls.len())),
        "{run_export:?}"
    );
    let mut reader = csv::Reader::from_path(&exported).expect("csv");
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(&headers[0], "taskId");
    assert_eq!(&headers[3], "callId");
    let column = |name: &str| headers.iter().position(|h| h == name).expect("column");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(
        rows.len(),
        calls.len(),
        "the direct call has another task and is not exported"
    );
    let by_id: HashMap<&str, &CallRecordCallback> = calls
        .iter()
        .map(|c| (c.call_id.as_deref().expect("id"), c))
        .collect();
    for row in &rows {
        let call = by_id[&row[column("callId")]];
        assert_eq!(
            &row[column("calleePhone")],
            call.callee_phone.as_deref().unwrap_or("")
        );
        assert_eq!(
            row[column("callResult")],
            call.call_result.expect("result").to_string()
        );
        assert_eq!(&row[column("deliveries")], "1");
    }
    let ids: HashSet<&str> = rows.iter().map(|row| &row[column("callId")]).collect();
    assert_eq!(ids.len(), rows.len());
    assert!(
        !gateway
            .scratch
            .root()
            .read_dir()
            .expect("dir")
            .any(|entry| entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .contains(".partial")),
        "no temporary file left"
    );

    // Received since a moment to come: nothing; since the epoch: everything.
    let later = from_store(&gateway, "export", &store, &["--since", "2999-01-01"]);
    assert_eq!(later.code, 0, "{later:?}");
    assert_eq!(
        later.stdout.lines().count(),
        1,
        "the header only: {later:?}"
    );
    let bad_since = from_store(&gateway, "export", &store, &["--since", "yesterday"]);
    assert_eq!(bad_since.code, 2, "{bad_since:?}");
    assert!(bad_since.stderr.contains("--since"), "{bad_since:?}");

    // JSON lines: the bodies exactly as received.
    let jsonl = from_store(
        &gateway,
        "export",
        &store,
        &["--format", "jsonl", "--task", &task_id],
    );
    assert_eq!(jsonl.code, 0, "{jsonl:?}");
    let bodies: HashSet<&str> = jsonl.stdout.lines().collect();
    for delivery in deliveries
        .iter()
        .filter(|d| d.kind == nxlink_testkit::CallbackKind::CallRecord)
    {
        assert!(
            bodies.contains(delivery.body_text().expect("utf-8")),
            "{delivery:?}"
        );
    }

    // The summary: per task, what was dialled and how it went.
    let summary = from_store(&gateway, "summary", &store, &["--json"]);
    assert_eq!(summary.code, 0, "{summary:?}");
    let tasks: serde_json::Value = serde_json::from_str(&summary.stdout).expect("json");
    let ours = tasks
        .as_array()
        .expect("array")
        .iter()
        .find(|task| task["taskId"] == task_id.as_str())
        .expect("our task");
    assert_eq!(ours["userTaskId"], "ext-hooks");
    assert_eq!(ours["calls"], calls.len());
    assert_eq!(ours["contacts"], 60);
    assert_eq!(ours["finishedContacts"], 60);
    assert_eq!(ours["lastStatus"], 3);
    let answered = calls
        .iter()
        .filter(|c| c.call_answer.is_some_and(|at| at > 0))
        .count();
    assert_eq!(ours["answered"], answered);
    let results: u64 = ours["byCallResult"]
        .as_object()
        .expect("map")
        .values()
        .map(|v| v.as_u64().expect("n"))
        .sum();
    assert_eq!(results, calls.len() as u64);
    let text = from_store(&gateway, "summary", &store, &["--task", "ext-hooks"]);
    assert!(
        text.stdout.contains(&format!(
            "task {task_id} (userTaskId ext-hooks), last status 3 completed"
        )),
        "{text:?}"
    );
    assert!(
        text.stdout.contains("contacts        60 (60 finished"),
        "{text:?}"
    );
}

#[test]
fn export_without_a_store_says_how_to_make_one() {
    let gateway = Gateway::start();
    let missing = nxlink(gateway.bare(), ["calls", "export", "--store", "nowhere.db"]);
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(
        missing.stderr.contains("no callback store at nowhere.db"),
        "{missing:?}"
    );
    assert!(
        missing
            .stderr
            .contains("nxlink webhook serve --store nowhere.db"),
        "{missing:?}"
    );
    assert!(
        !gateway.scratch.path("nowhere.db").exists(),
        "reading creates nothing"
    );
}

/// Rows in `path` whose callId is `call_id`.
fn stored_call(path: &std::path::Path, call_id: &str) -> u64 {
    let connection = rusqlite::Connection::open(path).expect("store");
    connection
        .query_row(
            "SELECT count(*) FROM callback WHERE natural_key = ?1",
            [format!("callId:{call_id}")],
            |row| row.get(0),
        )
        .expect("count")
}

#[test]
fn a_callback_that_cannot_be_stored_is_answered_503_and_stored_when_sent_again() {
    let gateway = Gateway::start();
    let store = gateway.scratch.path("callbacks.db");
    let receiver = ReceiverProcess::start(gateway.nxlink(), "127.0.0.1:0", &store, &[]);
    // The store itself refuses one row, as a full disk or a broken file would.
    let connection = rusqlite::Connection::open(&store).expect("store");
    connection
        .execute_batch(
            "CREATE TRIGGER refuse BEFORE INSERT ON callback
             WHEN NEW.natural_key = 'callId:poison'
             BEGIN SELECT RAISE(ABORT, 'the disk says no'); END;",
        )
        .expect("trigger");
    let credentials = demo_credentials();
    let url = receiver.call_url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let (refused, fine) = runtime.block_on(async {
        let refused = post(receiver.addr, signed_call(&credentials, "poison", &url)).await;
        let fine = post(receiver.addr, signed_call(&credentials, "fine", &url)).await;
        (refused, fine)
    });
    let (status, body) = refused.expect("answered");
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("the disk says no") && body.contains("send it again"),
        "{body}"
    );
    assert_eq!(
        fine.map(|(status, _)| status),
        Ok(200),
        "other callbacks are unaffected"
    );
    assert_eq!(stored_call(&store, "poison"), 0);

    connection
        .execute_batch("DROP TRIGGER refuse;")
        .expect("drop");
    let again = runtime.block_on(post(
        receiver.addr,
        signed_call(&credentials, "poison", &url),
    ));
    assert_eq!(again.map(|(status, _)| status), Ok(200));
    assert_eq!(stored_call(&store, "poison"), 1);
    let (code, closing) = receiver.stop();
    assert_eq!(code, 0);
    assert!(closing.contains("1 could not be stored"), "{closing}");
}

#[test]
fn a_stop_during_deliveries_answers_200_only_for_what_it_stored() {
    let gateway = Gateway::start();
    let store = gateway.scratch.path("callbacks.db");
    let receiver = ReceiverProcess::start(gateway.nxlink(), "127.0.0.1:0", &store, &[]);
    let credentials = demo_credentials();
    let url = receiver.call_url();
    let addr = receiver.addr;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("rt");
    let pid = receiver.pid().to_string();
    let answers = runtime.block_on(async {
        let deliveries: Vec<_> = (0..400)
            .map(|n| {
                tokio::spawn(post(
                    addr,
                    signed_call(&credentials, &format!("stop-{n}"), &url),
                ))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(30)).await;
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status();
        assert!(status.expect("kill runs").success());
        let mut answers = Vec::new();
        for delivery in deliveries {
            answers.push(delivery.await.expect("task"));
        }
        answers
    });
    let (code, closing) = receiver.stop_after_signal();
    assert_eq!(code, 0, "{closing}");
    let acknowledged: Vec<usize> = (0..answers.len())
        .filter(|n| matches!(answers[*n], Ok((200, _))))
        .collect();
    let odd: Vec<_> = answers
        .iter()
        .filter(|answer| matches!(answer, Ok((status, _)) if *status != 200))
        .collect();
    assert!(odd.is_empty(), "only 200 or no answer: {odd:?}");
    assert!(!acknowledged.is_empty(), "some were in flight");
    for n in &acknowledged {
        assert_eq!(
            stored_call(&store, &format!("stop-{n}")),
            1,
            "answered 200 but not stored"
        );
    }
    assert_eq!(
        crate::receiver_process::count_rows(&store, None),
        acknowledged.len() as u64,
        "stored exactly what was acknowledged"
    );
    println!("{} of 400 acknowledged before the stop", acknowledged.len());
}

#[test]
fn out_of_file_descriptors_the_receiver_pauses_instead_of_spinning_and_recovers() {
    let gateway = Gateway::start();
    let store = gateway.scratch.path("callbacks.db");
    let mut command = std::process::Command::new("prlimit");
    command
        .args(["--nofile=48:48", "--"])
        .arg(env!("CARGO_BIN_EXE_nxlink"))
        .env("NXLINK_ACCESS_KEY", nxlink_testkit::DEMO_ACCESS_KEY)
        .env("NXLINK_ACCESS_SECRET", nxlink_testkit::DEMO_ACCESS_SECRET)
        .env("XDG_CONFIG_HOME", gateway.scratch.path("xdg"))
        .current_dir(gateway.scratch.root());
    let receiver =
        ReceiverProcess::start(command, "127.0.0.1:0", &store, &["--read-timeout", "30"]);
    let cpu_ticks = || {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", receiver.pid())).expect("stat");
        // After the command name (in parentheses) come the state, then fields 4, 5, …:
        // utime and stime are fields 14 and 15.
        let after_name = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let field = |number: usize| -> u64 {
            fields
                .get(number - 3)
                .and_then(|f| f.parse().ok())
                .unwrap_or(0)
        };
        field(14) + field(15)
    };
    // Idle connections until the receiver has no descriptor left to accept with.
    let idle: Vec<std::net::TcpStream> = (0..80)
        .filter_map(|_| std::net::TcpStream::connect(receiver.addr).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu_ticks();
    std::thread::sleep(Duration::from_secs(2));
    let spent = cpu_ticks() - before;
    println!("{spent} ticks of CPU in 2 s while out of descriptors");
    // A busy loop burns a core (about 200 ticks in 2 s), and even one yielding to the timer
    // each time costs ~20; a 100 ms pause costs next to nothing.
    assert!(
        spent < 10,
        "{spent} ticks of CPU in 2 s while out of descriptors"
    );
    drop(idle);
    std::thread::sleep(Duration::from_millis(500));
    let credentials = demo_credentials();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let answer = runtime.block_on(post(
        receiver.addr,
        signed_call(&credentials, "after-emfile", &receiver.call_url()),
    ));
    assert_eq!(answer.map(|(status, _)| status), Ok(200));
    assert_eq!(stored_call(&store, "after-emfile"), 1);
}

#[test]
fn a_stop_is_not_held_up_by_a_connection_that_never_finishes_its_request() {
    use std::io::Write as _;
    let gateway = Gateway::start();
    let store = gateway.scratch.path("callbacks.db");
    let receiver = ReceiverProcess::start(
        gateway.nxlink(),
        "127.0.0.1:0",
        &store,
        &["--read-timeout", "600"],
    );
    // A request whose body stops after 10 of its 50 bytes: in flight until the read timeout.
    let mut stuck = std::net::TcpStream::connect(receiver.addr).expect("connect");
    stuck
        .write_all(
            b"POST /callbacks/call HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"callId\":",
        )
        .expect("write");
    std::thread::sleep(Duration::from_millis(200));
    // The server's grace (10 s) and the writer's (5 s), not the 600 s read timeout.
    let (code, closing) = receiver
        .stop_within(Duration::from_secs(25))
        .expect("exited within 25 s of SIGTERM");
    assert_eq!(code, 0, "{closing}");
    assert!(closing.contains("stopped: 0 callbacks stored"), "{closing}");
    drop(stuck);
}

#[test]
fn authentic_bodies_that_are_not_the_documented_json_and_changed_redeliveries_are_kept_and_said() {
    let gateway = Gateway::start();
    let store = gateway.scratch.path("callbacks.db");
    let receiver = ReceiverProcess::start(gateway.nxlink(), "127.0.0.1:0", &store, &[]);
    let credentials = demo_credentials();
    let now = u64::try_from(SystemClock.now_ms()).unwrap_or_default();
    let url = receiver.call_url();
    let garbage = SignedCallback::new(&credentials, now, &b"callId=c-9&result=1"[..]);
    let first = SignedCallback::new(
        &credentials,
        now,
        &br#"{"callId":"c-1","callResult":1}"#[..],
    );
    let changed = SignedCallback::new(
        &credentials,
        now,
        &br#"{"callId":"c-1","callResult":2}"#[..],
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let answers = runtime.block_on(async {
        let mut answers = Vec::new();
        for signed in [&garbage, &first, &changed] {
            let request = signed.to_request(&url).expect("request");
            answers.push(post(receiver.addr, request).await.map(|(status, _)| status));
        }
        answers
    });
    // Authentic, so acknowledged and kept: refusing would have NXLink retry it forever.
    assert_eq!(answers, [Ok(200), Ok(200), Ok(200)]);
    assert_eq!(receiver.stop().0, 0);
    assert_eq!(count_rows(&store, Some("call")), 2);

    let csv = from_store(&gateway, "export", &store, &[]);
    assert_eq!(csv.code, 0, "{csv:?}");
    assert_eq!(csv.stdout.lines().count(), 2, "the header and c-1: {csv:?}");
    assert!(csv.stdout.contains("c-1,"), "{csv:?}");
    assert!(
        csv.stdout
            .lines()
            .nth(1)
            .is_some_and(|row| row.contains(",1,")),
        "the first body is kept: {csv:?}"
    );
    assert!(
        csv.stderr
            .contains("1 stored call records are not the documented JSON"),
        "{csv:?}"
    );
    assert!(
        csv.stderr.contains("1 of them arrived more than once"),
        "{csv:?}"
    );
    assert!(
        csv.stderr
            .contains("1 were redelivered with a different body"),
        "{csv:?}"
    );

    let jsonl = from_store(&gateway, "export", &store, &["--format", "jsonl"]);
    let lines: Vec<&str> = jsonl.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            r#"{"unreadableBody":"callId=c-9&result=1"}"#,
            r#"{"callId":"c-1","callResult":1}"#
        ]
    );
    let summary = from_store(&gateway, "summary", &store, &[]);
    assert!(
        summary
            .stderr
            .contains("1 stored callbacks are not the documented JSON"),
        "{summary:?}"
    );
}
