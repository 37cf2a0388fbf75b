//! Rust to Python: the serializer behind `to_object` and `Serde<T>`.

use ::serde::ser::{self, Serialize};

use super::error::{Error, Result, Step};
use crate::runtime::depth::{self, Level};
use crate::{Context, Handle, IntoHPy};

/// The serializer: each value becomes a new handle.
pub(super) struct Ser<'ctx> {
    pub(super) ctx: Context<'ctx>,
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
pub(super) struct SerSeq<'ctx> {
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
            crate::builder::list_from_iter(self.ctx, self.items.into_iter())?
        };
        match self.variant {
            Some(variant) => ser.tagged(variant, obj),
            None => Ok(obj),
        }
    }
}

/// A dict being serialized.
pub(super) struct SerMap<'ctx> {
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
