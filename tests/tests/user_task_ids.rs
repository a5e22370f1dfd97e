//! A repeated `userTaskId`: `create_task_once` refuses it before sending, naming the task
//! that has it; the emulator can refuse it too (atomically, under concurrency) or accept it
//! (its default, as the API only recommends unique ids).

use futures_util::future::join_all;
use nxlink::ErrorKind;
use nxlink_integration_tests::{client_for, spec_example_task};
use nxlink_testkit::{Emulator, RepeatedUserTaskIds};

const CREATE: &str = "/openapi/aiagent/task/create";

#[tokio::test]
async fn create_task_once_refuses_a_user_task_id_the_gateway_has_and_names_the_task() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);
    let task = spec_example_task();
    let first = client.create_task_once(&task).await.expect("first create");
    let creates = nxlink_integration_tests::fixtures::requests_to(&emulator, CREATE);
    let error = client.create_task_once(&task).await.expect_err("a repeat");
    assert_eq!(error.kind(), ErrorKind::AlreadyExists, "{error}");
    assert_eq!(
        error.existing_task_ids(),
        Some(&[first.task_id.clone()][..])
    );
    assert!(error.to_string().contains(&first.task_id), "{error}");
    assert_eq!(
        nxlink_integration_tests::fixtures::requests_to(&emulator, CREATE),
        creates,
        "nothing sent"
    );
    // The plain create is the opt-out: the emulator accepts a repeat by default.
    let second = client.create_task(&task).await.expect("a second task");
    assert_ne!(second.task_id, first.task_id);
    assert_eq!(emulator.tasks().len(), 2);
}

#[tokio::test]
async fn an_emulator_refusing_repeats_makes_one_task_of_32_concurrent_creates() {
    let emulator = Emulator::builder()
        .repeated_user_task_ids(RepeatedUserTaskIds::Refuse)
        .start()
        .await
        .expect("emulator starts");
    let client = client_for(&emulator);
    let task = spec_example_task();
    let answers = join_all((0..32).map(|_| client.create_task(&task))).await;
    let created = answers.iter().filter(|answer| answer.is_ok()).count();
    assert_eq!(created, 1, "{answers:?}");
    for refused in answers.iter().filter_map(|answer| answer.as_ref().err()) {
        assert!(refused.is_business(), "{refused}");
        assert_eq!(
            refused.api_message(),
            Some("userTaskId already exists:EXT-TASK-202603250001")
        );
    }
    assert_eq!(emulator.tasks().len(), 1);
}
