//! `nxlink config show` and settings resolution: flags > environment > config-file profile,
//! the secret never printed, profiles chosen by flag or `NXLINK_PROFILE`, and broken
//! configuration reported as a usage error (exit 2).

use nxlink_testkit::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET};

use crate::common::{Gateway, Scratch, bare_command, nxlink};

/// The row of `config show` for a setting: `(value, source)`.
fn row(stdout: &str, setting: &str) -> (String, String) {
    let line = stdout
        .lines()
        .find(|line| line.starts_with(setting))
        .unwrap_or_else(|| panic!("no {setting} row in {stdout}"));
    let rest = line[setting.len()..].trim_start();
    let (value, source) = rest.split_once("  ").unwrap_or((rest, ""));
    (value.trim().to_owned(), source.trim().to_owned())
}

fn write_config(scratch: &Scratch, base_url: &str) -> std::path::PathBuf {
    scratch.write(
        "xdg/nxlink/config.toml",
        format!(
            "[profiles.default]\naccess_key = \"{DEMO_ACCESS_KEY}\"\naccess_secret = \"{DEMO_ACCESS_SECRET}\"\n\
             base_url = \"{base_url}\"\n\n\
             [profiles.staging]\naccess_key = \"AK-STAGING\"\naccess_secret = \"staging-secret-value\"\n\
             region = \"americas\"\nalgorithm = \"sha256\"\n"
        ),
    )
}

#[test]
fn config_show_redacts_the_secret_and_names_each_source() {
    let scratch = Scratch::new();
    let file = write_config(&scratch, "http://127.0.0.1:1");

    let run = nxlink(bare_command(scratch.root()), ["config", "show"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.all().contains(DEMO_ACCESS_SECRET), "{run:?}");
    assert!(run.stdout.starts_with("SETTING"), "{run:?}");
    let profile_source = |key: &str| format!("config file [profiles.default] {key}");
    assert_eq!(
        row(&run.stdout, "profile"),
        ("default".into(), "default".into())
    );
    assert_eq!(
        row(&run.stdout, "config file"),
        (
            file.display().to_string(),
            "chosen by $XDG_CONFIG_HOME".into()
        )
    );
    assert_eq!(
        row(&run.stdout, "access key"),
        (DEMO_ACCESS_KEY.into(), profile_source("access_key"))
    );
    assert_eq!(
        row(&run.stdout, "access secret"),
        ("** redacted **".into(), profile_source("access_secret"))
    );
    assert_eq!(
        row(&run.stdout, "gateway"),
        ("http://127.0.0.1:1".into(), profile_source("base_url"))
    );
    assert_eq!(
        row(&run.stdout, "algorithm"),
        ("md5".into(), "default".into())
    );

    // The environment beats the file; flags beat both.
    let mut command = bare_command(scratch.root());
    command
        .env("NXLINK_ACCESS_KEY", "AK-ENV")
        .env("NXLINK_ACCESS_SECRET", "env-secret-value")
        .env("NXLINK_REGION", "hk")
        .env("NXLINK_SIGN_ALGORITHM", "sha256");
    let run = nxlink(
        command,
        [
            "config",
            "show",
            "--access-key",
            "AK-FLAG",
            "--base-url",
            "http://127.0.0.1:2",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !run.all().contains("env-secret-value") && !run.all().contains(DEMO_ACCESS_SECRET),
        "{run:?}"
    );
    assert_eq!(
        row(&run.stdout, "access key"),
        ("AK-FLAG".into(), "flag --access-key".into())
    );
    assert_eq!(
        row(&run.stdout, "access secret"),
        ("** redacted **".into(), "env NXLINK_ACCESS_SECRET".into())
    );
    assert_eq!(
        row(&run.stdout, "gateway"),
        ("http://127.0.0.1:2".into(), "flag --base-url".into())
    );
    assert_eq!(
        row(&run.stdout, "algorithm"),
        ("sha256".into(), "env NXLINK_SIGN_ALGORITHM".into())
    );

    // A region from the environment beats a base URL from the file.
    let mut command = bare_command(scratch.root());
    command.env("NXLINK_REGION", "idn");
    let run = nxlink(command, ["config", "show"]);
    assert_eq!(
        row(&run.stdout, "gateway"),
        (
            "https://api-idn.nxlink.ai (region indonesia)".into(),
            "env NXLINK_REGION".into()
        )
    );

    // Another profile, by flag or by NXLINK_PROFILE.
    let run = nxlink(
        bare_command(scratch.root()),
        ["config", "show", "--profile", "staging"],
    );
    assert!(!run.all().contains("staging-secret-value"), "{run:?}");
    assert_eq!(
        row(&run.stdout, "profile"),
        ("staging".into(), "flag --profile".into())
    );
    assert_eq!(row(&run.stdout, "access key").0, "AK-STAGING");
    assert_eq!(row(&run.stdout, "algorithm").0, "sha256");
    let mut command = bare_command(scratch.root());
    command.env("NXLINK_PROFILE", "staging");
    let run = nxlink(command, ["config", "show"]);
    assert_eq!(
        row(&run.stdout, "profile"),
        ("staging".into(), "env NXLINK_PROFILE".into())
    );
    assert_eq!(
        row(&run.stdout, "gateway").0,
        "https://chl-api.nxlink.ai (region americas)"
    );
}

#[test]
fn nothing_configured_is_shown_and_commands_say_where_to_set_it() {
    let scratch = Scratch::new();
    let run = nxlink(bare_command(scratch.root()), ["config", "show"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        row(&run.stdout, "access key"),
        ("(not set)".into(), "-".into())
    );
    assert!(run.stdout.contains("not found"), "{run:?}");
    let run = nxlink(bare_command(scratch.root()), ["flows"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("error: no access key is configured"),
        "{run:?}"
    );
    assert!(run.stderr.contains("set NXLINK_ACCESS_KEY"), "{run:?}");
}

#[test]
fn broken_configuration_is_a_usage_error() {
    let scratch = Scratch::new();
    write_config(&scratch, "http://127.0.0.1:1");
    scratch.write("bad.toml", "[profiles.default]\naccess_kee = \"x\"\n");
    scratch.write("region.toml", "[profiles.default]\nregion = \"mars\"\n");
    let cases: [(&[&str], &str); 5] = [
        (
            &["config", "show", "--profile", "prod"],
            "profile \"prod\" (flag --profile) is not in",
        ),
        (
            &["config", "show", "--config", "missing.toml"],
            "cannot read the config file missing.toml: no such file",
        ),
        (
            &["config", "show", "--config", "bad.toml"],
            "unknown field `access_kee`",
        ),
        (
            &["config", "show", "--config", "region.toml"],
            "[profiles.default] region: unknown region \"mars\"",
        ),
        (
            &["flows", "--region", "mars"],
            "invalid value 'mars' for '--region <REGION>'",
        ),
    ];
    for (args, expected) in cases {
        let run = nxlink(bare_command(scratch.root()), args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains(expected),
            "{args:?}: missing {expected:?} in {run:?}"
        );
    }
}

#[test]
fn commands_use_credentials_from_the_config_file() {
    let gateway = Gateway::start();
    write_config(&gateway.scratch, &gateway.emulator().base_url());
    let run = nxlink(gateway.bare(), ["routes", "--jsonl"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 3);
    // A flag overrides the file's secret: the gateway then refuses the signature.
    let run = nxlink(gateway.bare(), ["routes", "--access-secret", "wrong"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("1003"), "{run:?}");
}

#[cfg(unix)]
#[test]
fn a_readable_secret_is_warned_about_once_on_a_dry_run() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = Scratch::new();
    let file = write_config(&scratch, "http://127.0.0.1:1");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    scratch.write("task.json", crate::common::TASK_JSON);
    let run = nxlink(
        bare_command(scratch.root()),
        ["task", "create", "task.json", "--dry-run"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stderr.matches("other users can read it").count(),
        1,
        "{run:?}"
    );
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let quiet = nxlink(
        bare_command(scratch.root()),
        ["task", "create", "task.json", "--dry-run"],
    );
    assert!(
        !quiet.stderr.contains("other users can read it"),
        "{quiet:?}"
    );
}

#[test]
fn only_commands_that_call_the_gateway_take_connection_flags() {
    let scratch = Scratch::new();
    let help = |args: &[&str]| {
        let run = nxlink(bare_command(scratch.root()), args.iter().copied());
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        run.stdout
    };
    const GATEWAY: [&str; 3] = ["--region", "--base-url", "--no-retry"];
    const SIGNING: [&str; 4] = ["--access-secret", "--algorithm", "--profile", "--config"];
    for command in [
        &["task", "create", "--help"][..],
        &["contacts", "append", "--help"],
        &["contacts", "delete", "--help"],
        &["flows", "--help"],
        &["routes", "--help"],
        &["tasks", "--help"],
        &["calls", "--help"],
        &["config", "show", "--help"],
    ] {
        let text = help(command);
        for flag in GATEWAY.iter().chain(&SIGNING) {
            assert!(text.contains(flag), "{command:?} lacks {flag}: {text}");
        }
        assert!(text.contains("Connection:"), "{command:?}: {text}");
    }
    // Sends nothing: no gateway and no credentials.
    for command in [
        &["task", "validate", "--help"][..],
        &["calls", "export", "--help"],
        &["calls", "summary", "--help"],
    ] {
        let text = help(command);
        for flag in GATEWAY.iter().chain(&SIGNING).chain(&["--access-key"]) {
            assert!(!text.contains(flag), "{command:?} lists {flag}: {text}");
        }
    }
    // Receives signed callbacks: credentials, no gateway.
    let serve = help(&["webhook", "serve", "--help"]);
    for flag in SIGNING.iter().chain(&["--access-key"]) {
        assert!(serve.contains(flag), "webhook serve lacks {flag}: {serve}");
    }
    for flag in GATEWAY {
        assert!(!serve.contains(flag), "webhook serve lists {flag}: {serve}");
    }
    // The emulator accepts credentials of its own and talks to no gateway.
    let emulator = help(&["emulator", "--help"]);
    for flag in GATEWAY
        .iter()
        .chain(&["--algorithm", "--profile", "--config"])
    {
        assert!(
            !emulator.contains(flag),
            "emulator lists {flag}: {emulator}"
        );
    }
    let refused = nxlink(
        bare_command(scratch.root()),
        ["task", "validate", "task.json", "--region", "hk"],
    );
    assert_eq!(refused.code, 2, "{refused:?}");
}

#[test]
fn connection_flags_work_before_and_after_the_command_and_after_wins() {
    let scratch = Scratch::new();
    let shown = |args: &[&str]| {
        let run = nxlink(bare_command(scratch.root()), args.iter().copied());
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        (row(&run.stdout, "access key"), row(&run.stdout, "gateway"))
    };
    let before = shown(&["--access-key", "AK-1", "--region", "hk", "config", "show"]);
    assert_eq!(before.0, ("AK-1".into(), "flag --access-key".into()));
    assert_eq!(
        before.1,
        (
            "https://api-hk.nxlink.ai (region hong-kong)".into(),
            "flag --region".into()
        )
    );
    let both = shown(&[
        "--access-key",
        "AK-1",
        "--region",
        "hk",
        "config",
        "show",
        "--base-url",
        "http://127.0.0.1:3",
    ]);
    // The key from before the command stays; the gateway after it replaces the region.
    assert_eq!(both.0, ("AK-1".into(), "flag --access-key".into()));
    assert_eq!(
        both.1,
        ("http://127.0.0.1:3".into(), "flag --base-url".into())
    );
}
