//! `Client::prepare`: large bodies are hashed while they are written; the result must be the
//! same bytes and a signature over exactly them, for both algorithms, and invalid requests
//! must still produce nothing.

use nxlink::Client;
use nxlink::model::{CallWindow, Contact, CreateTaskRequest, HourSet, WeekDays, encode};
use nxlink::sign::{Algorithm, Credentials, Signer};

const SECRET: &str = "prepare-secret";

fn large_task(contacts: usize) -> CreateTaskRequest {
    let window = CallWindow::every_quarter(WeekDays::ALL, HourSet::span(9, 18).expect("hours"));
    CreateTaskRequest::new("Large", 197, "route", window).with_contacts((0..contacts).map(|i| {
        Contact::new(
            format!("c-{i:08}"),
            format!("Näme {i}"),
            format!("138{i:08}"),
        )
        .with_param("customerName", format!("Näme \"{i}\""))
        .with_param("orderNo", format!("SO{i:010}"))
    }))
}

fn client(algorithm: Algorithm) -> Client {
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(Credentials::new("AK-PREPARE", SECRET))
        .algorithm(algorithm)
        .build()
        .expect("client builds")
}

fn header<'a>(request: &'a http::Request<bytes::Bytes>, name: &str) -> &'a str {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .expect("header present")
}

#[test]
fn large_and_small_bodies_are_the_encoded_bytes_signed_exactly() {
    for contacts in [2, 5_000] {
        let task = large_task(contacts);
        let expected = encode(&task).expect("valid");
        for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
            let request = client(algorithm).prepare(&task).expect("prepared");
            assert_eq!(
                request.body().as_ref(),
                expected.as_slice(),
                "{contacts} contacts"
            );
            // Signed afresh, by the access key and product the request carries, over its body.
            let signer = Signer::new(
                Credentials::new(header(&request, "accesskey"), SECRET),
                algorithm,
            )
            .with_product(
                header(&request, "biztype").to_owned(),
                header(&request, "action").to_owned(),
            );
            let expected = signer.sign(header(&request, "ts").parse().expect("ms"), request.body());
            assert_eq!(
                header(&request, "sign"),
                expected.signature().as_str(),
                "{contacts} contacts, {algorithm}"
            );
        }
    }
}

/// Checks that `request` carries a signature over exactly its body.
fn assert_signed_exactly(request: &http::Request<bytes::Bytes>, algorithm: Algorithm) {
    let signer = Signer::new(
        Credentials::new(header(request, "accesskey"), SECRET),
        algorithm,
    );
    let expected = signer.sign(header(request, "ts").parse().expect("ms"), request.body());
    assert_eq!(header(request, "sign"), expected.signature().as_str());
}

#[test]
fn large_bodies_prepared_at_once_on_clones_of_one_client_are_each_signed_exactly() {
    // The client hashes one large body at a time on its hashing thread; the others, prepared
    // meanwhile, are hashed on their own threads. Every one must still be exact, and the
    // thread must keep serving after it was busy.
    let tasks: Vec<CreateTaskRequest> = (0..4).map(|n| large_task(3_000 + n)).collect();
    for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
        let client = client(algorithm);
        std::thread::scope(|scope| {
            let preparing: Vec<_> = tasks
                .iter()
                .map(|task| {
                    let client = client.clone();
                    scope.spawn(move || (task, client.prepare(task).expect("prepared")))
                })
                .collect();
            for handle in preparing {
                let (task, request) = handle.join().expect("no panic");
                assert_eq!(
                    request.body().as_ref(),
                    encode(task).expect("valid").as_slice()
                );
                assert_signed_exactly(&request, algorithm);
            }
        });
        let again = client.prepare(&tasks[0]).expect("prepared after the rush");
        assert_signed_exactly(&again, algorithm);
    }
}

#[test]
fn a_large_invalid_request_is_refused_with_every_violation() {
    let mut task = large_task(5_000);
    task.call_list[10].phone_number = "12-34".to_owned();
    task.call_list[4_999].contact_id = "c-00000001".to_owned();
    for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
        let error = client(algorithm).prepare(&task).expect_err("invalid");
        let violations = error.validation_errors().expect("validation error");
        assert!(violations.has_path("callList[10].phoneNumber"));
        assert!(violations.has_path("callList[4999].contactId"));
    }
}
