//! `write_json` writes exactly the bytes `serde_json::to_writer` writes, for arbitrary JSON
//! documents (strings full of characters that must be escaped, at every offset of the
//! eight-byte scan) and for each shape serde has. The request types are checked through the
//! public `write_body` in `tests/compact_json.rs`.

use std::collections::BTreeMap;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::write_json;

fn ours<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    write_json(&mut out, value).map_err(|error| error.to_string())?;
    Ok(out)
}

fn serde_jsons<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, String> {
    serde_json::to_vec(value).map_err(|error| error.to_string())
}

fn same_bytes<T: Serialize + ?Sized>(value: &T) -> Result<(), TestCaseError> {
    let (ours, theirs) = (ours(value), serde_jsons(value));
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => prop_assert_eq!(String::from_utf8_lossy(a), String::from_utf8_lossy(b)),
        (Err(_), Err(_)) => {}
        _ => prop_assert!(
            false,
            "one failed, the other did not: {ours:?} vs {theirs:?}"
        ),
    }
    Ok(())
}

/// Text where escapes are common: control characters, quotes, backslashes, DEL, multi-byte
/// characters, mixed with plain runs long enough to cross the eight-byte steps.
fn escape_heavy() -> BoxedStrategy<String> {
    let piece = prop_oneof![
        "[\\x00-\\x1f]",
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("\u{7f}".to_owned()),
        "[a-zA-Z0-9 ]{0,17}",
        "[\u{80}-\u{10ffff}]{1,3}",
    ];
    vec(piece, 0..12).prop_map(|pieces| pieces.concat()).boxed()
}

fn document() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        escape_heavy().prop_map(Value::String),
        any::<String>().prop_map(Value::String),
        any::<f64>().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            btree_map(escape_heavy(), inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
    .boxed()
}

proptest! {
    #[test]
    fn documents(document in document()) {
        same_bytes(&document)?;
    }

    #[test]
    fn strings(text in escape_heavy()) {
        same_bytes(&text)?;
    }

    #[test]
    fn map_keys(ints in btree_map(any::<i64>(), any::<u8>(), 0..4),
                bools in btree_map(any::<bool>(), any::<u8>(), 0..3),
                chars in btree_map(any::<char>(), any::<u8>(), 0..4)) {
        same_bytes(&ints)?;
        same_bytes(&bools)?;
        same_bytes(&chars)?;
    }
}

#[derive(Serialize)]
struct Unit;

#[derive(Serialize)]
struct Newtype(u32);

#[derive(Serialize)]
struct Pair(i8, &'static str);

#[derive(Serialize)]
enum Shape {
    Plain,
    Wrapped(u8),
    Tuple(u8, char),
    Record { side: f32, name: &'static str },
}

#[derive(Serialize)]
struct Everything<'a> {
    unit: Unit,
    newtype: Newtype,
    pair: Pair,
    shapes: [Shape; 4],
    bytes: &'a serde_bytes_like::Bytes,
    none: Option<u8>,
    some: Option<&'a str>,
    wide: (u128, i128),
    floats: (f32, f64, f64),
    float_keys: BTreeMap<String, f64>,
    empty: (Vec<u8>, BTreeMap<String, u8>),
}

/// A byte string that serializes through `serialize_bytes`, as `serde_bytes` does.
mod serde_bytes_like {
    use serde::{Serialize, Serializer};

    pub(crate) struct Bytes(pub(crate) &'static [u8]);

    impl Serialize for Bytes {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(self.0)
        }
    }
}

#[test]
fn every_shape_serde_has() {
    let everything = Everything {
        unit: Unit,
        newtype: Newtype(7),
        pair: Pair(-3, "p\u{1}"),
        shapes: [
            Shape::Plain,
            Shape::Wrapped(1),
            Shape::Tuple(2, '"'),
            Shape::Record {
                side: 0.1,
                name: "\\",
            },
        ],
        bytes: &serde_bytes_like::Bytes(b"\x00\xff"),
        none: None,
        some: Some("\u{2028}\t"),
        wide: (u128::MAX, i128::MIN),
        floats: (f32::MIN_POSITIVE, 1e300, f64::NAN),
        float_keys: BTreeMap::from([("k".to_owned(), -0.0)]),
        empty: (Vec::new(), BTreeMap::new()),
    };
    assert_eq!(ours(&everything), serde_jsons(&everything));
}

#[test]
fn refused_keys_are_refused_by_both() {
    let float_keys = BTreeMap::from([(OrderedKey(f64::NAN), 1u8)]);
    assert!(ours(&float_keys).is_err());
    assert!(serde_jsons(&float_keys).is_err());
    let unit_keys = BTreeMap::from([((), 1u8)]);
    assert!(ours(&unit_keys).is_err());
    assert!(serde_jsons(&unit_keys).is_err());
    let finite = BTreeMap::from([(OrderedKey(2.5), 1u8)]);
    assert_eq!(ours(&finite), serde_jsons(&finite));
}

/// An `f64` map key (`f64` is not `Ord`, so a `BTreeMap` needs a wrapper).
struct OrderedKey(f64);

impl PartialEq for OrderedKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for OrderedKey {}

impl PartialOrd for OrderedKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Serialize for OrderedKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.0)
    }
}

/// What serde_json makes of a number under `arbitrary_precision` (on for the whole program
/// when any crate asks for it): a struct with this name whose one field holds the digits.
struct NumberAsText(&'static str);

impl Serialize for NumberAsText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut number = serializer.serialize_struct("$serde_json::private::Number", 1)?;
        number.serialize_field("$serde_json::private::Number", self.0)?;
        number.end()
    }
}

#[test]
fn a_number_kept_as_text_is_written_as_a_number() {
    let variables = BTreeMap::from([("amount", NumberAsText("12345678901234567890.5"))]);
    assert_eq!(
        ours(&variables).map(String::from_utf8),
        Ok(Ok(r#"{"amount":12345678901234567890.5}"#.to_owned()))
    );
    assert_eq!(
        ours(&[NumberAsText("-1"), NumberAsText("2e3")]).map(String::from_utf8),
        Ok(Ok("[-1,2e3]".to_owned()))
    );
}
