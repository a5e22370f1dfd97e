//! Realistic requests for the benchmarks: uuid-like contact ids, varied names, 11-digit
//! mobile numbers and the two script variables most flows use, so body sizes and string
//! lengths look like a customer's, not like `c1`/`a`/`1`.

use nxlink::model::{CallWindow, Contact, CreateTaskRequest, HourSet, StartMode, WeekDays};

const GIVEN: [&str; 16] = [
    "Lucy", "Tom", "Wei", "Aisha", "Mateo", "Siti", "Hiroshi", "Priya", "Chen", "Olga", "Kwame",
    "Sofia", "Budi", "Ana", "Jamal", "Mei",
];
const FAMILY: [&str; 16] = [
    "Wang", "Smith", "Tanaka", "Santoso", "Garcia", "Okafor", "Li", "Novak", "Haddad", "Kim",
    "Silva", "Nguyen", "Ivanova", "Mensah", "Rossi", "Zhang",
];

/// A fixed "now" (2026-03-25 08:00 UTC): the bodies are byte-identical from run to run.
const EPOCH_SECONDS: i64 = 1_774_425_600;

/// splitmix64: cheap, deterministic bits for ids that look random.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `format!` over-allocates (a 36-character id gets 48 bytes); contacts read from a file or a
/// database get exact-size strings, and those are what the memory benchmark should count.
fn exact(text: String) -> String {
    text.into_boxed_str().into_string()
}

/// Contact number `index`: a 36-character uuid-like id, a name, a mobile number, and the
/// `customerName` and `orderNo` variables.
pub(crate) fn contact(index: usize) -> Contact {
    let bits = mix(index as u64);
    let more = mix(bits);
    let id = format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        bits >> 32,
        (bits >> 16) & 0xffff,
        bits & 0xfff,
        more >> 52,
        more & 0xffff_ffff_ffff
    );
    let name = exact(format!(
        "{} {}",
        GIVEN[index % 16],
        FAMILY[(index / 16) % 16]
    ));
    let phone = format!("13{:09}", bits % 1_000_000_000);
    Contact::new(exact(id), name.clone(), exact(phone))
        .with_param("customerName", name)
        .with_param("orderNo", exact(format!("SO2026{index:08}")))
}

/// `count` distinct contacts, in a vector of exactly that capacity (as collecting a file
/// of known length gives).
pub(crate) fn contacts(count: usize) -> Vec<Contact> {
    (0..count).map(contact).collect()
}

/// The API reference's task/create example, with `contacts` as its call list.
pub(crate) fn task(contacts: Vec<Contact>) -> CreateTaskRequest {
    let hours = HourSet::from_hours([9, 10, 11, 14, 15, 16, 17]).expect("valid office hours");
    let start = EPOCH_SECONDS + 3_600;
    let mut task = CreateTaskRequest::new(
        "客户回访任务-0325",
        197,
        "y29ND1X4kkCG_nC576sALEkvg3HjEqde",
        CallWindow::every_quarter(WeekDays::ALL, hours),
    )
    .with_user_task_id("bench-task-20260325-0001")
    .with_other("task-batch-20260325")
    .with_task_desc("针对已下单客户进行满意度回访")
    .with_start(StartMode::Scheduled { at: start })
    .with_shutdown_at(start + 86_400)
    .with_zone_second(28_800)
    .with_max_call(20)
    .with_max_ring_time(40)
    .with_country_code("86");
    task.call_list = contacts;
    task
}

/// The small create of the end-to-end benchmark: the reference example's two contacts.
pub(crate) fn spec_task() -> CreateTaskRequest {
    task(contacts(2))
}

/// The client side's runtime in every benchmark: two workers, as the machine has two cores.
pub(crate) fn two_worker_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}
