//! Phone numbers as operators write them, across the markets NXLink campaigns dial: each
//! written form normalizes to the digits the API takes, or is refused with the reason.
#![cfg(feature = "phone")]

use nxlink_model::phone::{PhoneError, normalize_phone, normalize_with};

/// (written, the request's countryCode, digits sent)
const WRITTEN: &[(&str, &str, &str)] = &[
    // mainland China
    ("+86 138 0000 0001", "86", "13800000001"),
    ("138-0000-0001", "86", "13800000001"),
    ("138 0000 0001", "86", "13800000001"),
    ("0086 138 0000 0001", "86", "13800000001"),
    ("(021) 5555 1234", "86", "2155551234"),
    ("021-5555-1234", "86", "2155551234"),
    ("+86 10 8888 6666", "86", "1088886666"),
    // Hong Kong
    ("+852 9123 4567", "852", "91234567"),
    ("9123 4567", "852", "91234567"),
    ("2123-4567", "852", "21234567"),
    // Indonesia
    ("+62 812-3456-7890", "62", "81234567890"),
    ("0812-3456-7890", "62", "81234567890"),
    ("0812 3456 7890", "62", "81234567890"),
    ("(021) 5555 1234", "62", "2155551234"),
    // United States
    ("+1 (650) 253-0000", "1", "6502530000"),
    ("(650) 253-0000", "1", "6502530000"),
    ("650.253.0000", "1", "6502530000"),
    ("1-650-253-0000", "1", "6502530000"),
    // Brazil
    ("+55 11 91234-5678", "55", "11912345678"),
    ("(11) 91234-5678", "55", "11912345678"),
    ("+55 (21) 2345-6789", "55", "2123456789"),
    // another country than the request's keeps its own code
    ("+62 812-3456-7890", "86", "+6281234567890"),
    ("+1 650 253 0000", "86", "+16502530000"),
    // a + number is read by its own code, whatever the default (US's national prefix is
    // the 1 that starts 138)
    ("+86 138 0000 0001", "1", "+8613800000001"),
    // already the API's form
    ("13800000001", "86", "13800000001"),
];

#[test]
fn written_numbers_normalize_to_the_digits_sent() {
    for &(written, country, expected) in WRITTEN {
        let phone = normalize_phone(written, Some(country))
            .unwrap_or_else(|error| panic!("{written:?} in +{country}: {error}"));
        assert_eq!(phone.digits, expected, "{written:?} in +{country}");
    }
    assert!(WRITTEN.len() >= 20);
}

#[test]
fn the_rows_country_reads_the_number_and_the_requests_decides_the_form() {
    let phone = normalize_with("0812-3456-7890", Some("62"), Some("86")).expect("valid in ID");
    assert_eq!(phone.digits, "+6281234567890");
    assert_eq!(phone.region.as_deref(), Some("ID"));
}

#[test]
fn numbers_not_valid_for_their_region_are_refused() {
    for (written, country) in [
        ("138 0000 000", "86"),
        ("+1 (650) 253-000", "1"),
        ("+852 1234", "852"),
        ("0812-34", "62"),
        ("(11) 1234", "55"),
    ] {
        let error = normalize_phone(written, Some(country))
            .expect_err(written)
            .to_string();
        assert!(
            error.starts_with("Illegal phone number format: "),
            "{written:?}: {error}"
        );
    }
}

#[test]
fn text_that_is_no_number_gets_the_plain_rule() {
    let error = normalize_phone("call me", Some("86")).expect_err("letters");
    assert!(matches!(error, PhoneError::NotANumber(_)), "{error:?}");
    assert!(
        error.to_string().starts_with("must be 5–15 digits"),
        "{error}"
    );
}

#[test]
fn what_a_spreadsheet_did_to_a_number_is_named() {
    for mangled in ["1.38E+10", "13800000001.0", "8.61380000000E+12"] {
        assert!(
            matches!(
                normalize_phone(mangled, Some("86")),
                Err(PhoneError::SpreadsheetNumber(_))
            ),
            "{mangled}"
        );
    }
    let lost = normalize_phone("6281234567890", Some("86")).expect_err("lost +");
    assert!(
        lost.to_string().contains("leading '+' was probably lost"),
        "{lost}"
    );
}
