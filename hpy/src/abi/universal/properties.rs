//! Properties as Python `property` objects over hidden methods, for
//! interpreters whose getset descriptors are broken (PyPy 7.3.19: no
//! receiver check, and a getter's or setter's exception is dropped, then
//! aborts the interpreter at its next HPy call; see
//! `Quirk::BrokenGetsets` and hpy/DESIGN.md, D6). Their method
//! descriptors check the receiver and pass exceptions on.

use core::ffi::CStr;
use core::marker::PhantomData;

use hpy_sys::HPy;

use crate::runtime::{meth_noargs, meth_o, MethNoArgs, MethO, StaticDef};
use crate::runtime::{Getter, Setter};
use crate::{Borrowed, Context, HPyErr, HPyResult, Handle};

/// One property (`#[getter]` and its setter) as three hidden methods:
/// the getter (`NOARGS`), the setter (`O`) and the deleter (`NOARGS`,
/// the setter given no value).
pub struct PropertyMethods {
    name: &'static CStr,
    doc: Option<&'static CStr>,
    /// The names of `methods`.
    hidden: [&'static CStr; 3],
    methods: [StaticDef; 3],
}

impl PropertyMethods {
    /// The property `name`, with its hidden methods' names (written by
    /// `#[hpy_methods]`: `<name>.__get__`, `<name>.__set__` and
    /// `<name>.__delete__`, which no Python identifier can collide
    /// with and which read well in the interpreter's receiver errors).
    pub const fn new<G: Getter, S: Setter>(
        name: &'static CStr,
        doc: Option<&'static CStr>,
        hidden: [&'static CStr; 3],
    ) -> Self {
        let [get, set, del] = hidden;
        PropertyMethods {
            name,
            doc,
            hidden,
            methods: [
                StaticDef::new(meth_noargs::<Get<G>>(get, None)),
                StaticDef::new(meth_o::<Set<S>>(set, None)),
                StaticDef::new(meth_noargs::<Delete<S>>(del, None)),
            ],
        }
    }

    pub(crate) fn hidden_defs(&self) -> &[StaticDef] {
        &self.methods
    }
}

fn utf8(name: &'static CStr) -> HPyResult<&'static str> {
    name.to_str()
        .map_err(|_| HPyErr::system_error("property name is not UTF-8"))
}

// The adapters call the bodies without `check_receiver`: the
// interpreter calls a method of the class only with an instance as
// `self`, as for every other method (`self_ref`).

struct Get<G>(PhantomData<G>);

// SAFETY: returns what the (trusted) getter returns.
unsafe impl<G: Getter> MethNoArgs for Get<G> {
    const NAME: &'static str = G::NAME;
    #[inline]
    fn call<'ctx>(ctx: Context<'ctx>, slf: Borrowed<'_, 'ctx>) -> HPyResult<HPy> {
        G::call(ctx, slf)
    }
}

struct Set<S>(PhantomData<S>);

// SAFETY: returns a new reference to None or an error.
unsafe impl<S: Setter> MethO for Set<S> {
    const NAME: &'static str = S::NAME;
    #[inline]
    fn call<'ctx>(
        ctx: Context<'ctx>,
        slf: Borrowed<'_, 'ctx>,
        value: Borrowed<'_, 'ctx>,
    ) -> HPyResult<HPy> {
        S::call(ctx, slf, Some(value))?;
        Ok(ctx.none().into_raw())
    }
}

struct Delete<S>(PhantomData<S>);

// SAFETY: as for `Set`.
unsafe impl<S: Setter> MethNoArgs for Delete<S> {
    const NAME: &'static str = S::NAME;
    #[inline]
    fn call<'ctx>(ctx: Context<'ctx>, slf: Borrowed<'_, 'ctx>) -> HPyResult<HPy> {
        S::call(ctx, slf, None)?;
        Ok(ctx.none().into_raw())
    }
}

/// Replaces each getset descriptor of the new type `ty` by a `property`
/// over its hidden methods (same name and doc), then removes the
/// hidden methods from the type's dict.
pub(crate) fn publish(ty: &Handle<'_>, properties: &[PropertyMethods]) -> HPyResult<()> {
    if properties.is_empty() {
        return Ok(());
    }
    let ctx = ty.context();
    // Not `h_Builtins`, which is the builtins *dict* on PyPy 7.3.19.
    let property = ctx.import_module("builtins")?.get_attr_s("property")?;
    for p in properties {
        let [get, set, del] = p.hidden.map(utf8);
        let (get, set, del) = (get?, set?, del?);
        let doc = match p.doc {
            Some(doc) => crate::IntoHPy::into_hpy(doc.to_string_lossy().as_ref(), ctx)?,
            None => ctx.none(),
        };
        let fget = ty.get_attr_s(get)?;
        let fset = ty.get_attr_s(set)?;
        let fdel = ty.get_attr_s(del)?;
        let prop = property.call(&[&fget, &fset, &fdel, &doc])?;
        ty.set_attr_s(utf8(p.name)?, &prop)?;
        for hidden in [get, set, del] {
            ty.del_attr_s(hidden)?;
        }
    }
    Ok(())
}
