//! Map keys as serde_json writes them.

use serde::ser::{self, Impossible, Serialize};
use serde_json::Error;

use super::{CompactJson, Drain};

/// A map key, as serde_json writes one: a string as itself; a number or boolean in quotes;
/// anything else refused.
pub(super) struct MapKey<'a, 'b, D> {
    pub(super) json: &'a mut CompactJson<'b, D>,
}

impl<D: Drain> MapKey<'_, '_, D> {
    fn quoted<T: Serialize>(self, value: T) -> Result<(), Error> {
        self.json.raw(b"\"")?;
        self.json.delegate(&value)?;
        self.json.raw(b"\"")
    }
}

macro_rules! quoted_keys {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, value: $ty) -> Result<(), Error> {
            self.quoted(value)
        })*
    };
}

macro_rules! refused_keys {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, _value: $ty) -> Result<(), Error> {
            Err(key_must_be_a_string())
        })*
    };
}

fn key_must_be_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

fn non_finite_key() -> Error {
    ser::Error::custom("float key must be finite (got NaN or +/-inf)")
}

impl<D: Drain> ser::Serializer for MapKey<'_, '_, D> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    quoted_keys! {
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128
    }
    refused_keys! { serialize_bytes: &[u8] }

    fn serialize_f32(self, value: f32) -> Result<(), Error> {
        if value.is_finite() {
            self.quoted(value)
        } else {
            Err(non_finite_key())
        }
    }

    fn serialize_f64(self, value: f64) -> Result<(), Error> {
        if value.is_finite() {
            self.quoted(value)
        } else {
            Err(non_finite_key())
        }
    }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.json.serialize_char(value)
    }

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.json.string(value)
    }

    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.json.string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }
}
