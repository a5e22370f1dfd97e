//! Where the plain (non-criterion) benchmarks write their figures for `cargo xtask bench`.

use std::path::PathBuf;

/// `$NXLINK_BENCH_DIR`, or `<target>/nxlink-bench`, created if missing.
pub(crate) fn figures_dir() -> PathBuf {
    let dir = std::env::var_os("NXLINK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("nxlink-bench"));
    std::fs::create_dir_all(&dir).expect("the figures folder can be created");
    dir
}

/// `$CARGO_TARGET_DIR`, or the target folder this benchmark binary was built in
/// (`<target>/release/deps/<bench>`).
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("target"))
}
