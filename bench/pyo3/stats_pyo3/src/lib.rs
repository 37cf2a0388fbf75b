//! `stats_pyo3`: examples/stats (hpy-rs) written with PyO3 0.30, as a PyO3
//! user would. Both pass the same tests (`tests/python/stats_cases.py`);
//! examples/stats/README.md compares their lengths.

pyo3::create_exception!(
    stats_pyo3,
    StatsError,
    pyo3::exceptions::PyValueError,
    "A statistic undefined for its input."
);

/// Statistics in Rust, written with PyO3.
#[pyo3::pymodule]
mod stats_pyo3 {
    use std::collections::BTreeMap;

    use pyo3::exceptions::PyMemoryError;
    use pyo3::prelude::*;
    use pyo3::types::{PyDict, PyIterator, PyList, PyTuple, PyType};

    #[pymodule_export]
    use super::StatsError;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }

    /// The floats of any iterable (PyO3's `Vec<f64>` takes sequences only,
    /// not generators).
    fn floats(xs: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
        xs.try_iter()?.map(|x| x?.extract()).collect()
    }

    /// The arithmetic mean of an iterable of numbers.
    #[pyfunction]
    fn mean(xs: &Bound<'_, PyAny>) -> PyResult<f64> {
        let xs = floats(xs)?;
        if xs.is_empty() {
            return Err(StatsError::new_err("mean of an empty sequence"));
        }
        Ok(xs.iter().sum::<f64>() / xs.len() as f64)
    }

    /// A dict of `n`, `mean`, `std` (its divisor is `n - ddof`), `min` and `max`.
    #[pyfunction]
    #[pyo3(signature = (xs, *, ddof = 1))]
    fn describe<'py>(xs: &Bound<'py, PyAny>, ddof: usize) -> PyResult<Bound<'py, PyDict>> {
        let values = floats(xs)?;
        let n = values.len();
        if n <= ddof {
            let msg = format!("describe needs more than ddof={ddof} values, got {n}");
            return Err(StatsError::new_err(msg));
        }
        let (min, max) = min_max(&values);
        let mut r = Running::default();
        values.into_iter().for_each(|x| r.push(x));
        let dict = PyDict::new(xs.py());
        dict.set_item("n", n)?;
        dict.set_item("mean", r.mean)?;
        dict.set_item("std", (r.m2 / (n - ddof) as f64).sqrt())?;
        dict.set_item("min", min)?;
        dict.set_item("max", max)?;
        Ok(dict)
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
    #[pyfunction]
    #[pyo3(signature = (xs, bins = 10, range = None))]
    fn histogram(
        xs: &Bound<'_, PyAny>,
        bins: i64,
        range: Option<(f64, f64)>,
    ) -> PyResult<Vec<u64>> {
        let xs = floats(xs)?;
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
        let no_room = |e: std::collections::TryReserveError| PyMemoryError::new_err(e.to_string());
        counts.try_reserve_exact(bins).map_err(no_room)?;
        counts.resize(bins, 0);
        for x in xs.into_iter().filter(|x| (lo..=hi).contains(x)) {
            let i = ((x - lo) / (hi - lo) * bins as f64) as usize;
            counts[i.min(bins - 1)] += 1;
        }
        Ok(counts)
    }

    /// The words of `text`: what lies between runs of whitespace.
    #[pyfunction]
    fn tokenize(text: &str) -> Vec<&str> {
        text.split_whitespace().collect()
    }

    /// A dict from each word of `text` to how often it occurs, sorted by word.
    #[pyfunction]
    fn count_words(text: &str) -> BTreeMap<&str, u64> {
        let mut counts = BTreeMap::new();
        for word in text.split_whitespace() {
            *counts.entry(word).or_default() += 1;
        }
        counts
    }

    /// The Adler-32 checksum (as `zlib.adler32`) of any bytes-like object:
    /// bytes, bytearray, memoryview, array.array('B') …
    #[pyfunction]
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
    #[pyfunction]
    fn heavy_sum(py: Python<'_>, n: u64) -> u64 {
        py.detach(|| (0..n).map(|i| i % 7).sum())
    }

    /// Its arguments, as `(args, kwargs)`.
    #[pyfunction]
    #[pyo3(signature = (*args, **kwargs))]
    fn echo<'py>(
        args: Bound<'py, PyTuple>,
        kwargs: Option<Bound<'py, PyDict>>,
    ) -> (Bound<'py, PyTuple>, Bound<'py, PyDict>) {
        let kwargs = kwargs.unwrap_or_else(|| PyDict::new(args.py()));
        (args, kwargs)
    }

    /// Count, mean and variance of the values pushed so far, updated in O(1)
    /// per value (Welford's algorithm). The values are kept: iterating gives
    /// them back, and two accumulators are equal when they hold the same values.
    #[pyclass]
    #[derive(Default)]
    struct Running {
        values: Vec<f64>,
        mean: f64,
        /// The sum of squared differences from the mean.
        m2: f64,
    }

    #[pymethods]
    impl Running {
        #[new]
        #[pyo3(signature = (values = None))]
        fn new(values: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
            let mut running = Running::default();
            if let Some(values) = values {
                running.extend(values)?;
            }
            Ok(running)
        }

        /// A new accumulator holding the values of `xs`.
        #[classmethod]
        fn from_list(_cls: &Bound<'_, PyType>, xs: &Bound<'_, PyAny>) -> PyResult<Self> {
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
        fn extend(&mut self, xs: &Bound<'_, PyAny>) -> PyResult<()> {
            floats(xs)?.into_iter().for_each(|x| self.push(x));
            Ok(())
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

        fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
            PyList::new(py, &self.values)?.try_iter()
        }

        /// Equal when the same values were pushed (in the same order).
        fn __eq__(&self, other: &Self) -> bool {
            self.values == other.values
        }

        /// Both accumulators merged (Chan et al.'s parallel update).
        fn __add__(&self, other: &Self) -> Running {
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
}
