//! Borrowed batch bodies serialize exactly like the owned requests they slice.

use nxlink_model::{
    ApiRequest, AppendContactsRequest, CallWindow, Contact, CreateTaskRequest, HourSet, WeekDays,
    encode,
};

fn contacts(count: usize) -> Vec<Contact> {
    (0..count)
        .map(|i| Contact::new(format!("c-{i}"), "Ann", format!("1380000{i:04}")).with_param("n", i))
        .collect()
}

#[test]
fn a_create_head_is_the_request_with_its_first_contacts() {
    let window = CallWindow::every_quarter(WeekDays::ALL, HourSet::span(9, 18).expect("hours"));
    let full = CreateTaskRequest::new("t", 197, "r", window)
        .with_country_code("86")
        .with_contacts(contacts(5));
    let mut truncated = full.clone();
    truncated.call_list.truncate(2);
    assert_eq!(
        encode(&full.head(2)).expect("head encodes"),
        encode(&truncated).expect("encodes")
    );
    assert_eq!(full.head(99).contacts().len(), 5);
    assert_eq!(full.head(0).contacts().len(), 0);
    // The head is validated with its own contacts only.
    let broken = full
        .clone()
        .with_contact(Contact::new("c-9", "Bad", "12-34"));
    assert!(broken.head(5).validate().is_ok());
    assert!(broken.head(6).validate().is_err());
}

#[test]
fn an_append_batch_is_the_request_with_a_slice_of_its_list() {
    let request = AppendContactsRequest::new("task-1", contacts(4)).with_country_code("86");
    let whole = encode(&request).expect("encodes");
    assert_eq!(encode(&request.batch(&request.list)).expect("batch"), whole);
    let part =
        AppendContactsRequest::new("task-1", contacts(4)[1..3].to_vec()).with_country_code("86");
    assert_eq!(
        encode(&request.batch(&request.list[1..3])).expect("batch"),
        encode(&part).expect("part")
    );
    assert!(
        request.batch(&[]).validate().is_err(),
        "an empty batch is refused"
    );
}
