//! `stats`: a small statistics module written with hpy-rs. Its PyO3 twin,
//! `bench/pyo3/stats_pyo3`, passes the same tests
//! (`tests/python/stats_cases.py`); see README.md for both line counts.

#![forbid(unsafe_code)]

use std::collections::BTreeMap;

use hpy::{
    hpy_class, hpy_method, hpy_methods, hpy_module, Constant, Context, Dict, HPyResult, Handle,
    IntoHPy, Ref, ResultExt, VarArgs,
};

hpy::create_exception!(
    stats,
    StatsError,
    ValueError,
    "A statistic undefined for its input."
);

/// The arithmetic mean of an iterable of numbers.
#[hpy_method]
fn mean(xs: Vec<f64>) -> HPyResult<f64> {
    if xs.is_empty() {
        return Err(StatsError::new_err("mean of an empty sequence"));
    }
    Ok(xs.iter().sum::<f64>() / xs.len() as f64)
}

/// A dict of `n`, `mean`, `std` (its divisor is `n - ddof`), `min` and `max`.
#[hpy_method(signature = (xs, *, ddof = 1))]
fn describe<'ctx>(ctx: Context<'ctx>, xs: Vec<f64>, ddof: usize) -> HPyResult<Dict<'ctx>> {
    let n = xs.len();
    if n <= ddof {
        let msg = format!("describe needs more than ddof={ddof} values, got {n}");
        return Err(StatsError::new_err(msg));
    }
    let (min, max) = min_max(&xs);
    let r = Running::new(Some(xs));
    let std = (r.m2 / (n - ddof) as f64).sqrt();
    hpy::dict!(ctx, { "n" => n, "mean" => r.mean, "std" => std, "min" => min, "max" => max })
}

/// The smallest and largest value (NaNs are ignored).
fn min_max(xs: &[f64]) -> (f64, f64) {
    let init = (f64::INFINITY, f64::NEG_INFINITY);
    xs.iter().fold(init, |(lo, hi), &x| (lo.min(x), hi.max(x)))
}

/// How many of `xs` fall in each of `bins` equal bins spanning `range`
/// (default: the smallest to the largest value, `(0, 1)` without values).
/// As in numpy, a bin includes its left edge, the last bin its right edge
/// too, values outside `range` are not counted, and an empty range
/// `(v, v)` becomes `(v - 0.5, v + 0.5)`.
#[hpy_method(signature = (xs, bins = 10, range = None))]
fn histogram(xs: Vec<f64>, bins: i64, range: Option<(f64, f64)>) -> HPyResult<Vec<u64>> {
    if bins < 1 {
        return Err(StatsError::new_err(format!(
            "bins must be at least 1, got {bins}"
        )));
    }
    let (lo, hi) = match range {
        Some(range) => range,
        None if xs.is_empty() => (0.0, 1.0),
        None => min_max(&xs),
    };
    if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
        let msg = format!("range must be finite with lo <= hi, got ({lo}, {hi})");
        return Err(StatsError::new_err(msg));
    }
    let (lo, hi) = if lo == hi {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    };
    let bins = bins as usize;
    let mut counts = Vec::new();
    counts
        .try_reserve_exact(bins)
        .or_raise(Constant::MemoryError)?;
    counts.resize(bins, 0);
    for x in xs.into_iter().filter(|x| (lo..=hi).contains(x)) {
        let i = ((x - lo) / (hi - lo) * bins as f64) as usize;
        counts[i.min(bins - 1)] += 1;
    }
    Ok(counts)
}

/// The words of `text`: what lies between runs of whitespace.
#[hpy_method]
fn tokenize(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// A dict from each word of `text` to how often it occurs, sorted by word.
#[hpy_method]
fn count_words(text: &str) -> BTreeMap<&str, u64> {
    let mut counts = BTreeMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word).or_default() += 1;
    }
    counts
}

/// The Adler-32 checksum (as `zlib.adler32`) of any bytes-like object:
/// bytes, bytearray, memoryview, array.array('B') …
#[hpy_method]
fn checksum(data: Vec<u8>) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    b << 16 | a
}

/// `sum(i % 7 for i in range(n))`, computed without holding the GIL, so
/// that other Python threads run meanwhile.
#[hpy_method]
fn heavy_sum(ctx: Context<'_>, n: u64) -> u64 {
    ctx.allow_threads(|| (0..n).map(|i| i % 7).sum())
}

/// Its arguments, as `(args, kwargs)`.
#[hpy_method(signature = (*args, **kwargs))]
fn echo<'a, 'ctx>(
    args: VarArgs<'a, 'ctx>,
    kwargs: Handle<'ctx>,
) -> (VarArgs<'a, 'ctx>, Handle<'ctx>) {
    (args, kwargs)
}

/// Count, mean and variance of the values pushed so far, updated in O(1)
/// per value (Welford's algorithm). The values are kept: iterating gives
/// them back, and two accumulators are equal when they hold the same values.
/// Equal when the same values were pushed in the same order (`eq`), and so
/// unhashable.
#[hpy_class(module = "stats", eq)]
#[derive(Default)]
struct Running {
    values: Vec<f64>,
    mean: f64,
    /// The sum of squared differences from the mean.
    m2: f64,
}

impl PartialEq for Running {
    fn eq(&self, other: &Running) -> bool {
        self.values == other.values
    }
}

#[hpy_methods]
impl Running {
    #[new(signature = (values = None))]
    fn new(values: Option<Vec<f64>>) -> Running {
        let mut running = Running::default();
        running.extend(values.unwrap_or_default());
        running
    }

    /// A `Running` over the values of `xs` (any iterable).
    #[classmethod]
    fn from_list(_cls: &Handle<'_>, xs: Vec<f64>) -> Running {
        Running::new(Some(xs))
    }

    /// The version of the module.
    #[staticmethod]
    fn version() -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    /// Adds one value.
    fn push(&mut self, x: f64) {
        self.values.push(x);
        let delta = x - self.mean;
        self.mean += delta / self.values.len() as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Adds every value of an iterable (a list, a generator …).
    fn extend(&mut self, xs: Vec<f64>) {
        xs.into_iter().for_each(|x| self.push(x));
    }

    /// How many values were pushed.
    #[getter]
    fn n(&self) -> usize {
        self.values.len()
    }

    /// The mean of the values (nan while there are none).
    #[getter]
    fn mean(&self) -> f64 {
        if self.values.is_empty() {
            f64::NAN
        } else {
            self.mean
        }
    }

    /// The sample variance (divisor `n - 1`; nan below two values).
    #[getter]
    fn variance(&self) -> f64 {
        if self.n() < 2 {
            f64::NAN
        } else {
            self.m2 / (self.n() - 1) as f64
        }
    }

    fn __repr__(&self) -> String {
        format!("Running({:?})", self.values)
    }

    fn __len__(&self) -> usize {
        self.n()
    }

    fn __iter__<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        ctx.builtin("iter")?
            .call(&[&self.values.clone().into_hpy(ctx)?])
    }

    /// Both accumulators merged (Chan et al.'s parallel update).
    fn __add__(&self, other: Ref<'_, '_, Running>) -> Running {
        let (n_a, n_b) = (self.n() as f64, other.n() as f64);
        let n = (n_a + n_b).max(1.0);
        let delta = other.mean - self.mean;
        Running {
            values: [&self.values[..], &other.values[..]].concat(),
            mean: self.mean + delta * n_b / n,
            m2: self.m2 + other.m2 + delta * delta * n_a * n_b / n,
        }
    }
}

fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    module.set_attr_s("__version__", &env!("CARGO_PKG_VERSION").into_hpy(ctx)?)
}

hpy_module! {
    /// Statistics in Rust, written with hpy-rs.
    name: stats,
    methods: [mean, describe, histogram, tokenize, count_words, checksum, heavy_sum, echo],
    types: [Running],
    exceptions: [StatsError],
    exec: init,
}
