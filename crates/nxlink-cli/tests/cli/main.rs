//! The real `nxlink` binary against the embedded emulator over loopback: every command, its
//! output and its exit code. Each test starts its own emulator (on its own thread) and runs
//! the binary with a clean environment and an empty config directory.

mod append;
mod common;
mod config;
mod create;
mod dishonest;
mod emulator;
mod kill_resume;
mod lists;
mod operator_files;
mod receiver_process;
mod validate;
mod webhook;
mod webhook_kill;
mod webhook_load;
