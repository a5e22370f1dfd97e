//! `nxlink task validate`: good and bad definitions in JSON and TOML, bad CSVs reported by
//! line and column, and the exit codes 0 (valid), 1 (invalid) and 2 (usage).

use crate::common::{Scratch, TASK_JSON, bare_command, nxlink, run};

const TASK_TOML: &str = r#"
taskName = "Parcel follow-up"
autoFlowId = 197
routeId = "y29ND1X4kkCG_nC576sALEkvg3HjEqde"
taskKeep = 0
startupType = 1
zoneSecond = 28800
weekDay = "1,2,3,4,5"
firstFifteen = "9,10,11"
secondFifteen = "9,10,11"
thirdFifteen = "9,10,11"
fourthFifteen = "9,10,11"
orderMaxCall = 2
replayInterval = 600

[[callList]]
contactId = "t-1"
name = "Lucy"
phoneNumber = "13800000001"
params = [{ name = "customerName", value = "Lucy" }]
"#;

#[test]
fn good_json_and_toml_definitions_are_valid() {
    let scratch = Scratch::new();
    let json = scratch.write("task.json", TASK_JSON);
    let toml = scratch.write("task.toml", TASK_TOML);
    let csv = scratch.write(
        "contacts.csv",
        "contactId,name,phoneNumber,other,customerName\nc-1,Lucy,13800000001,x,Lucy\nc-2,Tom,+8613800000002,,\n",
    );
    let mut command = bare_command(scratch.root());
    command.args(["task", "validate"]).arg(&json);
    let run = crate::common::run(&mut command);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("ok: "), "{run:?}");

    let mut command = bare_command(scratch.root());
    command
        .args(["task", "validate"])
        .arg(&toml)
        .arg("--contacts")
        .arg(&csv);
    let run = crate::common::run(&mut command);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("1 contacts in the definition + 2 in"),
        "{run:?}"
    );
}

#[test]
fn every_problem_is_listed_with_its_path_and_csv_line() {
    let scratch = Scratch::new();
    scratch.write(
        "task.json",
        TASK_JSON
            .replace(r#""autoFlowId": 197"#, r#""autoFlowId": "197""#)
            .replace(r#""zoneSecond": 28800"#, r#""zoneSecond": 90000"#)
            .replace(r#""weekDay": "1,2,3,4,5,6,7""#, r#""weekDay": "1,9""#)
            .replace(r#""replayInterval": 600"#, r#""replayInterval": 600, "callList": [{"contactId": "d-1", "name": "Lucy", "phoneNumber": "12"}]"#),
    );
    // Line 5 starts a quoted name spanning two lines: the records after it start on 7 and 8.
    scratch.write(
        "contacts.csv",
        "contactId,name,phoneNumber,customerName\n\
         c-1,Lucy,13800000001,Lucy\n\
         c-2,,13800000002,Tom\n\
         c-1,Ann,13800000003,Ann\n\
         c-4,\"Two\nlines\",12ab345678,X\n\
         d-1,Dup,13800000006,Y\n\
         c-7,Short,13800000007\n",
    );
    let mut command = bare_command(scratch.root());
    command.args([
        "task",
        "validate",
        "task.json",
        "--contacts",
        "contacts.csv",
    ]);
    let run = crate::common::run(&mut command);
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    let expected = [
        "task.json: autoFlowId: must be a whole number (got the string \"197\")",
        "task.json: zoneSecond: must be between -43200 (UTC-12:00) and 50400 (UTC+14:00) (got 90000)",
        "task.json: weekDay: ",
        "task.json: callList[0].phoneNumber: must be 5–15 digits",
        "contacts.csv:3: column name: is required and must not be empty",
        "contacts.csv:4: column contactId: repeats the contactId of line 2; contact ids must be unique",
        "contacts.csv:5: column phoneNumber: must be 5–15 digits with an optional leading '+' (found 'a'",
        "contacts.csv:8: has 3 fields, but the header has 4 columns",
        "invalid: 8 problem(s); nothing would be sent",
    ];
    assert_eq!(lines.len(), expected.len(), "{run:?}");
    for (line, expected) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(expected),
            "{line:?} should start with {expected:?}"
        );
    }
    // The definition had errors, so its callList is unknown: the CSV's d-1 is not a repeat.
    assert!(!run.stdout.contains(":7:"), "{run:?}");
}

#[test]
fn toml_type_errors_and_unknown_keys_are_reported() {
    let scratch = Scratch::new();
    scratch.write(
        "task.toml",
        TASK_TOML
            .replace(
                "taskKeep = 0",
                "taskKeep = 0\ntaskCalbackUrl = \"https://x\"",
            )
            .replace("orderMaxCall = 2", "orderMaxCall = [2]")
            .replace(
                "startupType = 1",
                "startupType = 2\nstartupAt = 2026-01-01T00:00:00Z",
            )
            .replace("phoneNumber = \"13800000001\"", "phoneNumber = 13800000001"),
    );
    let mut command = bare_command(scratch.root());
    command.args(["task", "validate", "task.toml"]);
    let run = crate::common::run(&mut command);
    assert_eq!(run.code, 1, "{run:?}");
    for expected in [
        "warning: task.toml: taskCalbackUrl: is not a task/create field; it is ignored",
        "task.toml: orderMaxCall: must be a whole number (got an array)",
        "task.toml: startupAt: must be a whole number (got the string \"2026-01-01T00:00:00Z\")",
        "task.toml: callList[0].phoneNumber: must be a string (got the number 13800000001)",
        "invalid: 3 problem(s)",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing {expected:?} in {run:?}"
        );
    }
}

#[test]
fn exit_codes_tell_invalid_input_from_usage_errors() {
    let scratch = Scratch::new();
    scratch.write("task.json", TASK_JSON);
    scratch.write("broken.json", "{\"taskName\": \"x\",\n \"autoFlowId\": }");
    scratch.write("noheader.csv", "id,name,phone\n1,a,13800000001\n");
    let cases: [(&[&str], i32, &str); 8] = [
        (&["task", "validate", "task.json"], 0, "ok: task.json"),
        (
            &["task", "validate", "broken.json"],
            1,
            "broken.json: not valid JSON: expected value at line 2 column 16",
        ),
        (
            &[
                "task",
                "validate",
                "task.json",
                "--contacts",
                "noheader.csv",
            ],
            1,
            "noheader.csv:1: no column contactId (columns: id, name, phone)",
        ),
        (
            &["task", "validate", "missing.json"],
            2,
            "error: cannot read missing.json: no such file",
        ),
        (
            &["task", "validate", "task.json", "--contacts", "missing.csv"],
            2,
            "error: cannot read missing.csv: no such file",
        ),
        (&["task", "validate", "."], 2, "error: cannot read .:"),
        (
            &["task", "validate"],
            2,
            "required arguments were not provided",
        ),
        (
            &["task", "validate", "task.json", "--frobnicate"],
            2,
            "unexpected argument '--frobnicate'",
        ),
    ];
    for (args, code, expected) in cases {
        let run = nxlink(bare_command(scratch.root()), args);
        assert_eq!(run.code, code, "{args:?}: {run:?}");
        assert!(
            run.all().contains(expected),
            "{args:?}: missing {expected:?} in {run:?}"
        );
    }
    let help = nxlink(bare_command(scratch.root()), ["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Exit codes:"), "{help:?}");
    assert!(
        help.stdout
            .contains("2  the command could not run as given"),
        "{help:?}"
    );
}

#[test]
fn a_definition_over_the_size_limit_is_refused_naming_the_limit() {
    let scratch = Scratch::new();
    let contacts: Vec<String> = (0..30_000)
        .map(|n| format!(r#"{{"contactId":"c-{n}","name":"N","phoneNumber":"1380{n:07}"}}"#))
        .collect();
    let definition = TASK_JSON.replacen(
        '{',
        &format!(r#"{{"callList": [{}],"#, contacts.join(",")),
        1,
    );
    assert!(definition.len() > 1024 * 1024);
    scratch.write("big.json", &definition);
    let refused = nxlink(
        bare_command(scratch.root()),
        ["task", "validate", "big.json", "--max-file-mib", "1"],
    );
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused
            .stderr
            .contains("big.json is 2 MiB, over the 1 MiB limit for a task definition"),
        "{refused:?}"
    );
    assert!(refused.stderr.contains("--max-file-mib N"), "{refused:?}");
    // Within the default limit it is read, streamed, and valid.
    let read = nxlink(
        bare_command(scratch.root()),
        ["task", "validate", "big.json"],
    );
    assert_eq!(read.code, 0, "{read:?}");
    assert!(read.stdout.contains("30000 contacts"), "{read:?}");
}

/// The test definition with its five window fields replaced by `window`.
fn with_window(window: &str) -> String {
    let mut definition: serde_json::Value = serde_json::from_str(TASK_JSON).expect("json");
    let fields = definition.as_object_mut().expect("object");
    for field in [
        "weekDay",
        "firstFifteen",
        "secondFifteen",
        "thirdFifteen",
        "fourthFifteen",
    ] {
        fields.remove(field);
    }
    fields.insert("window".into(), serde_json::Value::from(window));
    definition.to_string()
}

#[test]
fn a_compact_window_stands_for_the_five_window_fields() {
    let scratch = Scratch::new();
    scratch.write("w.json", with_window("Mon-Fri 09:00-12:00, 14:00-17:30"));
    let run = nxlink(bare_command(scratch.root()), ["task", "validate", "w.json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !run.stderr.contains("is not a task/create field"),
        "{run:?}"
    );

    scratch.write("off.json", with_window("Mon-Fri 09:10-12:00"));
    let run = nxlink(
        bare_command(scratch.root()),
        ["task", "validate", "off.json"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.all().contains("window: 09:10 is not on a quarter hour"),
        "{run:?}"
    );
    assert!(
        !run.all().contains("weekDay"),
        "one problem, not six: {run:?}"
    );

    let both = with_window("Mon 09:00-10:00").replacen('{', r#"{"weekDay":"1","#, 1);
    scratch.write("both.json", both);
    let run = nxlink(
        bare_command(scratch.root()),
        ["task", "validate", "both.json"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.all().contains("give either window or weekDay"),
        "{run:?}"
    );
}

#[test]
fn a_named_zone_written_numbers_and_callee_hours_are_reported() {
    let scratch = Scratch::new();
    // Scheduled 2027-01-15 00:00 UTC, stopping 2027-04-15: across New York's March change.
    let definition = scratch.write(
        "survey.json",
        r#"{"taskName":"Survey","autoFlowId":197,"routeId":"r-1","taskKeep":0,
            "startupType":2,"startupAt":1799971200,"shutdownAt":1807747200,
            "timeZone":"America/New_York","window":"Mon-Fri 09:00-12:00, 14:00-17:30",
            "orderMaxCall":1,"replayInterval":600,"countryCode":"1"}"#,
    );
    let contacts = scratch.write(
        "callees.csv",
        "contactId,name,phoneNumber,countryCode\n\
         us-1,Ann,(650) 253-0000,\n\
         us-2,Bob,650.253.0001,\n\
         cn-1,Wei,+86 138 0000 0001,\n\
         gb-1,Tom,020 7946 0958,44\n",
    );
    let mut command = bare_command(scratch.root());
    command
        .args(["task", "validate"])
        .arg(&definition)
        .arg("--contacts")
        .arg(&contacts);
    let checked = run(&mut command);
    assert_eq!(checked.code, 0, "{checked:?}");
    let out = &checked.stdout;
    for expected in [
        "warning: ",
        "timeZone: America/New_York moves from UTC-5 to UTC-4 on 2027-03-14",
        "End the task on 2027-03-14 (shutdownAt) and create a second one",
        "time zone: zoneSecond -18000 (UTC-5, America/New_York when the task starts)",
        r#"callees.csv: line 2: "(650) 253-0000" -> 6502530000, countryCode 1"#,
        r#"callees.csv: line 4: "+86 138 0000 0001" -> +8613800000001, countryCode 86"#,
        r#"callees.csv: line 5: "020 7946 0958" -> +442079460958, countryCode 44"#,
        "phone numbers normalized: 4",
        "2 contacts in US (UTC-10 to UTC-5): the country spans several zones",
        "1 contact in CN (UTC+8): the window dials them 03:00–06:30, 22:00–01:00 local (outside 08:00–21:00)",
        "warning: the window may reach 4 contacts outside 08:00–21:00 their local time",
        "ok: ",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
    command.arg("--strict-hours");
    let strict = run(&mut command);
    assert_eq!(strict.code, 1, "{strict:?}");
    assert!(
        strict.stdout.contains(
            "the window reaches 4 contacts outside 08:00–21:00 their local time (--strict-hours)"
        ),
        "{strict:?}"
    );
}

#[test]
fn a_zone_that_does_not_exist_or_comes_with_an_offset_is_refused() {
    let scratch = Scratch::new();
    for (zone, extra, expected) in [
        (
            "Asia/Pyongyang2",
            "",
            "timeZone: \"Asia/Pyongyang2\" is not an IANA time zone",
        ),
        (
            "Asia/Shanghai",
            r#","zoneSecond":28800"#,
            "timeZone: give either timeZone or zoneSecond",
        ),
    ] {
        let definition = scratch.write(
            "zone.json",
            format!(
                r#"{{"taskName":"T","autoFlowId":1,"routeId":"r","taskKeep":0,"startupType":1,
                    "timeZone":"{zone}"{extra},"window":"Mon 09:00-10:00","orderMaxCall":1,
                    "replayInterval":600}}"#
            ),
        );
        let checked = run(bare_command(scratch.root())
            .args(["task", "validate"])
            .arg(&definition));
        assert_eq!(checked.code, 1, "{checked:?}");
        assert!(checked.stdout.contains(expected), "{expected}: {checked:?}");
    }
}
