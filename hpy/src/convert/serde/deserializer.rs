//! Python to Rust: the deserializer behind `from_object` and `Serde<T>`.

use ::serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use hpy_sys::HPyConstant;

use super::error::{Error, Result, Step};
use crate::runtime::depth;
use crate::{Abc, FromHPy, HPyErr, HPyResult, Handle, Type};

/// The deserializer: reads one borrowed object.
pub(super) struct De<'h, 'ctx> {
    pub(super) obj: &'h Handle<'ctx>,
}

impl<'ctx> De<'_, 'ctx> {
    /// An integer of type `T`, with our own messages.
    fn int<T>(&self, name: &'static str) -> Result<T>
    where
        T: for<'b> FromHPy<'b, 'ctx>,
    {
        if self.is_bool() {
            return Err(Error::wrong_type(name, self.obj));
        }
        if !self.obj.type_check_constant(HPyConstant::LongType)?
            && !self.obj.has_attr_s("__index__")?
        {
            return Err(Error::wrong_type(name, self.obj));
        }
        self.obj.extract::<T>().map_err(|e| match e.describe() {
            Some((HPyConstant::OverflowError, _)) => {
                drop(e);
                Error::message(
                    HPyConstant::OverflowError,
                    format!("int out of range for {name}"),
                )
            }
            _ => Error::python(e),
        })
    }

    fn is_bool(&self) -> bool {
        self.obj.is_constant(HPyConstant::True) || self.obj.is_constant(HPyConstant::False)
    }

    fn float(&self, name: &'static str) -> Result<f64> {
        let obj = self.obj;
        let is_number = obj.type_check_constant(HPyConstant::FloatType)?
            || (obj.type_check_constant(HPyConstant::LongType)? && !self.is_bool())
            || (!obj.is_str()
                && !self.is_bool()
                && (obj.has_attr_s("__float__")? || obj.has_attr_s("__index__")?));
        if !is_number {
            return Err(Error::wrong_type(name, obj));
        }
        Ok(obj.extract::<f64>()?)
    }

    /// The items of a sequence: `expected` items for a tuple, any number
    /// (and then a `set` or `frozenset` too) otherwise.
    fn sequence<'de, V: Visitor<'de>>(
        &self,
        visitor: V,
        expected: Option<usize>,
    ) -> Result<V::Value> {
        let _level = depth::enter()?;
        let obj = self.obj;
        if obj.is_list() || obj.is_tuple() {
            return items(obj, visitor, expected);
        }
        if !obj.is_str() && Abc::Sequence.is_instance(obj)? {
            return items(obj, visitor, expected);
        }
        if expected.is_none() && is_set(obj)? {
            let list = obj.context().builtin("list")?.call(&[obj])?;
            return items(&list, visitor, None);
        }
        Err(Error::wrong_type("a list or tuple", obj))
    }

    /// The items of a dict, of another mapping or of a dataclass instance's
    /// fields.
    fn mapping<'de, V: Visitor<'de>>(&self, visitor: V, what: &str) -> Result<V::Value> {
        let _level = depth::enter()?;
        let obj = self.obj;
        // A dict's keys (a subclass's too) are read from its storage, not
        // through an overridden `keys()`.
        if let Some(dict) = obj.downcast_ref::<crate::Dict>() {
            return visit_map(obj, dict.keys()?.into_handle(), false, visitor);
        }
        if Abc::Mapping.is_instance(obj)? {
            // Its `__len__` is part of the protocol: one that raises is the
            // error (pythonize's too), even though the keys are counted.
            obj.len()?;
            let keys = obj.call_method0("keys")?;
            let keys = obj.context().builtin("list")?.call(&[&keys])?;
            return visit_map(obj, keys, false, visitor);
        }
        if obj.has_attr_s("__dataclass_fields__")? {
            let fields = obj.get_attr_s("__dataclass_fields__")?;
            let keys = obj.context().builtin("list")?.call(&[&fields])?;
            return visit_map(obj, keys, true, visitor);
        }
        Err(Error::wrong_type(what, obj))
    }

    /// Whether `deserialize_any` reads the object as a sequence: one
    /// neither a `str` nor a bytes-like object.
    fn any_sequence(&self) -> Result<bool> {
        let obj = self.obj;
        if obj.is_str() || obj.is_bytes() {
            return Ok(false);
        }
        let bytearray = obj
            .context()
            .builtin("bytearray")?
            .downcast::<Type>()
            .map_err(HPyErr::from)?;
        Ok(!obj.type_check(&bytearray) && Abc::Sequence.is_instance(obj)?)
    }
}

/// Whether `obj` is a `set` or `frozenset`.
fn is_set(obj: &Handle<'_>) -> HPyResult<bool> {
    let ctx = obj.context();
    for name in ["set", "frozenset"] {
        if obj.type_check(&ctx.builtin(name)?.downcast::<Type>()?) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The items of the sequence `seq`, `expected` of them if given.
fn items<'de, V: Visitor<'de>>(
    seq: &Handle<'_>,
    visitor: V,
    expected: Option<usize>,
) -> Result<V::Value> {
    let len = seq.len()?;
    if let Some(expected) = expected.filter(|&n| n != len) {
        return Err(Error::message(
            HPyConstant::ValueError,
            format!("expected {expected} items, got {len}"),
        ));
    }
    visitor.visit_seq(SeqDe {
        obj: seq,
        index: 0,
        len,
    })
}

/// The items of `obj` whose keys are the list `keys`: each value
/// `obj[key]`, or `obj.key` for a dataclass instance (`attrs`).
fn visit_map<'de, 'ctx, V: Visitor<'de>>(
    obj: &Handle<'ctx>,
    keys: Handle<'ctx>,
    attrs: bool,
    visitor: V,
) -> Result<V::Value> {
    let len = keys.len()?;
    visitor.visit_map(MapDe {
        obj,
        keys,
        attrs,
        index: 0,
        len,
        key: None,
    })
}

macro_rules! de_int {
    ($($method:ident => $visit:ident: $t:ty;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.$visit(self.int::<$t>(stringify!($t))?)
        }
    )*};
}

impl<'de, 'ctx> de::Deserializer<'de> for De<'_, 'ctx> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let obj = self.obj;
        if obj.is_none() {
            visitor.visit_unit()
        } else if obj.is_constant(HPyConstant::True) {
            visitor.visit_bool(true)
        } else if obj.is_constant(HPyConstant::False) {
            visitor.visit_bool(false)
        } else if obj.type_check_constant(HPyConstant::LongType)? {
            if let Ok(v) = obj.extract::<i64>() {
                visitor.visit_i64(v)
            } else if let Ok(v) = obj.extract::<u64>() {
                visitor.visit_u64(v)
            } else if let Ok(v) = obj.extract::<i128>() {
                visitor.visit_i128(v)
            } else {
                visitor.visit_u128(self.int::<u128>("an int of at most 128 bits")?)
            }
        } else if obj.type_check_constant(HPyConstant::FloatType)? {
            visitor.visit_f64(obj.extract::<f64>()?)
        } else if obj.is_str() {
            visitor.visit_str(obj.extract::<&str>()?)
        } else if obj.is_bytes() {
            visitor.visit_bytes(obj.extract::<&[u8]>()?)
        } else if obj.is_list() || obj.is_tuple() {
            self.sequence(visitor, None)
        } else if obj.is_dict() {
            self.mapping(visitor, "dict")
        } else if is_set(obj)? || self.any_sequence()? {
            self.sequence(visitor, None)
        } else if Abc::Mapping.is_instance(obj)? || obj.has_attr_s("__dataclass_fields__")? {
            self.mapping(visitor, "dict")
        } else {
            Err(Error::wrong_type(
                "None, bool, int, float, str, bytes, a sequence or a mapping",
                obj,
            ))
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.obj.is_constant(HPyConstant::True) {
            visitor.visit_bool(true)
        } else if self.obj.is_constant(HPyConstant::False) {
            visitor.visit_bool(false)
        } else {
            Err(Error::wrong_type("bool", self.obj))
        }
    }

    de_int! {
        deserialize_i8 => visit_i8: i8;
        deserialize_i16 => visit_i16: i16;
        deserialize_i32 => visit_i32: i32;
        deserialize_i64 => visit_i64: i64;
        deserialize_i128 => visit_i128: i128;
        deserialize_u8 => visit_u8: u8;
        deserialize_u16 => visit_u16: u16;
        deserialize_u32 => visit_u32: u32;
        deserialize_u64 => visit_u64: u64;
        deserialize_u128 => visit_u128: u128;
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f32(self.float("f32")? as f32)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(self.float("f64")?)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if !self.obj.is_str() {
            return Err(Error::wrong_type("a str of one character", self.obj));
        }
        visitor.visit_char(self.obj.extract::<char>()?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if !self.obj.is_str() {
            return Err(Error::wrong_type("str", self.obj));
        }
        visitor.visit_str(self.obj.extract::<&str>()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.obj.is_bytes() {
            visitor.visit_bytes(self.obj.extract::<&[u8]>()?)
        } else {
            self.sequence(visitor, None)
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.obj.is_none() {
            visitor.visit_none()
        } else {
            // `Option<Box<T>>` inside `T` reads the same object again.
            let _level = depth::enter()?;
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.obj.is_none() {
            visitor.visit_unit()
        } else {
            Err(Error::wrong_type("None", self.obj))
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        let _level = depth::enter()?;
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.sequence(visitor, None)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        self.sequence(visitor, Some(len))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.mapping(visitor, "dict")
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let _ = name;
        self.mapping(visitor, "dict")
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let _level = depth::enter()?;
        if self.obj.is_str() {
            let variant: String = self.obj.extract()?;
            return visitor.visit_enum(variant.into_deserializer());
        }
        if self.obj.is_dict() || Abc::Mapping.is_instance(self.obj)? {
            let len = self.obj.len()?;
            if len != 1 {
                return Err(Error::message(
                    HPyConstant::ValueError,
                    format!("expected a dict of one variant name to its value, got {len} items"),
                ));
            }
            let key = self.obj.call_method0("keys")?.iter()?.next().transpose()?;
            if let Some(key) = key.filter(|key| key.is_str()) {
                let value = self.obj.get_item(&key)?;
                return visitor.visit_enum(EnumDe {
                    variant: key.extract()?,
                    value: &value,
                });
            }
        }
        Err(Error::wrong_type(
            "a variant name (str) or a dict of one variant name to its value",
            self.obj,
        ))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }
}

/// The items of a list or tuple.
pub(super) struct SeqDe<'h, 'ctx> {
    obj: &'h Handle<'ctx>,
    index: usize,
    len: usize,
}

impl<'de> SeqAccess<'de> for SeqDe<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.index >= self.len {
            return Ok(None);
        }
        let i = self.index;
        self.index += 1;
        let item = self.obj.get_item_i(i as isize)?;
        seed.deserialize(De { obj: &item })
            .map(Some)
            .map_err(|e| e.at(Step::Index(i)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.len - self.index)
    }
}

/// The items of a mapping, in the order of its list of keys (`HPyDict_Keys`
/// for an exact dict, `keys()` for another mapping, the fields of a
/// dataclass instance).
pub(super) struct MapDe<'h, 'ctx> {
    obj: &'h Handle<'ctx>,
    keys: Handle<'ctx>,
    /// The values are attributes (a dataclass instance's fields).
    attrs: bool,
    index: usize,
    len: usize,
    /// The key whose value comes next.
    key: Option<Handle<'ctx>>,
}

/// A key as the path of an error shows it: a `str` as it is, anything
/// else as its `repr` (made only when there is an error to report).
fn key_text(key: &Handle<'_>) -> String {
    let text = if key.is_str() {
        key.extract::<String>()
    } else {
        key.repr()
    };
    text.unwrap_or_else(|_| String::from("?"))
}

impl<'de> MapAccess<'de> for MapDe<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.index >= self.len {
            return Ok(None);
        }
        let key = self.keys.get_item_i(self.index as isize)?;
        let result = seed.deserialize(De { obj: &key });
        let key = self.key.insert(key);
        result.map(Some).map_err(|e| e.at(Step::Key(key_text(key))))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let key = match self.key.take() {
            Some(key) => key,
            None => self.keys.get_item_i(self.index as isize)?,
        };
        self.index += 1;
        let value = if self.attrs {
            self.obj.get_attr(&key)?
        } else {
            self.obj.get_item(&key)?
        };
        seed.deserialize(De { obj: &value })
            .map_err(|e| e.at(Step::Key(key_text(&key))))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.len - self.index)
    }
}

/// A `{variant: value}` dict.
pub(super) struct EnumDe<'h, 'ctx> {
    variant: String,
    value: &'h Handle<'ctx>,
}

impl<'de, 'h, 'ctx> de::EnumAccess<'de> for EnumDe<'h, 'ctx> {
    type Error = Error;
    type Variant = VariantDe<'h, 'ctx>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self::Variant)> {
        let name: de::value::StringDeserializer<Error> = self.variant.clone().into_deserializer();
        let value = seed.deserialize(name)?;
        Ok((
            value,
            VariantDe {
                variant: self.variant,
                value: self.value,
            },
        ))
    }
}

/// The value of a `{variant: value}` dict.
pub(super) struct VariantDe<'h, 'ctx> {
    variant: String,
    value: &'h Handle<'ctx>,
}

impl<'de> de::VariantAccess<'de> for VariantDe<'_, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        de::Deserializer::deserialize_unit(De { obj: self.value }, de::IgnoredAny).map(|_| ())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        let variant = self.variant;
        seed.deserialize(De { obj: self.value })
            .map_err(|e| e.at(Step::Key(variant)))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        let variant = self.variant;
        de::Deserializer::deserialize_tuple(De { obj: self.value }, len, visitor)
            .map_err(|e| e.at(Step::Key(variant)))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let variant = self.variant;
        de::Deserializer::deserialize_struct(De { obj: self.value }, "", fields, visitor)
            .map_err(|e| e.at(Step::Key(variant)))
    }
}
