//! Builds the spec's example task, validates it, signs it with demo credentials and prints the
//! request it would send; then shows every violation of a broken variant.

use nxlink_model::{
    ApiRequest, CallWindow, Contact, CreateTaskRequest, HourSet, StartMode, WeekDays, encode,
};
use nxlink_sign::{Credentials, SigningProfile, sign_request};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let hours = HourSet::from_hours([9, 10, 11, 14, 15, 16, 17])?;
    let window = CallWindow::every_quarter(WeekDays::ALL, hours);
    let task = CreateTaskRequest::new(
        "客户回访任务-0325",
        197,
        "y29ND1X4kkCG_nC576sALEkvg3HjEqde",
        window,
    )
    .with_user_task_id("EXT-TASK-202603250001")
    .with_start(StartMode::Scheduled { at: 1_746_583_929 })
    .with_shutdown_at(1_746_670_329)
    .with_zone_second(28_800)
    .with_contact(
        Contact::new(
            "c3d79370-9f3a-4da2-84dd-2d2200f40e11",
            "Lucy",
            "13800000001",
        )
        .with_param("customerName", "Lucy"),
    )
    .with_contact(
        Contact::new("5f6f6f6f-7a7b-4c4d-9e9f-101010101010", "Tom", "13800000002")
            .with_param("customerName", "Tom"),
    );

    let body = encode(&task)?;
    let credentials = Credentials::new("AK-DEMO", "demo-secret");
    let headers = sign_request(
        &credentials,
        &SigningProfile::default(),
        1_746_583_000_000,
        &body,
    );
    println!("POST {}", <CreateTaskRequest as ApiRequest>::PATH);
    for (name, value) in headers.iter() {
        println!("{name}: {value}");
    }
    println!("\n{}\n", String::from_utf8_lossy(&body));

    let broken = task
        .with_zone_second(90_000)
        .with_contact(Contact::new("c-3", "Ann", "12-34"));
    if let Err(errors) = broken.validate() {
        println!("a broken variant is refused locally:");
        for violation in errors.iter() {
            println!("  {violation}");
        }
    }
    Ok(())
}
