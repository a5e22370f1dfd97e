//! Request parsers with validation (what the emulator and the CLI read): never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nxlink_model::{AppendContactsRequest, CreateTaskRequest, DeleteContactRequest};

fuzz_target!(|data: &[u8]| {
    if let Ok(task) = CreateTaskRequest::from_json(data) {
        assert!(task.validate().is_ok());
    }
    let _ = AppendContactsRequest::from_json(data);
    let _ = DeleteContactRequest::from_json(data);
});
