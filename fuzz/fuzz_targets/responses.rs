//! Every response and callback parser on arbitrary bytes: an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nxlink_model::{
    ApiResponse, AppendContactsResult, CallRecord, CallRecordCallback, CreateTaskResult, Flow,
    Page, Route, TaskInfo, TaskStatusCallback,
};

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<ApiResponse<CreateTaskResult>>(data);
    let _ = serde_json::from_slice::<ApiResponse<Page<TaskInfo>>>(data);
    let _ = serde_json::from_slice::<ApiResponse<Page<Flow>>>(data);
    let _ = serde_json::from_slice::<ApiResponse<Page<Route>>>(data);
    let _ = serde_json::from_slice::<ApiResponse<AppendContactsResult>>(data);
    let _ = serde_json::from_slice::<ApiResponse<Vec<String>>>(data);
    let _ = serde_json::from_slice::<Page<CallRecord>>(data);
    let _ = serde_json::from_slice::<TaskStatusCallback>(data);
    let _ = serde_json::from_slice::<CallRecordCallback>(data);
});
