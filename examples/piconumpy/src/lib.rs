//! `piconumpy`: a tiny float array type, the classic HPy example, in Rust.
//!
//! Short arrays (up to [`INLINE`] elements) keep their elements inside the
//! Python object. Longer ones keep them in a Rust `Vec<f64>` owned by a
//! hidden companion object (`_storage`) that the array holds in a `Field`.
//!
//! Why not a `Vec` in the array itself: a class that owns heap memory needs
//! a destructor (`tp_destroy`), and PyPy runs the destructor of every such
//! object through its finalizer machinery, which costs more than creating
//! the object. Short arrays, made by the thousands in numeric loops, have
//! no destructor this way; a long one pays for its companion's once.

use hpy::{
    hpy_class, hpy_method, hpy_methods, hpy_module, Constant, Context, Field, HPyErr, HPyResult,
    IntoHPy, Ref, WithFields,
};

/// The most elements an array keeps inside itself.
pub const INLINE: usize = 8;

/// A one-dimensional array of floats.
#[hpy_class(name = "array", module = "piconumpy")]
struct Array {
    /// Number of elements.
    #[member(readonly)]
    size: isize,
    /// The elements of a short array.
    inline: [f64; INLINE],
    /// The elements of a long array: the buffer of the `Storage` in
    /// `storage` (null for a short array).
    heap: HeapPtr,
    /// A long array's `Storage`, set when the array is made and never
    /// changed, so `heap` stays valid as long as the array lives.
    storage: Field,
}

/// The pointer to a long array's elements (null for a short array).
struct HeapPtr(*mut f64);

// SAFETY: the pointer is only dereferenced through its array, under the
// interpreter lock, and the buffer it points at belongs to the array's
// `Storage`, which may be dropped on any thread like the array itself.
unsafe impl Send for HeapPtr {}

/// The elements of a long array. Nothing in Python makes or uses one.
#[hpy_class(name = "_storage", module = "piconumpy")]
struct Storage {
    /// Owned here, read and written through the array's `heap` pointer.
    _data: Vec<f64>,
}

#[hpy_methods]
impl Storage {}

/// A new array, as returned to Python.
type NewArray<'ctx> = HPyResult<WithFields<'ctx, Array>>;

impl Array {
    /// A new array of `n` elements, written by `fill` (which gets them all
    /// zeroed).
    fn build<'ctx>(ctx: Context<'ctx>, n: usize, fill: impl FnOnce(&mut [f64])) -> NewArray<'ctx> {
        let size = isize::try_from(n).map_err(|_| HPyErr::overflow_error("array too large"))?;
        let mut inline = [0.0; INLINE];
        if n <= INLINE {
            fill(&mut inline[..n]);
            return Ok(WithFields::new(Array {
                size,
                inline,
                heap: HeapPtr(core::ptr::null_mut()),
                storage: Field::new(),
            }));
        }
        let mut data = Vec::new();
        data.try_reserve_exact(n)
            .map_err(|_| HPyErr::new(Constant::MemoryError, format!("array of {n} floats")))?;
        data.resize(n, 0.0);
        fill(&mut data);
        // The buffer stays where it is when the Vec moves into `Storage`.
        let heap = data.as_mut_ptr();
        let storage = Storage { _data: data }.into_hpy(ctx)?;
        let array = Array {
            size,
            inline,
            heap: HeapPtr(heap),
            storage: Field::new(),
        };
        Ok(WithFields::new(array).set(|a| &a.storage, storage))
    }

    fn data(&self) -> &[f64] {
        if self.heap.0.is_null() {
            &self.inline[..self.size as usize]
        } else {
            // SAFETY: `heap` points at the `size` elements of the Storage
            // this array keeps alive in `storage` (see the fields).
            unsafe { core::slice::from_raw_parts(self.heap.0, self.size as usize) }
        }
    }

    fn data_mut(&mut self) -> &mut [f64] {
        if self.heap.0.is_null() {
            &mut self.inline[..self.size as usize]
        } else {
            // SAFETY: as in `data`; the Storage is this array's alone and
            // has no methods, so `&mut self` is the only way to its buffer.
            unsafe { core::slice::from_raw_parts_mut(self.heap.0, self.size as usize) }
        }
    }

    fn map<'ctx>(&self, ctx: Context<'ctx>, f: impl Fn(f64) -> f64) -> NewArray<'ctx> {
        let src = self.data();
        Array::build(ctx, src.len(), |out| {
            for (o, &v) in out.iter_mut().zip(src) {
                *o = f(v);
            }
        })
    }

    fn index(&self, i: isize) -> HPyResult<usize> {
        let n = self.size;
        let j = if i < 0 { i + n } else { i };
        if (0..n).contains(&j) {
            Ok(j as usize)
        } else {
            Err(HPyErr::index_error("index out of range"))
        }
    }
}

#[hpy_methods]
impl Array {
    #[new]
    fn new<'ctx>(ctx: Context<'ctx>, data: Vec<f64>) -> NewArray<'ctx> {
        Array::build(ctx, data.len(), |out| out.copy_from_slice(&data))
    }

    /// The elements, read-only, for `memoryview(a)` (format `"d"`).
    fn __buffer__(&self) -> &[f64] {
        self.data()
    }

    /// The elements as a list of floats.
    fn tolist(&self) -> Vec<f64> {
        self.data().to_vec()
    }

    fn __len__(&self) -> usize {
        self.size as usize
    }

    fn __getitem__(&self, i: isize) -> HPyResult<f64> {
        Ok(self.data()[self.index(i)?])
    }

    fn __setitem__(&mut self, i: isize, value: f64) -> HPyResult<()> {
        let j = self.index(i)?;
        self.data_mut()[j] = value;
        Ok(())
    }

    fn __mul__<'ctx>(&self, ctx: Context<'ctx>, x: f64) -> NewArray<'ctx> {
        self.map(ctx, |v| v * x)
    }

    fn __rmul__<'ctx>(&self, ctx: Context<'ctx>, x: f64) -> NewArray<'ctx> {
        self.map(ctx, |v| x * v)
    }

    fn __truediv__<'ctx>(&self, ctx: Context<'ctx>, x: f64) -> NewArray<'ctx> {
        self.map(ctx, |v| v / x)
    }

    fn __add__<'ctx>(&self, ctx: Context<'ctx>, other: Ref<'_, 'ctx, Array>) -> NewArray<'ctx> {
        let (a, b) = (self.data(), other.data());
        if a.len() != b.len() {
            return Err(HPyErr::value_error(format!(
                "operands could not be added: sizes {} and {}",
                a.len(),
                b.len()
            )));
        }
        Array::build(ctx, a.len(), |out| {
            for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
                *o = x + y;
            }
        })
    }
}

/// A new array of `n` elements (zero-initialised, like `zeros`: Rust has no
/// uninitialised floats to offer). `o`, as PicoNumpy's C function
/// (`HPyFunc_O`): positional only.
#[hpy_method(o)]
fn empty(ctx: Context<'_>, n: usize) -> NewArray<'_> {
    Array::build(ctx, n, |_| {})
}

/// A new array of `n` zeros (`o`, as `empty`).
#[hpy_method(o)]
fn zeros(ctx: Context<'_>, n: usize) -> NewArray<'_> {
    Array::build(ctx, n, |_| {})
}

hpy_module! {
    /// A minimal float array, written in Rust with hpy-rs.
    methods: [empty, zeros],
    types: [Array, Storage],
}
