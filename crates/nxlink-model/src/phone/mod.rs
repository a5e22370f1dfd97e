//! Phone numbers as people write them (`+86 138 0000 0001`, `(021) 5555 1234`), read with
//! libphonenumber's rules (the `phonenumber` crate) into the digits the API takes.
//!
//! This is an opt-in step, never part of `validate()`: a request holds exactly what will be
//! sent, and [`normalize_phone`] (or [`Contact::normalized`]) is how a caller turns written
//! numbers into that, seeing each rewrite.
//!
//! What is sent: a number of the request's own country (`countryCode`) as its national
//! significant digits (`13800000001`), since the gateway prefixes that code; a number of
//! another country in E.164 with its `+` (`+6281234567890`), which carries its own code.

mod validity;

use std::fmt;

use phonenumber::{Mode, PhoneNumber};

use crate::contact::Contact;
use crate::validation::excerpt;

/// A written number read as a real one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedPhone {
    /// What goes in `phoneNumber`.
    pub digits: String,
    /// The number's country calling code (`86`); `None` when no country was given and the
    /// written number is bare digits, which are then sent as they are.
    pub country_code: Option<u16>,
    /// The number's region (ISO 3166 code, `"CN"`), when its country has one.
    pub region: Option<String>,
}

impl NormalizedPhone {
    /// Whether the digits sent differ from the text written.
    pub fn is_rewrite_of(&self, written: &str) -> bool {
        self.digits != written
    }
}

/// Why a written number cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneError {
    /// Empty.
    #[error("is required and must not be empty")]
    Empty,
    /// A number a spreadsheet reformatted (`1.38E+10`, `13800000001.0`): digits are lost.
    #[error(
        "{0} looks like a number a spreadsheet reformatted (digits are lost that way): format \
         the column as text, re-enter the numbers, and export again"
    )]
    SpreadsheetNumber(String),
    /// Not a phone number at all (letters, too short, too long).
    #[error("Illegal phone number format: {written} ({reason})")]
    Unreadable {
        /// The text as written (shortened).
        written: String,
        /// What libphonenumber found.
        reason: String,
    },
    /// Characters no written number has (letters, symbols): the plain rule's reason.
    #[error("{0}")]
    NotANumber(String),
    /// Written with separators but no country to read it by.
    #[error(
        "{0} has no country: give the task (or the row) a countryCode, or write the number \
         with its +country code"
    )]
    NoCountry(String),
    /// A number, but not one that exists in its country's numbering plan.
    #[error("Illegal phone number format: {written} is not a valid {region} number")]
    NotValid {
        /// The text as written (shortened).
        written: String,
        /// The region it was read in (`CN`, or `+86` when the code has no region).
        region: String,
    },
    /// Digits that are no number in the given country but are one with a leading `+`:
    /// a spreadsheet dropped it.
    #[error(
        "{written} is not a valid number {region}, but {fixed} is: the leading {lost:?} was \
         probably lost by a spreadsheet; format the column as text and write the number with it"
    )]
    LostPrefix {
        /// The text as written (shortened).
        written: String,
        /// Where it was read: `in CN`, or `without a country code`.
        region: String,
        /// The number with the prefix back.
        fixed: String,
        /// `'+'` or `'0'`.
        lost: char,
    },
    /// The country calling code is not one libphonenumber knows.
    #[error("countryCode {0} is not a country calling code")]
    UnknownCountryCode(String),
}

/// Reads a written number, using `country_code` (`"86"`: the row's, else the request's) to
/// read numbers written without `+`. Bare digits with no country to read them by are taken
/// as they are (the gateway applies its own default), so this never refuses what the plain
/// format rule accepts without giving a reason.
pub fn normalize_phone(
    written: &str,
    country_code: Option<&str>,
) -> Result<NormalizedPhone, PhoneError> {
    normalize_with(written, country_code, country_code)
}

/// [`normalize_phone`] where the number is read by `read_as` (the row's country) and sent
/// for a request whose `countryCode` is `request`: a number of another country than the
/// request's keeps its `+` so it is not dialled under the request's code.
pub fn normalize_with(
    written: &str,
    read_as: Option<&str>,
    request: Option<&str>,
) -> Result<NormalizedPhone, PhoneError> {
    let text = written.trim();
    if text.is_empty() {
        return Err(PhoneError::Empty);
    }
    if read_as.is_none() && bare_digits(text) {
        // Nothing to read it by: sent as written (the common case of machine-written files,
        // so it is decided before any other look at the text).
        return Ok(NormalizedPhone {
            digits: text.to_owned(),
            country_code: None,
            region: None,
        });
    }
    if crate::rules::looks_like_a_spreadsheet_number(text.strip_prefix('+').unwrap_or(text)) {
        return Err(PhoneError::SpreadsheetNumber(excerpt(text).to_string()));
    }
    let shown = || excerpt(text).to_string();
    if let Some(bad) = text.chars().find(|c| !is_written_number_char(*c)) {
        let mut violations = crate::validation::Violations::new();
        crate::rules::phone_number(&mut violations, "", text);
        let reason = violations
            .into_result()
            .err()
            .and_then(|errors| errors.iter().next().map(|v| v.reason().to_owned()))
            .unwrap_or_else(|| format!("{bad:?} is not part of a phone number"));
        return Err(PhoneError::NotANumber(reason));
    }
    let request_code = match request {
        Some(code) => Some(calling_code(code)?),
        None => None,
    };
    let region = match read_as {
        Some(code) => Some(region_of(calling_code(code)?)?),
        None => None,
    };
    let international = text.starts_with('+') || text.starts_with("00");
    if region.is_none() && !international {
        return Err(PhoneError::NoCountry(shown()));
    }
    // A number written with `+` carries its country, and is read without a default region:
    // the `phonenumber` crate applies the default region's national prefix to it otherwise
    // (with US as default, `+86 138…` loses the `1` of `138`).
    let default_region = if text.starts_with('+') {
        None
    } else {
        region.as_ref().map(|(id, _)| *id)
    };
    let number =
        phonenumber::parse(default_region, text).map_err(|error| PhoneError::Unreadable {
            written: shown(),
            reason: error.to_string(),
        })?;
    if !validity::is_valid(&number) {
        let region_name = region
            .as_ref()
            .map(|(id, _)| id.as_ref().to_owned())
            .unwrap_or_else(|| region_label(number.code().value()));
        if !international && let Some(error) = lost_prefix(text, region) {
            return Err(error);
        }
        return Err(PhoneError::NotValid {
            written: shown(),
            region: region_name,
        });
    }
    Ok(sendable(&number, request_code))
}

impl Contact {
    /// This contact with its phone number normalized (see [`normalize_phone`]); the
    /// caller decides whether to send the result, and can compare the numbers to show the
    /// rewrite. `validate()` never rewrites.
    pub fn normalized(mut self, country_code: Option<&str>) -> Result<Self, PhoneError> {
        self.phone_number = normalize_phone(&self.phone_number, country_code)?.digits;
        Ok(self)
    }
}

/// The digits to send: national when the number is of the request's country.
fn sendable(number: &PhoneNumber, request_code: Option<u16>) -> NormalizedPhone {
    let code = number.code().value();
    // E.164 is `+`, the code and the national significant number (with the leading zeros
    // some countries keep); written out here, since the crate's formatter costs more than
    // parsing and validating together.
    let national = number.national();
    let mut digits = String::with_capacity(20);
    if request_code != Some(code) {
        digits.push('+');
        digits.push_str(&code.to_string());
    }
    for _ in 0..national.zeros() {
        digits.push('0');
    }
    digits.push_str(&national.value().to_string());
    NormalizedPhone {
        digits,
        country_code: Some(code),
        region: number.country().id().map(|id| id.as_ref().to_owned()),
    }
}

/// Digits and what people put between them: `+86 (21) 5555-1234`, `021.5555.1234`.
fn is_written_number_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}')
}

/// Whether `text` is digits only (the form the plain rule checks).
fn bare_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// `in CN`, or `without a country code`.
fn read_in(region: Option<&str>) -> String {
    region.map_or_else(
        || "without a country code".to_owned(),
        |region| format!("in {region}"),
    )
}

/// For digits a spreadsheet held as a number cell: refused when they are no valid number
/// as they stand (read by `country_code`, if any) but are one with a leading `+` or `0`,
/// which a number cell cannot keep. Other problems are left to [`normalize_phone`].
pub fn check_number_cell(digits: &str, country_code: Option<&str>) -> Result<(), PhoneError> {
    let region = match country_code {
        Some(code) => Some(region_of(calling_code(code)?)?),
        None => None,
    };
    if let Some((id, _)) = region {
        let valid = phonenumber::parse(Some(id), digits)
            .map(|number| validity::is_valid(&number))
            .unwrap_or(false);
        if valid {
            return Ok(());
        }
    }
    lost_prefix(digits, region).map_or(Ok(()), Err)
}

/// A number a spreadsheet stripped: digits that are valid with a leading `+`, or with a
/// leading `0` in `region`, the one they were read in.
fn lost_prefix(text: &str, region: Option<Region>) -> Option<PhoneError> {
    if !bare_digits(text) {
        return None;
    }
    let region_name = region.as_ref().map(|(id, _)| id.as_ref());
    let with_plus = format!("+{text}");
    if let Ok(number) = phonenumber::parse(None, &with_plus)
        && validity::is_valid(&number)
    {
        return Some(PhoneError::LostPrefix {
            written: text.to_owned(),
            region: read_in(region_name),
            fixed: number.format().mode(Mode::International).to_string(),
            lost: '+',
        });
    }
    let (id, _) = region?;
    let with_zero = format!("0{text}");
    let number = phonenumber::parse(Some(id), &with_zero).ok()?;
    // Only a zero that is part of the number matters: a national prefix is optional.
    (validity::is_valid(&number) && number.national().zeros() > 0).then(|| PhoneError::LostPrefix {
        written: text.to_owned(),
        region: read_in(region_name),
        fixed: with_zero,
        lost: '0',
    })
}

/// `"86"` as a calling code.
fn calling_code(code: &str) -> Result<u16, PhoneError> {
    code.trim()
        .parse::<u16>()
        .ok()
        .filter(|code| phonenumber::metadata::DATABASE.region(code).is_some())
        .ok_or_else(|| PhoneError::UnknownCountryCode(excerpt(code).to_string()))
}

/// A region, and the calling code it was found by.
type Region = (phonenumber::country::Id, u16);

/// The main region of a calling code (`86` -> CN, `1` -> US).
fn region_of(code: u16) -> Result<Region, PhoneError> {
    phonenumber::metadata::DATABASE
        .region(&code)
        .and_then(|regions| regions.first().and_then(|id| id.parse().ok()))
        .map(|id| (id, code))
        .ok_or_else(|| PhoneError::UnknownCountryCode(code.to_string()))
}

/// `CN`, or `+800` for a code without a region.
fn region_label(code: u16) -> String {
    match region_of(code) {
        Ok((id, _)) => id.as_ref().to_owned(),
        Err(_) => format!("+{code}"),
    }
}

impl fmt::Display for NormalizedPhone {
    /// `13800000001, countryCode 86`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)?;
        match self.country_code {
            Some(code) => write!(f, ", countryCode {code}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(written: &str, country: &str) -> String {
        normalize_phone(written, Some(country))
            .unwrap_or_else(|error| panic!("{written} in {country}: {error}"))
            .digits
    }

    #[test]
    fn written_forms_become_the_digits_the_api_takes() {
        assert_eq!(sent("+86 138 0000 0001", "86"), "13800000001");
        assert_eq!(sent("138-0000-0001", "86"), "13800000001");
        assert_eq!(sent("(021) 5555 1234", "86"), "2155551234");
        assert_eq!(sent("+62 812-3456-7890", "62"), "81234567890");
        assert_eq!(sent("+62 812-3456-7890", "86"), "+6281234567890");
        let phone = normalize_phone("+86 138 0000 0001", Some("86")).expect("valid");
        assert_eq!(phone.to_string(), "13800000001, countryCode 86");
        assert_eq!(phone.region.as_deref(), Some("CN"));
    }

    #[test]
    fn invalid_and_mangled_numbers_are_refused_with_the_reason() {
        let error = |written, country| normalize_phone(written, country).expect_err(written);
        assert!(matches!(
            error("1.38E+10", Some("86")),
            PhoneError::SpreadsheetNumber(_)
        ));
        let refused = error("1380000001", Some("86")).to_string();
        assert!(
            refused.starts_with(
                "Illegal phone number format: \"1380000001\" is not a valid CN number"
            ),
            "{refused}"
        );
        match error("6281234567890", Some("86")) {
            PhoneError::LostPrefix { lost, fixed, .. } => {
                assert_eq!(lost, '+');
                assert_eq!(fixed, "+62 812-3456-7890");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            error("138 0000 0001", None),
            PhoneError::NoCountry(_)
        ));
        assert!(matches!(
            error("13800000001", Some("999")),
            PhoneError::UnknownCountryCode(_)
        ));
        assert_eq!(
            normalize_phone("13800000001", None)
                .expect("bare digits pass")
                .digits,
            "13800000001"
        );
    }

    #[test]
    fn number_cells_that_lost_a_prefix_are_named() {
        assert_eq!(check_number_cell("13800000001", Some("86")), Ok(()));
        let lost = check_number_cell("8613800000001", None).expect_err("lost +");
        assert!(
            lost.to_string()
                .starts_with("8613800000001 is not a valid number without a country code, but +86 138 0000 0001 is"),
            "{lost}"
        );
        let lost = check_number_cell("6281234567890", Some("86")).expect_err("lost +");
        assert!(
            lost.to_string().contains("not a valid number in CN"),
            "{lost}"
        );
    }

    #[test]
    fn a_contact_is_normalized_only_when_asked() {
        let contact = Contact::new("c-1", "Lucy", "+86 138 0000 0001");
        assert!(contact.validate().is_err(), "validate() never rewrites");
        let contact = contact.normalized(Some("86")).expect("valid");
        assert_eq!(contact.phone_number, "13800000001");
        assert!(contact.validate().is_ok());
    }
}
