//! An in-process emulator of the NXLink gateway for tests (under construction).
#![forbid(unsafe_code)]
