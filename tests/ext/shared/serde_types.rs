// The serde types of tests/ext/hpyrs_features, shared through `include!`
// with bench/serde_pyo3 (PyO3 and pythonize), so that the differential check
// and the benchmark's serde row convert the same shapes on both sides.

/// Every shape serde has: struct, sequences, options, tuples, maps, enums.
#[derive(serde::Serialize, serde::Deserialize)]
struct Settings {
    name: String,
    sizes: Vec<u32>,
    ratio: f64,
    tags: Option<Vec<String>>,
    shape: Shape,
    pair: (i64, String),
    nested: std::collections::BTreeMap<String, Vec<Option<i64>>>,
    #[serde(default)]
    flag: bool,
}

/// An enum with a variant of each kind.
#[derive(serde::Serialize, serde::Deserialize)]
enum Shape {
    Unit,
    Circle { r: f64 },
    Pair(i64, i64),
    Named(String),
}

/// A struct of ten fields (the benchmark's row).
#[derive(serde::Serialize, serde::Deserialize)]
struct Ten {
    a: i64,
    b: i64,
    c: f64,
    d: f64,
    e: String,
    f: String,
    g: bool,
    h: Option<i64>,
    i: Vec<i64>,
    j: u32,
}
