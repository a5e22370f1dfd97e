//! The trait impls week-day and hour sets share: canonical `Display`, strict `FromStr`,
//! string serde and a readable `Debug`.

/// Implements the shared behaviour for a `pub struct $set(u32-compatible bits)` whose
/// members lie in `$min..=$max`.
macro_rules! list_set_impls {
    ($set:ident, $min:expr, $max:expr, $expecting:literal) => {
        impl $set {
            /// True when `value` is a member.
            pub fn contains(self, value: u8) -> bool {
                (($min)..=($max)).contains(&value) && self.bits() & (1u32 << value) != 0
            }

            /// The members in ascending order.
            pub const fn iter(self) -> $crate::window::SetIter {
                $crate::window::SetIter::new(self.bits())
            }

            /// Number of members.
            pub const fn len(self) -> usize {
                self.0.count_ones() as usize
            }

            /// True when the set has no member.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// Adds `value`, or reports that it is out of range.
            pub fn insert(&mut self, value: u8) -> Result<(), $crate::window::WindowError> {
                if (($min)..=($max)).contains(&value) {
                    self.0 |= 1 << value;
                    Ok(())
                } else {
                    Err($crate::window::WindowError::OutOfRange {
                        value,
                        min: $min,
                        max: $max,
                    })
                }
            }

            /// Members of either set.
            #[must_use]
            pub const fn union(self, other: Self) -> Self {
                Self(self.0 | other.0)
            }

            /// Members of both sets.
            #[must_use]
            pub const fn intersection(self, other: Self) -> Self {
                Self(self.0 & other.0)
            }

            fn collect_checked(
                values: impl IntoIterator<Item = u8>,
            ) -> Result<Self, $crate::window::WindowError> {
                let mut set = Self::EMPTY;
                for value in values {
                    set.insert(value)?;
                }
                Ok(set)
            }
        }

        impl ::std::fmt::Display for $set {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::window::list::write_list(self.bits(), f)
            }
        }

        impl ::std::fmt::Debug for $set {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}(\"{}\")", stringify!($set), self)
            }
        }

        impl ::std::str::FromStr for $set {
            type Err = $crate::window::WindowError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let bits = $crate::window::list::parse_list(text, $min, $max)?;
                Ok(Self::from_bits(bits))
            }
        }

        impl<'a> IntoIterator for &'a $set {
            type Item = u8;
            type IntoIter = $crate::window::SetIter;

            fn into_iter(self) -> Self::IntoIter {
                self.iter()
            }
        }

        impl IntoIterator for $set {
            type Item = u8;
            type IntoIter = $crate::window::SetIter;

            fn into_iter(self) -> Self::IntoIter {
                self.iter()
            }
        }

        impl ::serde::Serialize for $set {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut buffer = [0; $crate::window::list::LIST_TEXT_MAX];
                serializer.serialize_str($crate::window::list::list_text(self.bits(), &mut buffer))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $set {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                struct Visitor;

                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = $set;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_str<E: ::serde::de::Error>(self, text: &str) -> Result<$set, E> {
                        text.parse().map_err(E::custom)
                    }
                }

                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

pub(super) use list_set_impls;
