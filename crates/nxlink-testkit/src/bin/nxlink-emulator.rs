//! `nxlink-emulator`: the NXLink gateway emulator as a standalone server, for trying an SDK
//! or a script against it by hand. It prints the credentials it accepts on purpose: they
//! are test credentials that the real gateway never accepts.
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use nxlink_testkit::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, Emulator};

const USAGE: &str = "\
nxlink-emulator: an emulator of the NXLink AI-agent OpenAPI gateway, for testing.

USAGE:
    nxlink-emulator [OPTIONS]

OPTIONS:
    --host <IP>               address to listen on [default: 127.0.0.1]
    --port <N>                port to listen on, 0 for any free port [default: 8080]
    --access-key <KEY>        access key to accept [default: the demo key]
    --access-secret <SECRET>  its secret (give both or neither) [default: the demo secret]
    --speedup <X>             run the call simulation X times faster than real time,
                              0 to never dial [default: 1]
    -h, --help                print this help

The credentials are printed at start-up on purpose: this is a test tool, and they are
test credentials. Each request is logged on stderr. Stop with Ctrl-C.";

/// Exit status of a command-line mistake, as usual for Unix tools.
const USAGE_ERROR: u8 = 2;

/// What the command line asks for.
#[derive(Debug, PartialEq)]
struct Options {
    host: IpAddr,
    port: u16,
    access_key: String,
    access_secret: String,
    speedup: f64,
}

/// What to do after reading the command line.
#[derive(Debug, PartialEq)]
enum Command {
    Serve(Options),
    Help,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port = 8080;
    let mut access_key = None;
    let mut access_secret = None;
    let mut speedup = 1.0;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(Command::Help);
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--host" => {
                let text = value()?;
                host = text
                    .parse()
                    .map_err(|_| format!("--host: {text:?} is not an IP address"))?;
            }
            "--port" => {
                let text = value()?;
                port = text
                    .parse()
                    .map_err(|_| format!("--port: {text:?} is not a port number (0-65535)"))?;
            }
            "--speedup" => {
                let text = value()?;
                speedup = text
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .ok_or_else(|| format!("--speedup: {text:?} is not a number, 0 or more"))?;
            }
            "--access-key" => access_key = Some(value()?),
            "--access-secret" => access_secret = Some(value()?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let (access_key, access_secret) = match (access_key, access_secret) {
        (Some(key), Some(secret)) if !key.is_empty() && !secret.is_empty() => (key, secret),
        (None, None) => (DEMO_ACCESS_KEY.to_owned(), DEMO_ACCESS_SECRET.to_owned()),
        _ => return Err("--access-key and --access-secret go together, both non-empty".to_owned()),
    };
    Ok(Command::Serve(Options {
        host,
        port,
        access_key,
        access_secret,
        speedup,
    }))
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Command::Serve(options)) => options,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("nxlink-emulator: {problem}\n\n{USAGE}");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("nxlink-emulator: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(options))
}

async fn serve(options: Options) -> ExitCode {
    let started = Emulator::builder()
        .bind(SocketAddr::new(options.host, options.port))
        .account(options.access_key.clone(), options.access_secret.clone())
        // Nobody reads the log of a standalone server: keep memory flat.
        .max_recorded_requests(0)
        .log_requests(true)
        .dialer_realtime(options.speedup)
        .start()
        .await;
    let emulator = match started {
        Ok(emulator) => emulator,
        Err(error) => {
            let cause = std::error::Error::source(&error)
                .map(|cause| format!(": {cause}"))
                .unwrap_or_default();
            eprintln!("nxlink-emulator: {error}{cause}");
            return ExitCode::FAILURE;
        }
    };
    println!("NXLink emulator listening on {}", emulator.base_url());
    println!("  accessKey:    {}", options.access_key);
    println!("  accessSecret: {}", options.access_secret);
    println!("  dialer:       {}x real time", options.speedup);
    println!("(test credentials, printed on purpose; stop with Ctrl-C)");
    let stopped = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    match stopped {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("nxlink-emulator: cannot wait for Ctrl-C: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| (*arg).to_owned()).collect()
    }

    #[test]
    fn defaults_and_flags() {
        let Ok(Command::Serve(defaults)) = parse(args(&[])) else {
            panic!("defaults");
        };
        assert_eq!(defaults.port, 8080);
        assert_eq!(defaults.host, IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(defaults.access_key, DEMO_ACCESS_KEY);
        let Ok(Command::Serve(custom)) = parse(args(&[
            "--port=0",
            "--host",
            "0.0.0.0",
            "--access-key",
            "AK-1",
            "--access-secret",
            "s",
        ])) else {
            panic!("custom");
        };
        assert_eq!((custom.port, custom.access_key.as_str()), (0, "AK-1"));
        assert_eq!(custom.speedup, 1.0);
        let Ok(Command::Serve(fast)) = parse(args(&["--speedup", "600"])) else {
            panic!("speedup");
        };
        assert_eq!(fast.speedup, 600.0);
        assert_eq!(parse(args(&["--port", "1", "-h"])), Ok(Command::Help));
    }

    #[test]
    fn mistakes_are_reported() {
        for bad in [
            &["--port"][..],
            &["--port", "65536"],
            &["--host", "localhost"],
            &["--access-key", "AK-1"],
            &["--access-secret=s"],
            &["--verbose"],
            &["--speedup", "fast"],
            &["--speedup=-1"],
            &["--speedup", "NaN"],
            &["serve"],
        ] {
            assert!(parse(args(bad)).is_err(), "{bad:?}");
        }
    }
}
