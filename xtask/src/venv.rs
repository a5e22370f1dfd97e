//! Python virtual environments under the target directory holding pinned packages from PyPI:
//! the benchmarks' Python peer and the Python package's build and tests use one each.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run_program;

/// The interpreter of the venv `target/<name>`, made with `python3 -m venv` when absent, with
/// `requirements` (each `name==version`) installed unless those exact versions already are.
pub(crate) fn with_packages(
    target: &Path,
    name: &str,
    requirements: &[&str],
) -> Result<PathBuf, String> {
    let venv = target.join(name);
    let python = venv.join("bin").join("python");
    if !python.is_file() {
        run_program(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            &format!("python3 -m venv {}", venv.display()),
        )?;
    }
    let pinned: Vec<String> = requirements
        .iter()
        .map(|requirement| {
            let (package, version) = requirement.split_once("==").unwrap_or((requirement, ""));
            format!("importlib.metadata.version({package:?}) == {version:?}")
        })
        .collect();
    let check = format!(
        "import importlib.metadata, sys\ntry:\n    ok = {}\nexcept importlib.metadata.PackageNotFoundError:\n    ok = False\nsys.exit(0 if ok else 1)",
        pinned.join(" and ")
    );
    let installed = Command::new(&python)
        .args(["-c", &check])
        .output()
        .is_ok_and(|output| output.status.success());
    if !installed {
        pip_install(
            &python,
            requirements,
            &format!(
                "pip install {} into {}",
                requirements.join(" "),
                venv.display()
            ),
        )?;
    }
    Ok(python)
}

/// `pip install <args>` with the venv's interpreter `python`, quietly, reported as `what`.
pub(crate) fn pip_install<S: AsRef<OsStr>>(
    python: &Path,
    args: &[S],
    what: &str,
) -> Result<(), String> {
    run_program(
        Command::new(python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(args),
        what,
    )
}
