//! Load: 64 concurrent workers, each creating 200 tasks, against one emulator.
//! Asserts counts only (no timing); the figures it prints go in notes, not assertions.

use nxlink::model::AppendContactsRequest;
use std::collections::HashSet;
use std::time::Instant;

use nxlink_integration_tests::{client_for, spec_example_task};
use nxlink_testkit::Emulator;

const WORKERS: usize = 64;
const CREATES_PER_WORKER: usize = 200;

/// Resident set size of this process in KiB, from /proc (Linux); None elsewhere.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_creates_make_no_errors_and_no_duplicates() {
    let emulator = Emulator::builder()
        .max_recorded_requests(0)
        .start()
        .await
        .expect("emulator starts");
    let client = client_for(&emulator);
    let started = Instant::now();
    let rss_before = rss_kib();
    let mut workers = Vec::with_capacity(WORKERS);
    for worker in 0..WORKERS {
        let client = client.clone();
        workers.push(tokio::spawn(async move {
            let mut created = Vec::with_capacity(CREATES_PER_WORKER);
            for n in 0..CREATES_PER_WORKER {
                let task = spec_example_task().with_user_task_id(format!("load-{worker}-{n}"));
                created.push(client.create_task(&task).await.map(|task| task.task_id));
            }
            created
        }));
    }
    let mut task_ids = Vec::with_capacity(WORKERS * CREATES_PER_WORKER);
    let mut errors = 0;
    for worker in workers {
        for result in worker.await.expect("worker finished") {
            match result {
                Ok(id) => task_ids.push(id),
                Err(error) => {
                    errors += 1;
                    eprintln!("create failed: {error}");
                }
            }
        }
    }
    let elapsed = started.elapsed();
    let rss_after = rss_kib();

    assert_eq!(errors, 0);
    assert_eq!(task_ids.len(), WORKERS * CREATES_PER_WORKER);
    let distinct: HashSet<&String> = task_ids.iter().collect();
    assert_eq!(
        distinct.len(),
        task_ids.len(),
        "every create made its own task"
    );
    let stored = emulator.tasks();
    assert_eq!(
        stored.len(),
        WORKERS * CREATES_PER_WORKER,
        "no duplicate on the server"
    );
    let user_ids: HashSet<_> = stored
        .iter()
        .filter_map(|task| task.user_task_id())
        .collect();
    assert_eq!(user_ids.len(), stored.len(), "each userTaskId created once");
    eprintln!(
        "load: {} creates by {WORKERS} workers in {elapsed:.2?} ({:.0}/s); RSS {:?} KiB -> {:?} KiB \
         (emulator state included)",
        task_ids.len(),
        task_ids.len() as f64 / elapsed.as_secs_f64(),
        rss_before,
        rss_after,
    );
}

#[tokio::test]
async fn batched_calls_can_be_spawned() {
    // Spawning needs `Send` futures: a compile-time property worth pinning.
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);
    let created = tokio::spawn({
        let client = client.clone();
        async move { client.create_task(&spec_example_task()).await }
    })
    .await
    .expect("joined")
    .expect("created");
    let contacts = nxlink_integration_tests::fault_matrix::numbered_contacts(1_200);
    let report = tokio::spawn(async move {
        client
            .append_contacts(&AppendContactsRequest::new(created.task_id, contacts))
            .await
    })
    .await
    .expect("joined")
    .expect("valid");
    assert_eq!(report.submitted.len(), 1_200);
}
