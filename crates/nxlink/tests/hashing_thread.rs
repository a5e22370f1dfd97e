//! The client's body-hashing thread lives exactly as long as the client and its clones: a
//! service that builds a client per tenant or per job must not collect idle threads.
//! Its own test binary, so that no other test's client is counted.

#![cfg(target_os = "linux")]

use std::time::{Duration, Instant};

use nxlink::Client;
use nxlink::model::{CallWindow, Contact, CreateTaskRequest, HourSet, WeekDays};
use nxlink::sign::{Algorithm, Credentials};

/// How many threads of this process carry the hashing thread's name (cut to the kernel's 15
/// bytes).
fn hashing_threads() -> usize {
    let tasks = std::fs::read_dir("/proc/self/task").expect("/proc is mounted");
    tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
        .filter(|name| name.trim_end() == "nxlink-body-has")
        .count()
}

/// Waits up to five seconds for `count` hashing threads (a thread ends shortly after it is
/// told to).
fn settles_at(count: usize) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if hashing_threads() == count {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

fn large_task() -> CreateTaskRequest {
    let window = CallWindow::every_quarter(WeekDays::ALL, HourSet::span(9, 18).expect("hours"));
    CreateTaskRequest::new("Large", 197, "route", window).with_contacts(
        (0..10_000)
            .map(|i| Contact::new(format!("c-{i}"), format!("Name {i}"), format!("138{i:08}"))),
    )
}

#[test]
fn the_hashing_thread_starts_on_first_large_body_and_ends_with_the_last_clone() {
    let task = large_task();
    assert_eq!(hashing_threads(), 0);
    for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
        let client = Client::builder()
            .base_url("http://127.0.0.1:9")
            .credentials(Credentials::new("AK-THREAD", "thread-secret"))
            .algorithm(algorithm)
            .build()
            .expect("client builds");
        assert_eq!(hashing_threads(), 0, "no thread before a large body");
        let clone = client.clone();
        for _ in 0..3 {
            client.prepare(&task).expect("valid");
            clone.prepare(&task).expect("valid");
        }
        assert_eq!(hashing_threads(), 1, "one thread, shared by the clones");
        drop(client);
        clone.prepare(&task).expect("valid");
        assert_eq!(hashing_threads(), 1, "the clone keeps it");
        drop(clone);
        assert!(
            settles_at(0),
            "the thread outlived its client ({algorithm:?})"
        );
    }
}
