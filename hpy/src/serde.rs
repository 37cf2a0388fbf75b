//! Feature `serde`: any `Serialize` value to Python objects and any
//! `Deserialize` value from them, with the representation `pythonize`
//! uses: a struct or map is a `dict`, a sequence a `list`, a tuple (and a
//! tuple struct) a `tuple`, `None`/`()`/a unit struct `None`, bytes
//! `bytes`; an enum's unit variant is its name (`"Red"`), any other
//! variant a one-item dict `{"Circle": {"r": 1.0}}`.
//!
//! Reading is as lenient as `pythonize` where Python code would expect it:
//! a sequence may be any `collections.abc.Sequence` but a `str` (a `set` or
//! `frozenset` too, where the length is not fixed), a map, struct or enum
//! any `collections.abc.Mapping` or a dataclass instance (its fields), an
//! integer anything with `__index__`, a float anything with `__float__`.
//! It is stricter where `pythonize` surprises: a `bool` is only `True` or
//! `False` and never a number, and `{"Unit": value}` needs `value` None.
//!
//! [`Serde<T>`] is the wrapper for parameters and return values;
//! [`to_object`] and [`from_object`] are the functions. A value that does
//! not fit raises `TypeError` (a wrong type) or `ValueError` / `OverflowError`
//! whose message names the path to it: `sizes[1]: expected u32, got str`.
//! Nesting is bounded both ways: a container that contains itself, or
//! values nested more than 128 containers deep (serde_json's bound), raise
//! `RecursionError` as CPython's own recursion limit would, never overflow
//! the stack.
//!
//! ```
//! use std::collections::BTreeMap;
//!
//! use hpy::hpy_method;
//! use hpy::serde::Serde;
//!
//! // With `#[derive(Serialize, Deserialize)]` structs it works the same way.
//! type Sizes = BTreeMap<String, Vec<u32>>;
//!
//! /// `grow({"a": [1, 2]}) == {"a": [2, 3]}`
//! #[hpy_method]
//! fn grow(sizes: Serde<Sizes>) -> Serde<Sizes> {
//!     let mut sizes = sizes.0;
//!     sizes.values_mut().flatten().for_each(|s| *s += 1);
//!     Serde(sizes)
//! }
//! # fn main() {}
//! ```

use core::fmt;

use ::serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use ::serde::ser::{self, Serialize};
use ::serde::Deserialize;
use hpy_sys::HPyConstant;

use crate::runtime::depth::{self, Level};
use crate::{Abc, Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy, Type};

/// A value converted with serde: from Python when `T: Deserialize`, to
/// Python when `T: Serialize` (see the [module](self) for the shapes).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Serde<T>(pub T);

impl<'ctx, T: for<'de> Deserialize<'de>> FromHPy<'_, 'ctx> for Serde<T> {
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        from_object(obj).map(Serde)
    }
}

impl<'ctx, T: Serialize> IntoHPy<'ctx> for Serde<T> {
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        to_object(ctx, &self.0)
    }
}

/// `value` as a Python object.
pub fn to_object<'ctx, T: Serialize + ?Sized>(
    ctx: Context<'ctx>,
    value: &T,
) -> HPyResult<Handle<'ctx>> {
    value.serialize(Ser { ctx }).map_err(Error::into_hpy_err)
}

/// A `T` read from the Python object `obj`.
pub fn from_object<'ctx, T: for<'de> Deserialize<'de>>(obj: &Handle<'ctx>) -> HPyResult<T> {
    T::deserialize(De { obj }).map_err(Error::into_hpy_err)
}

// ---- the error, with the path to the bad value ----

/// One step of the path to a value.
enum Step {
    Index(usize),
    Key(String),
}

/// What went wrong, where.
enum Kind {
    /// An exception from the interpreter (or made by hpy).
    Python(HPyErr),
    /// A message of serde's (or ours), raised as `class`.
    Message(HPyConstant, String),
}

/// The serializer's and deserializer's error (not public: it becomes an
/// [`HPyErr`]).
#[doc(hidden)]
pub struct Error {
    kind: Kind,
    /// Innermost step first.
    path: Vec<Step>,
}

impl Error {
    fn python(e: HPyErr) -> Self {
        Error {
            kind: Kind::Python(e),
            path: Vec::new(),
        }
    }

    fn message(class: HPyConstant, msg: String) -> Self {
        Error {
            kind: Kind::Message(class, msg),
            path: Vec::new(),
        }
    }

    fn wrong_type(expected: &str, obj: &Handle<'_>) -> Self {
        Error::message(
            HPyConstant::TypeError,
            format!("expected {expected}, got {}", obj.type_name()),
        )
    }

    fn at(mut self, step: Step) -> Self {
        self.path.push(step);
        self
    }

    fn path_text(&self) -> String {
        let mut text = String::new();
        for step in self.path.iter().rev() {
            match step {
                Step::Index(i) => text.push_str(&format!("[{i}]")),
                Step::Key(k) if text.is_empty() => text.push_str(k),
                Step::Key(k) => {
                    text.push('.');
                    text.push_str(k);
                }
            }
        }
        text
    }

    fn into_hpy_err(self) -> HPyErr {
        let path = self.path_text();
        let (class, msg) = match self.kind {
            Kind::Message(class, msg) => (class, msg),
            Kind::Python(e) if path.is_empty() => return e,
            Kind::Python(e) => match e.describe() {
                Some((class, msg)) => (class, msg.into_owned()),
                // An exception set in the interpreter: kept as it is.
                None => return e,
            },
        };
        if path.is_empty() {
            HPyErr::new(class, msg)
        } else {
            HPyErr::new(class, format!("{path}: {msg}"))
        }
    }
}

impl From<HPyErr> for Error {
    fn from(e: HPyErr) -> Self {
        Error::python(e)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path_text();
        if !path.is_empty() {
            write!(f, "{path}: ")?;
        }
        match &self.kind {
            Kind::Python(e) => write!(f, "{e}"),
            Kind::Message(_, m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Error::message(HPyConstant::ValueError, msg.to_string())
    }
}

impl de::Error for Error {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Error::message(HPyConstant::ValueError, msg.to_string())
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Error::message(
            HPyConstant::TypeError,
            format!("expected {exp}, got {unexp}"),
        )
    }

    fn missing_field(field: &'static str) -> Self {
        Error::message(HPyConstant::KeyError, format!("missing field '{field}'"))
    }
}

type Result<T> = core::result::Result<T, Error>;

// ---- Rust to Python ----

/// The serializer: each value becomes a new handle.
struct Ser<'ctx> {
    ctx: Context<'ctx>,
}

impl<'ctx> Ser<'ctx> {
    fn convert<T: IntoHPy<'ctx>>(&self, v: T) -> Result<Handle<'ctx>> {
        Ok(v.into_hpy(self.ctx)?)
    }

    /// `{variant: value}`.
    fn tagged(&self, variant: &str, value: Handle<'ctx>) -> Result<Handle<'ctx>> {
        let dict = self.ctx.new_dict()?.into_handle();
        dict.set_item_s(variant, &value)?;
        Ok(dict)
    }
}

/// A list or tuple being serialized.
struct SerSeq<'ctx> {
    ctx: Context<'ctx>,
    items: Vec<Handle<'ctx>>,
    tuple: bool,
    variant: Option<&'static str>,
    /// The level of nesting its items are at.
    _level: Level,
}

impl<'ctx> SerSeq<'ctx> {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        let i = self.items.len();
        let item = v
            .serialize(Ser { ctx: self.ctx })
            .map_err(|e| e.at(Step::Index(i)))?;
        self.items.push(item);
        Ok(())
    }

    fn finish(self) -> Result<Handle<'ctx>> {
        let ser = Ser { ctx: self.ctx };
        let obj = if self.tuple {
            let refs: Vec<&Handle<'ctx>> = self.items.iter().collect();
            self.ctx.new_tuple(&refs)?.into_handle()
        } else {
            crate::convert::seq::list_from_iter(self.ctx, self.items.into_iter())?
        };
        match self.variant {
            Some(variant) => ser.tagged(variant, obj),
            None => Ok(obj),
        }
    }
}

/// A dict being serialized.
struct SerMap<'ctx> {
    ctx: Context<'ctx>,
    dict: Handle<'ctx>,
    key: Option<Handle<'ctx>>,
    variant: Option<&'static str>,
    /// The level of nesting its values are at.
    _level: Level,
}

impl<'ctx> SerMap<'ctx> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<()> {
        let value = v
            .serialize(Ser { ctx: self.ctx })
            .map_err(|e| e.at(Step::Key(key.to_owned())))?;
        // The key made from its length (no C string, as `set_item_s`
        // would make and then measure).
        self.dict.set_item(&key.into_hpy(self.ctx)?, &value)?;
        Ok(())
    }

    fn finish(self) -> Result<Handle<'ctx>> {
        match self.variant {
            Some(variant) => Ser { ctx: self.ctx }.tagged(variant, self.dict),
            None => Ok(self.dict),
        }
    }
}

impl<'ctx> ser::Serializer for Ser<'ctx> {
    type Ok = Handle<'ctx>;
    type Error = Error;
    type SerializeSeq = SerSeq<'ctx>;
    type SerializeTuple = SerSeq<'ctx>;
    type SerializeTupleStruct = SerSeq<'ctx>;
    type SerializeTupleVariant = SerSeq<'ctx>;
    type SerializeMap = SerMap<'ctx>;
    type SerializeStruct = SerMap<'ctx>;
    type SerializeStructVariant = SerMap<'ctx>;

    fn serialize_bool(self, v: bool) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_i8(self, v: i8) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_i16(self, v: i16) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_i32(self, v: i32) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_i64(self, v: i64) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_i128(self, v: i128) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_u16(self, v: u16) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_u32(self, v: u32) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_u64(self, v: u64) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_u128(self, v: u128) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_f32(self, v: f32) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_f64(self, v: f64) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_char(self, v: char) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_str(self, v: &str) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Handle<'ctx>> {
        self.convert(v)
    }
    fn serialize_none(self) -> Result<Handle<'ctx>> {
        Ok(self.ctx.none())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Handle<'ctx>> {
        let _level = depth::enter()?;
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Handle<'ctx>> {
        Ok(self.ctx.none())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Handle<'ctx>> {
        Ok(self.ctx.none())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Handle<'ctx>> {
        self.convert(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Handle<'ctx>> {
        let _level = depth::enter()?;
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Handle<'ctx>> {
        let _level = depth::enter()?;
        let inner = value
            .serialize(Ser { ctx: self.ctx })
            .map_err(|e| e.at(Step::Key(variant.to_owned())))?;
        self.tagged(variant, inner)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SerSeq<'ctx>> {
        Ok(SerSeq {
            ctx: self.ctx,
            items: Vec::with_capacity(len.unwrap_or(0)),
            tuple: false,
            variant: None,
            _level: depth::enter()?,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SerSeq<'ctx>> {
        Ok(SerSeq {
            ctx: self.ctx,
            items: Vec::with_capacity(len),
            tuple: true,
            variant: None,
            _level: depth::enter()?,
        })
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SerSeq<'ctx>> {
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SerSeq<'ctx>> {
        Ok(SerSeq {
            ctx: self.ctx,
            items: Vec::with_capacity(len),
            tuple: true,
            variant: Some(variant),
            _level: depth::enter()?,
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<SerMap<'ctx>> {
        Ok(SerMap {
            ctx: self.ctx,
            dict: self.ctx.new_dict()?.into_handle(),
            key: None,
            variant: None,
            _level: depth::enter()?,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<SerMap<'ctx>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<SerMap<'ctx>> {
        let mut map = self.serialize_map(None)?;
        map.variant = Some(variant);
        Ok(map)
    }
}

impl<'ctx> ser::SerializeSeq for SerSeq<'ctx> {
    type Ok = Handle<'ctx>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.push(v)
    }
    fn end(self) -> Result<Handle<'ctx>> {
        self.finish()
    }
}

impl<'ctx> ser::SerializeTuple for SerSeq<'ctx> {
    type Ok = Handle<'ctx>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.push(v)
    }
    fn end(self) -> Result<Handle<'ctx>> {
        self.finish()
    }
}

impl<'ctx> ser::SerializeTupleStruct for SerSeq<'ctx> {
    type Ok = Handle<'ctx>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.push(v)
    }
    fn end(self) -> Result<Handle<'ctx>> {
        self.finish()
    }
}

impl<'ctx> ser::SerializeTupleVariant for SerSeq<'ctx> {
    type Ok = Handle<'ctx>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.push(v)
    }
    fn end(self) -> Result<Handle<'ctx>> {
        self.finish()
    }
}

impl<'ctx> ser::SerializeMap for SerMap<'ctx> {
    type Ok = Handle<'ctx>;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(Ser { ctx: self.ctx })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("serialize_value before serialize_key"))?;
        let value = v
            .serialize(Ser { ctx: self.ctx })
            .map_err(|e| e.at(Step::Key(key.repr().unwrap_or_else(|_| String::from("?")))))?;
        self.dict.set_item(&key, &value)?;
        Ok(())
    }
    fn end(self) -> Result<Handle<'ctx>> {
        self.finish()
    }
}

impl<'ctx> ser::SerializeStruct for SerMap<'ctx> {
    type Ok = Handle<'ctx>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<()> {
        self.field(key, v)
    }
    fn end(self) -> Result<Handle<'ctx>> {
        self.finish()
    }
}

impl<'ctx> ser::SerializeStructVariant for SerMap<'ctx> {
    type Ok = Handle<'ctx>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<()> {
        self.field(key, v)
    }
    fn end(self) -> Result<Handle<'ctx>> {
        self.finish()
    }
}

// ---- Python to Rust ----

/// The deserializer: reads one borrowed object.
struct De<'h, 'ctx> {
    obj: &'h Handle<'ctx>,
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
struct SeqDe<'h, 'ctx> {
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
struct MapDe<'h, 'ctx> {
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
struct EnumDe<'h, 'ctx> {
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
struct VariantDe<'h, 'ctx> {
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
