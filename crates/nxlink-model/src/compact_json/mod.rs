//! The request bodies' JSON writer: byte for byte what `serde_json::to_writer` writes
//! (compact, the same escapes, the same numbers), with strings scanned eight bytes at a time.
//!
//! Profiled, serde_json's escaping loop (one table lookup per byte) was 70 % of serializing
//! a task/create and a third of the serializing thread's time on a 10 000-contact body.
//! Request text is almost never escaped, so a word-at-a-time test that none of eight bytes
//! needs it skips most of that work. Everything but strings and map keys is delegated to
//! serde_json itself, so numbers cannot drift.

mod escape;
mod map_key;
#[cfg(test)]
mod tests;

use std::io;

use serde::ser::{self, Serialize};
use serde_json::Error;

use escape::write_escaped;
use map_key::MapKey;

/// The struct names serde_json gives a number kept as its text (`arbitrary_precision`, which
/// any crate in a program may turn on) and a `RawValue`: their one field is JSON text, written
/// as it is, as serde_json does. Written as structs, a contact variable holding a number
/// would silently become an object.
const RAW_JSON_STRUCTS: [&str; 2] = [
    "$serde_json::private::Number",
    "$serde_json::private::RawValue",
];

/// Writes `value` as compact JSON into `writer`, exactly as `serde_json::to_writer` would,
/// in pieces of about 8 KiB (no `BufWriter` needed).
pub(crate) fn write_json<W: io::Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> Result<(), Error> {
    let mut staging = Vec::with_capacity(STAGING + 512);
    let mut json = CompactJson {
        buf: &mut staging,
        drain: WriteOut(writer),
    };
    value.serialize(&mut json)?;
    json.drain.0.write_all(json.buf).map_err(Error::io)
}

/// Appends `value` as compact JSON to `out`: [`write_json`] without the staging copy.
pub(crate) fn append_json<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
) -> Result<(), Error> {
    value.serialize(&mut CompactJson {
        buf: out,
        drain: KeepAll,
    })
}

/// How full the staging buffer of [`write_json`] gets before it is written out.
const STAGING: usize = 8 * 1024;

/// Where the bytes of a [`CompactJson`] go once its buffer is full. Writing into a `Vec`
/// first makes each of the many small pieces of a body a plain copy, not an `io::Write`
/// call with its error path.
trait Drain {
    fn drain_if_full(&mut self, buf: &mut Vec<u8>) -> io::Result<()>;
}

/// The buffer is the output: nothing is drained.
struct KeepAll;

impl Drain for KeepAll {
    fn drain_if_full(&mut self, _buf: &mut Vec<u8>) -> io::Result<()> {
        Ok(())
    }
}

/// A full buffer is written to the writer and emptied.
struct WriteOut<W>(W);

impl<W: io::Write> Drain for WriteOut<W> {
    fn drain_if_full(&mut self, buf: &mut Vec<u8>) -> io::Result<()> {
        if buf.len() >= STAGING {
            self.0.write_all(buf)?;
            buf.clear();
        }
        Ok(())
    }
}

/// The serializer behind [`write_json`] and [`append_json`].
struct CompactJson<'b, D> {
    buf: &'b mut Vec<u8>,
    drain: D,
}

impl<D: Drain> CompactJson<'_, D> {
    fn raw(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    /// A scalar written by serde_json's own serializer (numbers, `null`, booleans).
    fn delegate<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        serde_json::to_writer(&mut *self.buf, value)?;
        self.drain.drain_if_full(self.buf).map_err(Error::io)
    }

    fn string(&mut self, text: &str) -> Result<(), Error> {
        self.buf.push(b'"');
        write_escaped(self.buf, text);
        self.buf.push(b'"');
        self.drain.drain_if_full(self.buf).map_err(Error::io)
    }

    fn open_variant(&mut self, variant: &str) -> Result<(), Error> {
        self.raw(b"{")?;
        self.string(variant)?;
        self.raw(b":")
    }
}

/// An array, object or variant being written: whether a comma comes before the next item,
/// and how many braces close it.
struct Compound<'a, 'b, D> {
    json: &'a mut CompactJson<'b, D>,
    first: bool,
    closing: &'static [u8],
    /// One of [`RAW_JSON_STRUCTS`]: its field is written as raw JSON text.
    raw: bool,
}

impl<D: Drain> Compound<'_, '_, D> {
    fn separate(&mut self) -> Result<(), Error> {
        if self.first {
            self.first = false;
            Ok(())
        } else {
            self.json.raw(b",")
        }
    }

    /// `,"key":value`: the separator and the quotes around the key in two writes, since a
    /// body has a key for every value.
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        if self.raw {
            return match value.serialize(serde_json::value::Serializer)? {
                serde_json::Value::String(text) => self.json.raw(text.as_bytes()),
                _ => Err(ser::Error::custom("raw JSON text must be a string")),
            };
        }
        let open: &[u8] = if self.first { b"\"" } else { b",\"" };
        self.first = false;
        self.json.raw(open)?;
        write_escaped(self.json.buf, key);
        self.json.raw(b"\":")?;
        value.serialize(&mut *self.json)
    }

    fn finish(self) -> Result<(), Error> {
        self.json.raw(self.closing)
    }
}

impl<'a, 'b, D: Drain> CompactJson<'b, D> {
    fn compound(
        &'a mut self,
        open: &[u8],
        closing: &'static [u8],
    ) -> Result<Compound<'a, 'b, D>, Error> {
        self.raw(open)?;
        Ok(Compound {
            json: self,
            first: true,
            closing,
            raw: false,
        })
    }
}

macro_rules! delegate_scalars {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(fn $method(self, value: $ty) -> Result<(), Error> {
            self.delegate(&value)
        })*
    };
}

impl<'a, 'b, D: Drain> ser::Serializer for &'a mut CompactJson<'b, D> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, 'b, D>;
    type SerializeTuple = Compound<'a, 'b, D>;
    type SerializeTupleStruct = Compound<'a, 'b, D>;
    type SerializeTupleVariant = Compound<'a, 'b, D>;
    type SerializeMap = Compound<'a, 'b, D>;
    type SerializeStruct = Compound<'a, 'b, D>;
    type SerializeStructVariant = Compound<'a, 'b, D>;

    delegate_scalars! {
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64, serialize_bytes: &[u8],
    }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.string(value.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.string(value)
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.raw(b"null")
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.raw(b"null")
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.raw(b"null")
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant)
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
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.open_variant(variant)?;
        value.serialize(&mut *self)?;
        self.raw(b"}")
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, 'b, D>, Error> {
        self.compound(b"[", b"]")
    }

    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a, 'b, D>, Error> {
        self.compound(b"[", b"]")
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'b, D>, Error> {
        self.compound(b"[", b"]")
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'b, D>, Error> {
        self.open_variant(variant)?;
        self.compound(b"[", b"]}")
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, 'b, D>, Error> {
        self.compound(b"{", b"}")
    }

    fn serialize_struct(
        self,
        name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'b, D>, Error> {
        if RAW_JSON_STRUCTS.contains(&name) {
            let mut raw = self.compound(b"", b"")?;
            raw.raw = true;
            return Ok(raw);
        }
        self.compound(b"{", b"}")
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'b, D>, Error> {
        self.open_variant(variant)?;
        self.compound(b"{", b"}}")
    }
}

impl<D: Drain> ser::SerializeSeq for Compound<'_, '_, D> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.separate()?;
        value.serialize(&mut *self.json)
    }

    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

macro_rules! as_seq {
    ($($trait:ident :: $method:ident),*) => {
        $(impl<D: Drain> ser::$trait for Compound<'_, '_, D> {
            type Ok = ();
            type Error = Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                ser::SerializeSeq::serialize_element(self, value)
            }

            fn end(self) -> Result<(), Error> {
                self.finish()
            }
        })*
    };
}

as_seq!(
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl<D: Drain> ser::SerializeMap for Compound<'_, '_, D> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.separate()?;
        key.serialize(MapKey {
            json: &mut *self.json,
        })?;
        self.json.raw(b":")
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.json)
    }

    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

macro_rules! as_struct {
    ($($trait:ident),*) => {
        $(impl<D: Drain> ser::$trait for Compound<'_, '_, D> {
            type Ok = ();
            type Error = Error;

            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(key, value)
            }

            fn end(self) -> Result<(), Error> {
                self.finish()
            }
        })*
    };
}

as_struct!(SerializeStruct, SerializeStructVariant);
