//! The access secret never appears in any Debug or Display output.

use nxlink::sign::Credentials;
use nxlink::{Client, ClientBuilder};
use nxlink_integration_tests::spec_example_task;
use nxlink_testkit::Emulator;

const SECRET: &str = "SUPER-SECRET-VALUE-7f3a9c";

#[tokio::test]
async fn no_debug_or_display_shows_the_secret() {
    let emulator = Emulator::builder()
        .account("AK-SECRET-TEST", SECRET)
        .start()
        .await
        .expect("emulator starts");
    let credentials = Credentials::new("AK-SECRET-TEST", SECRET);
    let builder = Client::builder()
        .base_url(emulator.base_url())
        .credentials(credentials.clone());
    let client = builder.clone().build().expect("client builds");
    let wrong = Client::builder()
        .base_url(emulator.base_url())
        .credentials(Credentials::new(
            "AK-SECRET-TEST",
            format!("{SECRET}-wrong"),
        ))
        .build()
        .expect("client builds");
    let auth_error = wrong
        .create_task(&spec_example_task())
        .await
        .expect_err("1003");
    let validation_error = client
        .create_task(&spec_example_task().with_zone_second(99_999))
        .await
        .expect_err("invalid");
    let config_error = ClientBuilder::new()
        .credentials(credentials.clone())
        .build()
        .expect_err("no destination");

    let verifier = nxlink::callbacks::CallbackVerifier::new(credentials.clone());
    let callback_error = verifier
        .verify(&http::HeaderMap::new(), b"{}")
        .expect_err("unsigned");
    let printed = [
        format!("{credentials:?}"),
        format!("{:?}", credentials.access_secret()),
        format!("{verifier:?}"),
        format!("{callback_error}"),
        format!("{callback_error:?}"),
        format!("{emulator:?}"),
        format!("{credentials:#?}"),
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{auth_error}"),
        format!("{auth_error:?}"),
        format!("{validation_error}"),
        format!("{validation_error:?}"),
        format!("{config_error}"),
        format!("{config_error:?}"),
    ];
    for text in &printed {
        assert!(!text.contains(SECRET), "secret leaked in: {text}");
    }
    assert!(printed[0].contains("redacted"));
}

#[test]
fn from_env_reports_missing_variables_by_name_without_values() {
    let lookup = |name: &str| match name {
        "NXLINK_ACCESS_KEY" => Some("AK-1".to_owned()),
        "NXLINK_ACCESS_SECRET" => Some(SECRET.to_owned()),
        _ => None,
    };
    let error = ClientBuilder::from_lookup(lookup).expect_err("no region");
    let text = error.to_string();
    assert!(text.contains("NXLINK_BASE_URL") && text.contains("NXLINK_REGION"));
    assert!(!text.contains(SECRET));

    let with_region = |name: &str| match name {
        "NXLINK_REGION" => Some("americas".to_owned()),
        "NXLINK_SIGN_ALGORITHM" => Some("sha256".to_owned()),
        other => lookup(other),
    };
    let client = ClientBuilder::from_lookup(with_region)
        .expect("configured")
        .build()
        .expect("builds");
    assert_eq!(client.base_url(), "https://chl-api.nxlink.ai");
    assert!(!format!("{client:?}").contains(SECRET));

    let bad_algorithm = |name: &str| match name {
        "NXLINK_SIGN_ALGORITHM" => Some("sha1".to_owned()),
        other => with_region(other),
    };
    assert!(ClientBuilder::from_lookup(bad_algorithm).is_err());
}
