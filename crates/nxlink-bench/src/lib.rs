//! Benchmarks of the NXLink SDK, each beside the floor it is measured against; they live in
//! `benches/` (`cargo bench -p nxlink-bench`, or `cargo xtask bench` for the table).
#![forbid(unsafe_code)]
