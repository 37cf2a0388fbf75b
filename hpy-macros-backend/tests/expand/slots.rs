//! Slots: number (with a reflected operator, `__pow__`, an in-place
//! operator, unary ones), sequence (explicit `#[slot(...)]`s), mapping
//! (`__len__`, `__getitem__`, `__setitem__` + `__delitem__`, `__contains__`),
//! `__richcmp__`, `__hash__`, `__call__`, `__del__`.
use hpy::{hpy_class, hpy_methods, HPyResult, Ref, RichCompareOp};

#[hpy_class(module = "snapshot")]
struct Num {
    v: i64,
}

#[hpy_methods]
impl Num {
    #[new]
    fn new(v: i64) -> Num {
        Num { v }
    }

    fn __add__(&self, other: i64) -> Num {
        Num { v: self.v + other }
    }

    fn __radd__(&self, other: i64) -> Num {
        Num { v: other + self.v }
    }

    fn __rsub__(&self, other: i64) -> i64 {
        other - self.v
    }

    fn __pow__(&self, exp: u32, modulo: Option<i64>) -> i64 {
        let p = self.v.pow(exp);
        modulo.map_or(p, |m| p % m)
    }

    fn __iadd__(&mut self, other: i64) {
        self.v += other;
    }

    fn __neg__(&self) -> Num {
        Num { v: -self.v }
    }

    fn __bool__(&self) -> bool {
        self.v != 0
    }

    fn __index__(&self) -> i64 {
        self.v
    }

    fn __hash__(&self) -> i64 {
        self.v
    }

    fn __richcmp__(&self, other: Ref<'_, '_, Num>, op: RichCompareOp) -> bool {
        op.matches(self.v.cmp(&other.v))
    }

    fn __repr__(&self) -> String {
        format!("Num({})", self.v)
    }

    fn __call__(&self, k: i64, offset: Option<i64>) -> i64 {
        self.v * k + offset.unwrap_or(0)
    }

    fn __del__(&mut self) {}
}

#[hpy_class(module = "snapshot")]
struct Seq {
    items: Vec<i64>,
}

#[hpy_methods]
impl Seq {
    #[new]
    fn new() -> Seq {
        Seq { items: Vec::new() }
    }

    #[slot(sq_length)]
    fn length(&self) -> usize {
        self.items.len()
    }

    #[slot(sq_item)]
    fn item(&self, i: isize) -> HPyResult<i64> {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.items.get(i).copied())
            .ok_or_else(|| hpy::HPyErr::index_error("out of range"))
    }

    #[slot(sq_ass_item)]
    fn assign(&mut self, i: isize, value: Option<i64>) {
        let _ = (i, value);
    }

    #[slot(sq_concat)]
    fn concat(&self, other: Ref<'_, '_, Seq>) -> Seq {
        Seq {
            items: self.items.iter().chain(&other.items).copied().collect(),
        }
    }

    #[slot(sq_repeat)]
    fn repeat(&self, n: isize) -> Seq {
        Seq {
            items: self.items.repeat(n.max(0) as usize),
        }
    }
}

#[hpy_class(module = "snapshot")]
struct Map {
    items: Vec<(String, i64)>,
}

#[hpy_methods]
impl Map {
    #[new]
    fn new() -> Map {
        Map { items: Vec::new() }
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __getitem__(&self, key: &str) -> Option<i64> {
        self.items.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    fn __setitem__(&mut self, key: String, value: i64) {
        self.items.push((key, value));
    }

    fn __delitem__(&mut self, key: &str) {
        self.items.retain(|(k, _)| k != key);
    }

    fn __contains__(&self, key: &str) -> bool {
        self.items.iter().any(|(k, _)| k == key)
    }
}

fn main() {}
