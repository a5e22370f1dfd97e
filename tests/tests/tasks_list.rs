//! task/list over loopback: several tasks created at different times, in different states and
//! sizes, found by every filter, paged one page at a time and lazily, in both page shapes.

use futures_util::{StreamExt, TryStreamExt};
use nxlink::model::{ListTasksRequest, StartMode, TaskInfo, TaskStatus};
use nxlink::{Client, ErrorKind};
use nxlink_integration_tests::client_for;
use nxlink_integration_tests::fixtures::{contacts, requests_to, task};
use nxlink_testkit::{Clock, Emulator, ManualClock, PageShape};

const TASKS: &str = "/openapi/aiagent/task/list";

/// Seven tasks in three creation groups 40 s apart (within the ±60 s a client's `ts` may
/// be off, so every create is accepted). Name, start, contacts:
/// group 1: "Spring Promo A" manual 3, "Spring Promo B" immediate 5;
/// group 2: "Renewal Calls" manual 10, "spring follow-up" manual 1;
/// group 3: "Winter Survey" immediate 20 then paused, "Empty" manual 0, "Spring Promo C" 2.
struct Scenario {
    emulator: Emulator,
    client: Client,
    /// Creation time of group 2, epoch seconds; group 1 is 40 s earlier, group 3 40 s later.
    middle_ts: i64,
}

async fn scenario(shape: PageShape) -> Scenario {
    let clock = ManualClock::starting_now();
    let base_ms = clock.now_ms();
    let emulator = Emulator::builder()
        .clock(clock.clone())
        .page_shape(shape)
        .start()
        .await
        .expect("emulator starts");
    let client = client_for(&emulator);
    // (creation time offset in ms, name, immediate start, contacts)
    let tasks = [
        (-40_000, "Spring Promo A", false, 3),
        (-40_000, "Spring Promo B", true, 5),
        (0, "Renewal Calls", false, 10),
        (0, "spring follow-up", false, 1),
        (40_000, "Winter Survey", true, 20),
        (40_000, "Empty", false, 0),
        (40_000, "Spring Promo C", false, 2),
    ];
    for (offset_ms, name, immediate, size) in tasks {
        clock.set_ms(base_ms + offset_ms);
        let mut request = task(name, contacts(name, size))
            .with_user_task_id(format!("ext-{name}"))
            .with_other(format!("batch-{size}"));
        if immediate {
            request = request.with_start(StartMode::Immediate);
        }
        let created = client.create_task(&request).await.expect("created");
        assert_eq!(created.success_count, size as u64);
        if name == "Winter Survey" {
            assert!(emulator.set_task_status(&created.task_id, TaskStatus::Paused));
        }
    }
    Scenario {
        emulator,
        client,
        middle_ts: base_ms.div_euclid(1_000),
    }
}

async fn names(client: &Client, request: ListTasksRequest) -> Vec<String> {
    let page = client.list_tasks(&request).await.expect("a page of tasks");
    assert_eq!(
        page.total,
        page.items.len() as u64,
        "one page holds them all"
    );
    page.data
        .items
        .into_iter()
        .map(|task| task.task_name.unwrap_or_default())
        .collect()
}

async fn filters_paging_and_stream(shape: PageShape) {
    let Scenario {
        emulator,
        client,
        middle_ts,
    } = scenario(shape).await;
    let all = ListTasksRequest::new().with_page_size(100);

    // Newest first.
    assert_eq!(
        names(&client, all.clone()).await,
        [
            "Spring Promo C",
            "Empty",
            "Winter Survey",
            "spring follow-up",
            "Renewal Calls",
            "Spring Promo B",
            "Spring Promo A"
        ]
    );
    assert_eq!(
        names(&client, all.clone().with_task_name("SPRING")).await,
        [
            "Spring Promo C",
            "spring follow-up",
            "Spring Promo B",
            "Spring Promo A"
        ],
        "a case-insensitive substring"
    );
    assert_eq!(
        names(
            &client,
            all.clone().with_task_status(TaskStatus::InProgress)
        )
        .await,
        ["Spring Promo B"]
    );
    assert_eq!(
        names(&client, all.clone().with_task_status(TaskStatus::Paused)).await,
        ["Winter Survey"]
    );
    assert_eq!(
        names(
            &client,
            all.clone()
                .with_task_name("spring")
                .with_task_status(TaskStatus::Ready)
        )
        .await,
        ["Spring Promo C", "spring follow-up", "Spring Promo A"],
        "filters combine"
    );

    // createTs bounds are inclusive epoch seconds.
    assert_eq!(
        names(&client, all.clone().with_create_end_ts(middle_ts - 40)).await,
        ["Spring Promo B", "Spring Promo A"]
    );
    assert_eq!(
        names(
            &client,
            all.clone()
                .with_create_start_ts(middle_ts)
                .with_create_end_ts(middle_ts)
        )
        .await,
        ["spring follow-up", "Renewal Calls"]
    );
    assert_eq!(
        names(&client, all.clone().with_create_start_ts(middle_ts + 1)).await,
        ["Spring Promo C", "Empty", "Winter Survey"]
    );

    // Quantity: contacts in the task.
    assert_eq!(
        names(&client, all.clone().with_min_task_total_quantity(5)).await,
        ["Winter Survey", "Renewal Calls", "Spring Promo B"]
    );
    assert_eq!(
        names(
            &client,
            all.clone()
                .with_min_task_total_quantity(1)
                .with_max_task_total_quantity(3)
        )
        .await,
        ["Spring Promo C", "spring follow-up", "Spring Promo A"]
    );
    assert!(
        names(&client, all.clone().with_task_name("nothing like this"))
            .await
            .is_empty()
    );

    // What a task reports.
    let renewal = client
        .list_tasks(&all.clone().with_task_name("Renewal"))
        .await
        .expect("one task")
        .items
        .remove(0);
    let stored = &emulator.tasks()[2];
    assert_eq!(renewal.task_id.as_deref(), Some(stored.task_id.as_str()));
    assert_eq!(renewal.user_task_id.as_deref(), Some("ext-Renewal Calls"));
    assert_eq!(renewal.other.as_deref(), Some("batch-10"));
    assert_eq!(renewal.task_status, Some(TaskStatus::Ready));
    assert_eq!(renewal.create_ts, Some(middle_ts));
    assert_eq!(
        renewal.auto_flow_name.as_deref(),
        Some("Parcel Notification")
    );
    let stats = renewal.stat_info.expect("statInfo");
    assert_eq!(stats.total_order_count, Some(10));
    assert_eq!(stats.total_call_count, Some(0));

    // Paging: 7 tasks in pages of 3.
    let third = client
        .list_tasks(
            &ListTasksRequest::new()
                .with_page_size(3)
                .with_page_number(3),
        )
        .await
        .expect("page 3");
    assert_eq!((third.total, third.page_number), (7, 3));
    assert_eq!(third.items.len(), 1);
    assert_eq!(third.items[0].task_name.as_deref(), Some("Spring Promo A"));

    let before = requests_to(&emulator, TASKS);
    let walked: Vec<TaskInfo> = client
        .all_tasks(ListTasksRequest::new().with_page_size(3))
        .try_collect()
        .await
        .expect("every task");
    assert_eq!(
        requests_to(&emulator, TASKS) - before,
        3,
        "7 tasks, 3 pages"
    );
    let one_page = client
        .list_tasks(&all)
        .await
        .expect("all at once")
        .into_data()
        .items;
    assert_eq!(
        walked, one_page,
        "the walk sees the same tasks in the same order"
    );

    let before = requests_to(&emulator, TASKS);
    let spring: Vec<_> = client
        .all_tasks(
            ListTasksRequest::new()
                .with_task_name("spring")
                .with_page_size(2),
        )
        .try_collect()
        .await
        .expect("spring tasks");
    assert_eq!(spring.len(), 4);
    assert_eq!(
        requests_to(&emulator, TASKS) - before,
        2,
        "stops at total 4"
    );
}

#[tokio::test]
async fn filters_paging_and_stream_nested() {
    filters_paging_and_stream(PageShape::Nested).await;
}

#[tokio::test]
async fn filters_paging_and_stream_top_level() {
    filters_paging_and_stream(PageShape::TopLevel).await;
}

#[tokio::test]
async fn contradictory_filters_are_refused_locally_and_send_nothing() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);

    let error = client
        .list_tasks(
            &ListTasksRequest::new()
                .with_create_start_ts(1_746_583_929)
                .with_create_end_ts(1_746_583_000),
        )
        .await
        .expect_err("start after end");
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert!(
        error
            .validation_errors()
            .expect("violations")
            .has_path("createEndTs")
    );

    let error = client
        .list_tasks(
            &ListTasksRequest::new()
                .with_min_calls_answered_rate(150.0)
                .with_min_task_total_quantity(10)
                .with_max_task_total_quantity(5)
                .with_page_size(1001),
        )
        .await
        .expect_err("three rules broken");
    let violations = error.validation_errors().expect("violations");
    for path in ["minCallsAnsweredRate", "maxTaskTotalQuantity", "pageSize"] {
        assert!(
            violations.has_path(path),
            "{path} missing from {violations}"
        );
    }

    let items: Vec<_> = client
        .all_tasks(ListTasksRequest::new().with_create_start_ts(-1))
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(items[0].as_ref().is_err_and(nxlink::Error::is_validation));
    assert_eq!(emulator.request_count(), 0, "nothing was sent");
}

#[tokio::test]
async fn another_account_does_not_see_the_tasks() {
    let emulator = Emulator::builder()
        .account("AK-ONE", "secret-one")
        .account("AK-TWO", "secret-two")
        .start()
        .await
        .expect("emulator starts");
    let as_account = |key: &str, secret: &str| {
        Client::builder()
            .base_url(emulator.base_url())
            .credentials(nxlink::sign::Credentials::new(key, secret))
            .build()
            .expect("client builds")
    };
    let one = as_account("AK-ONE", "secret-one");
    let two = as_account("AK-TWO", "secret-two");
    let _created = one
        .create_task(&task("Private", contacts("private", 2)))
        .await
        .expect("created");

    let mine = one
        .list_tasks(&ListTasksRequest::new())
        .await
        .expect("mine");
    assert_eq!(mine.total, 1);
    let theirs = two
        .list_tasks(&ListTasksRequest::new())
        .await
        .expect("theirs");
    assert_eq!((theirs.total, theirs.items.len()), (0, 0));
}
