//! Reading server values whose JSON type is not guaranteed: the OAS types come from a
//! Swagger export, Java gateways often print `Long` as a string, and the official task/list
//! example sends `""` for unused numbers. A field read here accepts every spelling of its
//! value that cannot be confused with another value, and `null` or `""` as "absent".

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{Error, Unexpected, Visitor};
use serde_json::{Map, Value};

use crate::status::TaskStatus;

/// An integer given as a JSON integer, an integral float (`3.0`) or a string of digits;
/// `null`, `""` and whitespace read as `None`. Values that do not fit `T` are errors.
pub(crate) fn int<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i128>,
{
    deserializer.deserialize_any(IntegerVisitor(PhantomData))
}

/// Like [`int`], with absence read as zero.
pub(crate) fn int_or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i128> + Default,
{
    int(deserializer).map(Option::unwrap_or_default)
}

/// A task status read through [`int`], so `"3"` is status 3 and unknown codes are kept.
pub(crate) fn status<'de, D>(deserializer: D) -> Result<Option<TaskStatus>, D::Error>
where
    D: Deserializer<'de>,
{
    int::<D, i64>(deserializer).map(|code| code.map(TaskStatus::from_i64))
}

/// Text that may arrive as a number or boolean (a rate as `45.5`, a SIP code as `200`):
/// those become their JSON spelling. `null` reads as `None`; `""` stays `Some("")`, since
/// for free text an empty string is a value the server chose to send.
pub(crate) fn text<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_any(StringVisitor)
}

/// A finite number given as a JSON number or a numeric string; `null` and `""` read as
/// `None`. Non-finite strings (`"NaN"`, `"inf"`) are errors: JSON cannot carry them back.
pub(crate) fn float<'de, D>(deserializer: D) -> Result<Option<f64>, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_any(FloatVisitor)
}

/// Removes `key` from a catch-all map and reads it through [`int`]; for items whose
/// fields have several possible names and so are read by hand.
pub(crate) fn take_int<T: TryFrom<i128>>(
    map: &mut Map<String, Value>,
    key: &str,
) -> Result<Option<T>, serde_json::Error> {
    map.remove(key).map_or(Ok(None), int)
}

/// Reads the first of `keys` that holds a value through [`text`], removing it (and any
/// `null`s before it) from the map; the other spellings stay there, so nothing is lost.
pub(crate) fn take_text(
    map: &mut Map<String, Value>,
    keys: &[&str],
) -> Result<Option<String>, serde_json::Error> {
    for key in keys {
        if let Some(value) = map.remove(*key)
            && let Some(found) = text(value)?
        {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

struct IntegerVisitor<T>(PhantomData<T>);

impl<T: TryFrom<i128>> IntegerVisitor<T> {
    fn fit<E: Error>(value: i128) -> Result<Option<T>, E> {
        T::try_from(value)
            .map(Some)
            .map_err(|_| E::custom(format_args!("integer {value} is out of range")))
    }
}

impl<'de, T: TryFrom<i128>> Visitor<'de> for IntegerVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, a string of digits, or null")
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<Self::Value, E> {
        Self::fit(i128::from(value))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<Self::Value, E> {
        Self::fit(i128::from(value))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<Self::Value, E> {
        // Beyond 2^63 a float no longer names one integer, so it is not accepted as one.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if value.is_finite() && value.trunc() == value && value.abs() < LIMIT {
            // Exact: the value is integral and well inside i128.
            Self::fit(value as i128)
        } else {
            Err(E::invalid_value(Unexpected::Float(value), &self))
        }
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Self::Value, E> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        match trimmed.parse::<i128>() {
            Ok(number) => Self::fit(number),
            Err(_) => Err(E::invalid_value(Unexpected::Str(value), &self)),
        }
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        inner.deserialize_any(self)
    }
}

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, a number, a boolean, or null")
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Some(value.to_owned()))
    }

    fn visit_string<E: Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<Self::Value, E> {
        // serde_json's spelling, so `45.0` stays "45.0" rather than Rust's "45".
        Ok(Some(match serde_json::Number::from_f64(value) {
            Some(number) => number.to_string(),
            None => value.to_string(),
        }))
    }

    fn visit_bool<E: Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        inner.deserialize_any(self)
    }
}

struct FloatVisitor;

impl<'de> Visitor<'de> for FloatVisitor {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, a numeric string, or null")
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value as f64))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(value as f64))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Self::Value, E> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        match trimmed.parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(Some(number)),
            _ => Err(E::invalid_value(Unexpected::Str(value), &self)),
        }
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        inner.deserialize_any(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Doc {
        #[serde(default, deserialize_with = "int")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "int")]
        count: Option<u32>,
        #[serde(default, deserialize_with = "text")]
        s: Option<String>,
        #[serde(default, deserialize_with = "float")]
        f: Option<f64>,
        #[serde(default, deserialize_with = "status")]
        status: Option<TaskStatus>,
    }

    fn read(json: &str) -> Result<Doc, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn integers_accept_numbers_digit_strings_and_absence() {
        for (json, want) in [
            (r#"{"n": 42}"#, Some(42)),
            (r#"{"n": -7}"#, Some(-7)),
            (r#"{"n": "42"}"#, Some(42)),
            (r#"{"n": " -3 "}"#, Some(-3)),
            (r#"{"n": 3.0}"#, Some(3)),
            (r#"{"n": ""}"#, None),
            (r#"{"n": null}"#, None),
            ("{}", None),
        ] {
            assert_eq!(read(json).expect(json).n, want, "{json}");
        }
    }

    #[test]
    fn integers_fit_the_field_type() {
        assert_eq!(read(r#"{"count": "7"}"#).expect("count").count, Some(7));
        assert_eq!(
            read(r#"{"count": 4294967295}"#).expect("max").count,
            Some(u32::MAX)
        );
    }

    #[test]
    fn integers_reject_what_is_not_one_integer() {
        for json in [
            r#"{"n": 3.5}"#,
            r#"{"n": "abc"}"#,
            r#"{"n": true}"#,
            r#"{"n": [1]}"#,
            r#"{"n": 1e300}"#,
            r#"{"n": 18446744073709551615}"#,
            r#"{"count": -1}"#,
            r#"{"count": 4294967296}"#,
        ] {
            assert!(read(json).is_err(), "{json}");
        }
    }

    #[test]
    fn strings_accept_numbers_and_keep_empty_text() {
        for (json, want) in [
            (r#"{"s": "45.00%"}"#, Some("45.00%")),
            (r#"{"s": 45.5}"#, Some("45.5")),
            (r#"{"s": 45.0}"#, Some("45.0")),
            (r#"{"s": 200}"#, Some("200")),
            (r#"{"s": false}"#, Some("false")),
            (r#"{"s": ""}"#, Some("")),
            (r#"{"s": null}"#, None),
        ] {
            assert_eq!(read(json).expect(json).s.as_deref(), want, "{json}");
        }
        assert!(read(r#"{"s": {}}"#).is_err());
    }

    #[test]
    fn taking_from_a_map_prefers_the_first_spelling_and_keeps_the_rest() {
        let mut map: Map<String, Value> = serde_json::from_str(
            r#"{"autoFlowName": null, "flowName": "A", "name": "B", "id": "7"}"#,
        )
        .expect("map");
        let name = take_text(&mut map, &["autoFlowName", "flowName", "name"]).expect("name");
        assert_eq!(name.as_deref(), Some("A"));
        assert_eq!(take_int::<i64>(&mut map, "id").expect("id"), Some(7));
        assert_eq!(take_int::<i64>(&mut map, "absent").expect("absent"), None);
        assert_eq!(map.len(), 1);
        assert_eq!(map.get("name"), Some(&Value::from("B")));
        map.insert("bad".into(), Value::Bool(true));
        assert!(take_int::<i64>(&mut map, "bad").is_err());
    }

    #[test]
    fn floats_and_statuses_are_lenient_too() {
        assert_eq!(read(r#"{"f": 50}"#).expect("int").f, Some(50.0));
        assert_eq!(read(r#"{"f": "12.5"}"#).expect("str").f, Some(12.5));
        assert_eq!(read(r#"{"f": ""}"#).expect("blank").f, None);
        assert!(read(r#"{"f": "NaN"}"#).is_err());
        assert_eq!(
            read(r#"{"status": "3"}"#).expect("str").status,
            Some(TaskStatus::Completed)
        );
        assert_eq!(
            read(r#"{"status": 9}"#).expect("unknown").status,
            Some(TaskStatus::Unknown(9))
        );
    }
}
