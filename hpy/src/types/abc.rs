//! `collections.abc`: the interfaces a class can be registered with
//! ([`Abc`]), and the dotted type names CPython's messages use
//! ([`Type::qualified_name`]).

use crate::{Context, HPyResult, Handle, Type};

/// An abstract base class of `collections.abc`, to register a class with
/// (what PyO3's `PyMapping::register`/`PySequence::register` do) or to
/// test objects against.
///
/// Registering makes `isinstance(obj, collections.abc.Mapping)` true for
/// the class's instances, which code that accepts "any mapping" checks;
/// it adds no methods (the class implements the protocol itself). Call it
/// from the module's `exec` function:
///
/// ```
/// use hpy::{hpy_class, hpy_module, Abc, Context, HPyResult, Handle};
///
/// /// A read-only mapping.
/// #[hpy_class]
/// struct Frozen {
///     items: Vec<(String, i64)>,
/// }
///
/// fn init<'ctx>(ctx: Context<'ctx>, _module: &Handle<'ctx>) -> HPyResult<()> {
///     Abc::Mapping.register::<Frozen>(ctx)
/// }
///
/// hpy_module! {
///     types: [Frozen],
///     exec: init,
/// }
/// # fn main() {}
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Abc {
    /// `collections.abc.Container` (`__contains__`).
    Container,
    /// `collections.abc.Hashable` (`__hash__`).
    Hashable,
    /// `collections.abc.Iterable` (`__iter__`).
    Iterable,
    /// `collections.abc.Iterator` (`__next__`).
    Iterator,
    /// `collections.abc.Reversible` (`__reversed__`).
    Reversible,
    /// `collections.abc.Generator`.
    Generator,
    /// `collections.abc.Sized` (`__len__`).
    Sized,
    /// `collections.abc.Callable` (`__call__`).
    Callable,
    /// `collections.abc.Collection` (sized, iterable container).
    Collection,
    /// `collections.abc.Sequence`.
    Sequence,
    /// `collections.abc.MutableSequence`.
    MutableSequence,
    /// `collections.abc.Set`.
    Set,
    /// `collections.abc.MutableSet`.
    MutableSet,
    /// `collections.abc.Mapping`.
    Mapping,
    /// `collections.abc.MutableMapping`.
    MutableMapping,
    /// `collections.abc.MappingView`.
    MappingView,
    /// `collections.abc.KeysView`.
    KeysView,
    /// `collections.abc.ItemsView`.
    ItemsView,
    /// `collections.abc.ValuesView`.
    ValuesView,
    /// `collections.abc.Awaitable`.
    Awaitable,
    /// `collections.abc.Coroutine`.
    Coroutine,
    /// `collections.abc.AsyncIterable`.
    AsyncIterable,
    /// `collections.abc.AsyncIterator`.
    AsyncIterator,
    /// `collections.abc.AsyncGenerator`.
    AsyncGenerator,
}

impl Abc {
    /// Every interface, in `collections.abc`'s order.
    pub const ALL: &'static [Abc] = &[
        Abc::Container,
        Abc::Hashable,
        Abc::Iterable,
        Abc::Iterator,
        Abc::Reversible,
        Abc::Generator,
        Abc::Sized,
        Abc::Callable,
        Abc::Collection,
        Abc::Sequence,
        Abc::MutableSequence,
        Abc::Set,
        Abc::MutableSet,
        Abc::Mapping,
        Abc::MutableMapping,
        Abc::MappingView,
        Abc::KeysView,
        Abc::ItemsView,
        Abc::ValuesView,
        Abc::Awaitable,
        Abc::Coroutine,
        Abc::AsyncIterable,
        Abc::AsyncIterator,
        Abc::AsyncGenerator,
    ];

    /// The class's name in `collections.abc` (`"Mapping"`).
    pub fn name(self) -> &'static str {
        match self {
            Abc::Container => "Container",
            Abc::Hashable => "Hashable",
            Abc::Iterable => "Iterable",
            Abc::Iterator => "Iterator",
            Abc::Reversible => "Reversible",
            Abc::Generator => "Generator",
            Abc::Sized => "Sized",
            Abc::Callable => "Callable",
            Abc::Collection => "Collection",
            Abc::Sequence => "Sequence",
            Abc::MutableSequence => "MutableSequence",
            Abc::Set => "Set",
            Abc::MutableSet => "MutableSet",
            Abc::Mapping => "Mapping",
            Abc::MutableMapping => "MutableMapping",
            Abc::MappingView => "MappingView",
            Abc::KeysView => "KeysView",
            Abc::ItemsView => "ItemsView",
            Abc::ValuesView => "ValuesView",
            Abc::Awaitable => "Awaitable",
            Abc::Coroutine => "Coroutine",
            Abc::AsyncIterable => "AsyncIterable",
            Abc::AsyncIterator => "AsyncIterator",
            Abc::AsyncGenerator => "AsyncGenerator",
        }
    }

    /// The class object (`collections.abc.<name>`, imported through
    /// `HPyImport_ImportModule`; the CPython ABI keeps it after the first
    /// look-up, as PyO3 does).
    pub fn class<'ctx>(self, ctx: Context<'ctx>) -> HPyResult<Type<'ctx>> {
        let cache = &CLASSES[self as usize];
        if let Some(class) = cache.get(ctx) {
            return Ok(class.downcast::<Type>()?);
        }
        let class = ctx
            .import_module("collections.abc")?
            .get_attr_s(self.name())?
            .downcast::<Type>()?;
        cache.set(&class);
        Ok(class)
    }

    /// Registers any class as a virtual subclass; something that is not a
    /// class raises `TypeError` (`ABCMeta.register`'s message).
    pub fn register_type(self, ty: &Handle<'_>) -> HPyResult<()> {
        self.class(ty.context())?.call_method_s("register", &[ty])?;
        Ok(())
    }

    /// `isinstance(obj, collections.abc.<name>)`, virtual subclasses and
    /// `__subclasshook__` included.
    pub fn is_instance(self, obj: &Handle<'_>) -> HPyResult<bool> {
        let ctx = obj.context();
        let class = self.class(ctx)?;
        if let Some(answer) = crate::abi::is_instance(obj, &class) {
            return answer;
        }
        ctx.builtin("isinstance")?.call(&[obj, &*class])?.is_true()
    }
}

/// The classes [`Abc::class`] looked up, by `Abc` (kept by the CPython ABI
/// only: `abi::ObjectCache`).
static CLASSES: [crate::abi::ObjectCache; Abc::ALL.len()] =
    [const { crate::abi::ObjectCache::new() }; Abc::ALL.len()];

/// Empties the classes' cache (at module exec: see `abi::ObjectCache`).
pub(crate) fn forget_cached_classes() {
    for class in &CLASSES {
        class.forget();
    }
}

impl<'ctx> Type<'ctx> {
    /// The type's dotted name as CPython's `tp_name` spells it for types
    /// made by extensions (HPy specs, C types), and so as CPython's own
    /// messages show them: `module.Qualname` (`kiwisolver.Expression`,
    /// `collections.OrderedDict`), the bare name for builtins (`int`).
    ///
    /// Read from `__module__` and `__qualname__` through HPy's attribute
    /// API, the same in both ABIs and on every interpreter. For a class
    /// defined in Python, CPython's messages show only `__name__`, while
    /// this gives `module.Qualname` as `repr(cls)` does. A type without
    /// those attributes falls back to [`Type::name`].
    pub fn qualified_name(&self) -> String {
        let attr = |name| match self.get_attr_s(name).and_then(|v| v.extract::<String>()) {
            Ok(value) => Some(value),
            Err(_) => {
                self.context().err_clear();
                None
            }
        };
        match (attr("__module__"), attr("__qualname__")) {
            (Some(module), Some(qualname)) if module != "builtins" => {
                format!("{module}.{qualname}")
            }
            (_, Some(qualname)) => qualname,
            (_, None) => self.name(),
        }
    }
}

impl Handle<'_> {
    /// The dotted name of the object's type (`type(self)`'s
    /// [`Type::qualified_name`]), for messages that name it as CPython's
    /// do: `unsupported operand type(s) for <: 'kiwisolver.Expression' and
    /// 'str'`.
    pub fn type_qualified_name(&self) -> String {
        self.get_type().qualified_name()
    }
}
