//! `cargo xtask py`: the Python package `nxlink` (`crates/nxlink-py`) built as a wheel by
//! maturin and tested by its pytest suite against the in-process emulator.
//!
//! Everything lives under the target directory (`CARGO_TARGET_DIR` is honoured): a venv
//! (`py-venv`, made once with `python3 -m venv`) holding the pinned `maturin` and `pytest` from
//! the package registry, and the wheel (`py-wheels`). The wheel is built in the dev profile:
//! the suite checks behaviour, and `cargo xtask ci` should not spend minutes optimizing;
//! measure speed with `maturin build --release`. So a fresh clone needs nothing installed by
//! hand but a `python3` (3.9 or newer) with `venv`.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::{run_program as run, target_dir, venv};

/// The wheel builder, pinned.
const MATURIN: &str = "maturin==1.16.0";
/// The test runner, pinned.
const PYTEST: &str = "pytest==9.2.0";
/// The crate of the Python package, from the workspace root.
const CRATE: &str = "crates/nxlink-py";

pub(crate) fn py() -> Result<(), String> {
    let started = Instant::now();
    let target = target_dir();
    let python = venv::with_packages(&target, "py-venv", &[MATURIN, PYTEST])?;
    let wheel = build_wheel(&target, &python)?;
    venv::pip_install(
        &python,
        &[
            OsStr::new("--force-reinstall"),
            OsStr::new("--no-deps"),
            wheel.as_os_str(),
        ],
        &format!("pip install {}", wheel.display()),
    )?;
    run(
        Command::new(&python)
            .args(["-m", "pytest", "-p", "no:cacheprovider", "-q"])
            .arg(format!("{CRATE}/tests"))
            // Nothing written into the source tree.
            .env("PYTHONDONTWRITEBYTECODE", "1"),
        &format!("pytest {CRATE}/tests"),
    )?;
    println!(
        "\nxtask py: wheel built, installed and tested in {:.1?}",
        started.elapsed()
    );
    Ok(())
}

/// Builds the wheel (dev profile, `--locked`) into an emptied `py-wheels`, and finds it.
fn build_wheel(target: &Path, python: &Path) -> Result<PathBuf, String> {
    let wheels = target.join("py-wheels");
    if wheels.exists() {
        fs::remove_dir_all(&wheels)
            .map_err(|error| format!("py: could not empty {}: {error}", wheels.display()))?;
    }
    run(
        Command::new(python)
            .args(["-m", "maturin", "build", "--locked", "--manifest-path"])
            .arg(format!("{CRATE}/Cargo.toml"))
            .arg("--out")
            .arg(&wheels)
            .arg("--interpreter")
            .arg(python),
        &format!("maturin build --locked --manifest-path {CRATE}/Cargo.toml (dev profile)"),
    )?;
    let built: Vec<PathBuf> = fs::read_dir(&wheels)
        .map_err(|error| format!("py: could not read {}: {error}", wheels.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "whl"))
        .collect();
    match built.as_slice() {
        [wheel] => Ok(wheel.clone()),
        _ => Err(format!(
            "py: expected one wheel in {}, found {}",
            wheels.display(),
            built.len()
        )),
    }
}
