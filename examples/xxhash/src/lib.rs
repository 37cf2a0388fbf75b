//! python-xxhash 4.1.0's extension `xxhash._xxhash` on hpy-rs.
//!
//! The original is 2,272 lines of C around the xxHash C library; this port
//! keeps its Python API (four hasher types, twelve one-shot functions,
//! `XXHASH_VERSION`) and hashes with the `xxhash-rust` crate (XXH3 over
//! 240 bytes with `twox-hash`, which picks AVX2 at run time; one-shot
//! XXH64 from 4 KiB with the xxHash C library, whose loop is shorter). One source
//! builds to the CPython ABI and to HPy's universal ABI. See
//! `docs/port-xxhash.md`.
//!
//! Input is anything with the buffer protocol ([`hpy::Buffer`]); `str` and
//! `None` are refused with the original's messages. Seeds are reduced
//! modulo 2**64 (any int, negative ones too) and then cut to the hash's
//! width, as the original's `PyLong_AsUnsignedLongLongMask` and cast do.
//!
//! Threads: a hasher's state sits behind an [`hpy::Lock`] (the original's
//! `PyMutex`), so one hasher shared by threads stays consistent; inputs
//! longer than 64 KiB are hashed with the GIL released, as the original
//! releases it above that size: a `bytes` in place, any other buffer (which
//! Python code could write meanwhile) from a copy.

use hpy::{
    hpy_class, hpy_method, hpy_methods, hpy_module, Buffer, Context, HPyErr, HPyResult, Lock,
};
use hpy::{FromHPy, Handle, IntoHPy};
use twox_hash::{XxHash3_128, XxHash3_64};
use xxhash_rust::{xxh3, xxh32, xxh64};

/// Inputs longer than this are hashed with the GIL released (the
/// original's `XXHASH_GIL_MINSIZE`).
const GIL_MINSIZE: usize = 65536;

/// The version of the xxHash format the hashes follow: the one the original
/// 4.1.0 bundles (xxHash 0.8.4; `xxhash-rust` implements the same, frozen,
/// 0.8 format).
const XXHASH_VERSION: &str = "0.8.4";

/// The data argument: a bytes-like object, with the original's errors for
/// `str` and `None`; `Absent` only as a constructor's default.
enum Input<'a> {
    Absent,
    Data(Buffer<'a>),
}

impl<'a, 'ctx> FromHPy<'a, 'ctx> for Input<'a> {
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        // The buffer first: a `str` or `None` has none, and only then is
        // asked about (two HPy calls fewer for every input that is data).
        match Buffer::get(obj) {
            Ok(data) => Ok(Input::Data(data)),
            Err(e) => Err(refused(obj, e)),
        }
    }
}

/// The error for an input without a buffer: the original's for `str` and
/// `None`, else the buffer protocol's. Out of line, so that the common
/// path keeps the buffer where it is.
#[cold]
#[inline(never)]
fn refused(obj: &Handle<'_>, e: HPyErr) -> HPyErr {
    if obj.is_str() {
        HPyErr::type_error("Strings must be encoded before hashing")
    } else if obj.is_none() {
        HPyErr::type_error("object supporting the buffer API required")
    } else {
        e
    }
}

/// A seed: any int, modulo 2**64.
#[derive(Clone, Copy)]
struct Seed(u64);

impl<'a, 'ctx> FromHPy<'a, 'ctx> for Seed {
    #[inline]
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        obj.as_u64_mask().map(Seed)
    }
}

/// Runs `hash` over `data`, with the GIL released when the input is long,
/// as the original does. `Buffer::with_bytes` hands over a slice that
/// nobody can change meanwhile: a `bytes` in place (no copy: the one-shot
/// functions cost what the original's do), anything else (a `bytearray`,
/// a `memoryview`, …, which Python code or another interpreter may write)
/// copied first.
#[inline]
fn hash_input<R: Send>(
    ctx: Context<'_>,
    data: &Buffer<'_>,
    hash: impl FnOnce(&[u8]) -> R + Send,
) -> R {
    data.with_bytes(|bytes| {
        if bytes.len() > GIL_MINSIZE {
            ctx.allow_threads(|| hash(bytes))
        } else {
            hash(bytes)
        }
    })
}

/// The lowercase hex of `digest` as a Python `str`, written straight into
/// the new string (`Context::new_ascii_str`); the digest's size is a
/// constant, so the loop unrolls.
fn hex<'ctx, const N: usize>(ctx: Context<'ctx>, digest: [u8; N]) -> HPyResult<Handle<'ctx>> {
    // Branch-free, so that the compiler can turn it into vector code.
    fn digit(nibble: u8) -> u8 {
        nibble + if nibble < 10 { b'0' } else { b'a' - 10 }
    }
    let text = ctx.new_ascii_str(2 * N, |out| {
        for (pair, b) in out.chunks_exact_mut(2).zip(digest) {
            pair[0] = digit(b >> 4);
            pair[1] = digit(b & 15);
        }
    })?;
    Ok(text.into_handle())
}

/// One hash algorithm: its streaming state and one-shot function.
trait Algorithm: Clone + Send + 'static {
    /// The digest's integer type.
    type Int: for<'ctx> IntoHPy<'ctx> + Copy + Send;
    /// The canonical (big-endian) digest.
    type Digest: AsRef<[u8]> + for<'ctx> IntoHPy<'ctx>;
    /// The seed, cut to the algorithm's width.
    type SeedInt: Copy + Send + Sync + for<'ctx> IntoHPy<'ctx>;

    fn seed(seed: Seed) -> Self::SeedInt;
    fn new(seed: Self::SeedInt) -> Self;
    fn update(&mut self, data: &[u8]);
    fn reset(&mut self, seed: Self::SeedInt);
    fn int(&self) -> Self::Int;
    fn oneshot(data: &[u8], seed: Self::SeedInt) -> Self::Int;
    fn canonical(int: Self::Int) -> Self::Digest;
}

#[derive(Clone)]
struct Xxh32(xxh32::Xxh32);

impl Algorithm for Xxh32 {
    type Int = u32;
    type Digest = [u8; 4];
    type SeedInt = u32;

    fn seed(seed: Seed) -> u32 {
        seed.0 as u32 // the original's cast: the low 32 bits
    }
    fn new(seed: u32) -> Self {
        Xxh32(xxh32::Xxh32::new(seed))
    }
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    fn reset(&mut self, seed: u32) {
        self.0.reset(seed);
    }
    fn int(&self) -> u32 {
        self.0.digest()
    }
    fn oneshot(data: &[u8], seed: u32) -> u32 {
        xxh32::xxh32(data, seed)
    }
    fn canonical(int: u32) -> [u8; 4] {
        int.to_be_bytes()
    }
}

#[derive(Clone)]
struct Xxh64(xxh64::Xxh64);

impl Algorithm for Xxh64 {
    type Int = u64;
    type Digest = [u8; 8];
    type SeedInt = u64;

    fn seed(seed: Seed) -> u64 {
        seed.0
    }
    fn new(seed: u64) -> Self {
        Xxh64(xxh64::Xxh64::new(seed))
    }
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    fn reset(&mut self, seed: u64) {
        self.0.reset(seed);
    }
    fn int(&self) -> u64 {
        self.0.digest()
    }
    fn oneshot(data: &[u8], seed: u64) -> u64 {
        if data.len() >= XXH64_C_MIN {
            return xxh64_c(data, seed);
        }
        xxh64::xxh64(data, seed)
    }
    fn canonical(int: u64) -> [u8; 8] {
        int.to_be_bytes()
    }
}

/// The shortest input the one-shot XXH64 hands to the xxHash C library
/// (see Cargo.toml): shorter ones stay with xxhash-rust, inlined into the
/// call, where a call into C would cost more than the loop saves.
const XXH64_C_MIN: usize = 4096;

/// XXH64 of `data` by the xxHash C library (the same value as
/// xxhash-rust's: the algorithm is frozen), out of line.
#[inline(never)]
fn xxh64_c(data: &[u8], seed: u64) -> u64 {
    // SAFETY: `XXH64` reads `length` bytes from `input`, which `data`
    // provides for the call, and keeps nothing.
    unsafe { xxhash_c_sys::XXH64(data.as_ptr().cast(), data.len(), seed) }
}

/// The longest input XXH3 hashes without its vector loop: below it the
/// one-shot functions are xxhash-rust's (shorter code), above it
/// twox-hash's (AVX2 chosen at run time); both compute the same frozen
/// XXH3 (see Cargo.toml).
const XXH3_MIDSIZE_MAX: usize = 240;

/// Runs `hash` out of line, so that the short-input path around it stays
/// small.
#[inline(never)]
fn long_input<R>(hash: impl FnOnce() -> R) -> R {
    hash()
}

#[derive(Clone)]
struct Xxh3_64(XxHash3_64);

impl Algorithm for Xxh3_64 {
    type Int = u64;
    type Digest = [u8; 8];
    type SeedInt = u64;

    fn seed(seed: Seed) -> u64 {
        seed.0
    }
    fn new(seed: u64) -> Self {
        Xxh3_64(XxHash3_64::with_seed(seed))
    }
    fn update(&mut self, data: &[u8]) {
        core::hash::Hasher::write(&mut self.0, data);
    }
    fn reset(&mut self, seed: u64) {
        self.0 = XxHash3_64::with_seed(seed);
    }
    fn int(&self) -> u64 {
        core::hash::Hasher::finish(&self.0)
    }
    fn oneshot(data: &[u8], seed: u64) -> u64 {
        if data.len() <= XXH3_MIDSIZE_MAX {
            xxh3::xxh3_64_with_seed(data, seed)
        } else {
            long_input(|| XxHash3_64::oneshot_with_seed(seed, data))
        }
    }
    fn canonical(int: u64) -> [u8; 8] {
        int.to_be_bytes()
    }
}

#[derive(Clone)]
struct Xxh3_128(XxHash3_128);

impl Algorithm for Xxh3_128 {
    type Int = u128;
    type Digest = [u8; 16];
    type SeedInt = u64;

    fn seed(seed: Seed) -> u64 {
        seed.0
    }
    fn new(seed: u64) -> Self {
        Xxh3_128(XxHash3_128::with_seed(seed))
    }
    fn update(&mut self, data: &[u8]) {
        self.0.write(data);
    }
    fn reset(&mut self, seed: u64) {
        self.0 = XxHash3_128::with_seed(seed);
    }
    fn int(&self) -> u128 {
        self.0.finish_128()
    }
    fn oneshot(data: &[u8], seed: u64) -> u128 {
        if data.len() <= XXH3_MIDSIZE_MAX {
            xxh3::xxh3_128_with_seed(data, seed)
        } else {
            long_input(|| XxHash3_128::oneshot_with_seed(seed, data))
        }
    }
    fn canonical(int: u128) -> [u8; 16] {
        int.to_be_bytes() // high 64 bits first, each half big-endian
    }
}

/// A hasher's value: the seed and the locked state.
struct Hasher<A: Algorithm> {
    seed: A::SeedInt,
    state: Lock<A>,
}

impl<A: Algorithm> Hasher<A> {
    fn new(ctx: Context<'_>, data: Input<'_>, seed: Seed) -> Self {
        let seed = A::seed(seed);
        let mut state = A::new(seed);
        if let Input::Data(data) = data {
            // Nobody else can see the new hasher yet: no lock needed.
            state = hash_input(ctx, &data, move |bytes| {
                let mut state = state;
                state.update(bytes);
                state
            });
        }
        Hasher {
            seed,
            state: Lock::new(state),
        }
    }

    fn update(&self, ctx: Context<'_>, data: &Buffer<'_>) {
        data.with_bytes(|bytes| {
            if bytes.len() > GIL_MINSIZE {
                // Waits for the lock without the GIL, as the original does.
                ctx.allow_threads(|| self.state.lock_detached().update(bytes));
            } else {
                self.state.lock(ctx).update(bytes);
            }
        });
    }

    fn int(&self, ctx: Context<'_>) -> A::Int {
        self.state.lock(ctx).int()
    }

    fn reset(&self, ctx: Context<'_>) {
        self.state.lock(ctx).reset(self.seed);
    }

    fn copy(&self, ctx: Context<'_>) -> Self {
        Hasher {
            seed: self.seed,
            state: Lock::new(self.state.lock(ctx).clone()),
        }
    }
}

/// Defines one hasher class (`$ty`, Python name `$name`) and its three
/// one-shot functions.
macro_rules! hasher {
    (
        $ty:ident, $alg:ty, $name:literal, $display:literal,
        digest_size: $digest_size:literal, block_size: $block_size:literal,
        $digest_fn:ident, $intdigest_fn:ident, $hexdigest_fn:ident
    ) => {
        #[doc = concat!(
                    "An ", $name, " represents the object used to calculate the ", $display,
                    " hash of a bytes-like object: `update(data)` adds data, `digest()`, ",
                    "`hexdigest()` and `intdigest()` give the hash so far, `copy()` a copy, ",
                    "`reset()` starts over with the same seed."
                )]
        #[hpy_class(module = "xxhash", name = $name, frozen, immutable_type)]
        struct $ty(Hasher<$alg>);

        #[hpy_methods]
        impl $ty {
            #[new(signature = (data = Input::Absent, seed = Seed(0)))]
            fn new(ctx: Context<'_>, data: Input<'_>, seed: Seed) -> Self {
                $ty(Hasher::new(ctx, data, seed))
            }

            /// Adds bytes-like data: repeated calls hash the concatenation
            /// of their arguments.
            fn update(&self, ctx: Context<'_>, data: Input<'_>) {
                if let Input::Data(data) = data {
                    self.0.update(ctx, &data);
                }
            }

            /// The digest of the data so far, as bytes (big-endian).
            fn digest(&self, ctx: Context<'_>) -> <$alg as Algorithm>::Digest {
                <$alg>::canonical(self.0.int(ctx))
            }

            /// The digest as a string of hexadecimal digits.
            fn hexdigest<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                hex(ctx, <$alg>::canonical(self.0.int(ctx)))
            }

            /// The digest as an integer (xxHash's own value).
            fn intdigest(&self, ctx: Context<'_>) -> <$alg as Algorithm>::Int {
                self.0.int(ctx)
            }

            /// A copy of this hasher, state and seed.
            fn copy(&self, ctx: Context<'_>) -> Self {
                $ty(self.0.copy(ctx))
            }

            /// Starts over, with the same seed.
            fn reset(&self, ctx: Context<'_>) {
                self.0.reset(ctx);
            }

            /// The size of the digest in bytes.
            #[getter]
            fn digest_size(&self) -> i64 {
                $digest_size
            }

            /// The size of the digest in bytes (`digest_size`).
            #[getter]
            fn digestsize(&self) -> i64 {
                $digest_size
            }

            /// The algorithm's internal block size in bytes.
            #[getter]
            fn block_size(&self) -> i64 {
                $block_size
            }

            #[doc = concat!("The algorithm's name: always ", $display, ".")]
            #[getter]
            fn name(&self) -> &'static str {
                $display
            }

            /// The seed, cut to the algorithm's width.
            #[getter]
            fn seed(&self) -> <$alg as Algorithm>::SeedInt {
                self.0.seed
            }
        }

        #[doc = concat!("The ", $display, " digest of `data` as bytes.")]
        #[hpy_method(signature = (data, seed = Seed(0)))]
        fn $digest_fn(
            ctx: Context<'_>,
            data: Input<'_>,
            seed: Seed,
        ) -> <$alg as Algorithm>::Digest {
            <$alg>::canonical(oneshot::<$alg>(ctx, data, seed))
        }

        #[doc = concat!("The ", $display, " digest of `data` as an integer.")]
        #[hpy_method(signature = (data, seed = Seed(0)))]
        fn $intdigest_fn(
            ctx: Context<'_>,
            data: Input<'_>,
            seed: Seed,
        ) -> <$alg as Algorithm>::Int {
            oneshot::<$alg>(ctx, data, seed)
        }

        #[doc = concat!("The ", $display, " digest of `data` as hexadecimal digits.")]
        #[hpy_method(signature = (data, seed = Seed(0)))]
        fn $hexdigest_fn<'ctx>(ctx: Context<'ctx>, data: Input<'_>, seed: Seed) -> HPyResult<Handle<'ctx>> {
            hex(ctx, <$alg>::canonical(oneshot::<$alg>(ctx, data, seed)))
        }
    };
}

/// A one-shot hash (`data` is never `Absent` here: it has no default).
#[inline(always)]
fn oneshot<A: Algorithm>(ctx: Context<'_>, data: Input<'_>, seed: Seed) -> A::Int {
    let seed = A::seed(seed);
    match data {
        Input::Data(data) => hash_input(ctx, &data, move |bytes| A::oneshot(bytes, seed)),
        Input::Absent => A::oneshot(&[], seed),
    }
}

hasher!(
    PyXxh32, Xxh32, "xxh32", "XXH32", digest_size: 4, block_size: 16,
    xxh32_digest, xxh32_intdigest, xxh32_hexdigest
);
hasher!(
    PyXxh64, Xxh64, "xxh64", "XXH64", digest_size: 8, block_size: 32,
    xxh64_digest, xxh64_intdigest, xxh64_hexdigest
);
hasher!(
    PyXxh3_64, Xxh3_64, "xxh3_64", "XXH3_64", digest_size: 8, block_size: 32,
    xxh3_64_digest, xxh3_64_intdigest, xxh3_64_hexdigest
);
hasher!(
    PyXxh3_128, Xxh3_128, "xxh3_128", "XXH3_128", digest_size: 16, block_size: 64,
    xxh3_128_digest, xxh3_128_intdigest, xxh3_128_hexdigest
);

fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    module.set_attr_s("XXHASH_VERSION", &XXHASH_VERSION.into_hpy(ctx)?)?;
    module.set_attr_s("_GIL_MINSIZE", &(GIL_MINSIZE as i64).into_hpy(ctx)?)?;
    Ok(())
}

hpy_module! {
    /// The extension of the xxhash package: the XXH32, XXH64, XXH3_64 and
    /// XXH3_128 hasher types and their one-shot digest(), intdigest() and
    /// hexdigest() functions.
    name: _xxhash,
    types: [PyXxh32, PyXxh64, PyXxh3_64, PyXxh3_128],
    methods: [
        xxh32_digest, xxh32_intdigest, xxh32_hexdigest,
        xxh64_digest, xxh64_intdigest, xxh64_hexdigest,
        xxh3_64_digest, xxh3_64_intdigest, xxh3_64_hexdigest,
        xxh3_128_digest, xxh3_128_intdigest, xxh3_128_hexdigest,
    ],
    exec: init,
    // What `init` adds (for the type stub).
    attributes: [XXHASH_VERSION: &str],
}
