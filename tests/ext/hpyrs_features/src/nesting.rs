//! Conversions that nest without a bound of their own: `Serde<T>` of a
//! recursive `Deserialize`/`Serialize` type and a derived type that
//! contains itself, given cycles and very deep data
//! (`tests/python/test_conv_nesting.py`).

use hpy::{hpy_method, Context, FromHPy, HPyResult, Handle, IntoHPy};
use serde_json::Value;

/// A derived type that contains itself: read from a dict's items, written
/// as a dict.
#[derive(FromHPy, IntoHPy)]
#[hpy(from_item_all)]
pub(crate) struct Tree {
    label: i64,
    children: Children,
}

/// A tree's children. Freed without recursion, so that a tree 10⁵ deep
/// made in Rust can be dropped at all (Rust's own drop glue would recurse
/// once per level and overflow the stack).
pub(crate) struct Children(Vec<Tree>);

impl<'a, 'ctx> FromHPy<'a, 'ctx> for Children {
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        obj.extract().map(Children)
    }
}

impl<'ctx> IntoHPy<'ctx> for Children {
    fn into_hpy(mut self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        core::mem::take(&mut self.0).into_hpy(ctx)
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        let mut pending = core::mem::take(&mut self.0);
        while let Some(mut tree) = pending.pop() {
            pending.append(&mut tree.children.0);
        }
    }
}

/// How many nodes a tree has.
fn count(tree: &Tree) -> usize {
    let mut n = 0;
    let mut pending = vec![tree];
    while let Some(t) = pending.pop() {
        n += 1;
        pending.extend(&t.children.0);
    }
    n
}

/// The number of nodes of a `Tree` read from nested dicts.
#[hpy_method]
pub(crate) fn tree_size(tree: Tree) -> usize {
    count(&tree)
}

/// A chain of `depth` trees, each the only child of the one before,
/// written to Python (`{"label": 1, "children": [{"label": 2, ...}]}`).
#[hpy_method]
pub(crate) fn tree_chain(depth: usize) -> Tree {
    let mut tree = Tree {
        label: depth as i64,
        children: Children(Vec::new()),
    };
    for label in (1..depth).rev() {
        tree = Tree {
            label: label as i64,
            children: Children(vec![tree]),
        };
    }
    tree
}

/// A JSON value `depth` containers deep, written to Python with
/// `hpy::serde::to_object`: `[[[...null...]]]` for `kind == "list"`,
/// `{"a": {"a": ...}}` for `"dict"`.
#[hpy_method]
pub(crate) fn serde_nested<'ctx>(
    ctx: Context<'ctx>,
    kind: &str,
    depth: usize,
) -> HPyResult<Handle<'ctx>> {
    let mut value = Value::Null;
    for _ in 0..depth {
        value = match kind {
            "list" => Value::Array(vec![value]),
            _ => Value::Object([(String::from("a"), value)].into_iter().collect()),
        };
    }
    let result = hpy::serde::to_object(ctx, &value);
    // Taken apart level by level: serde_json's drop glue would recurse.
    loop {
        value = match value {
            Value::Array(mut items) => items.pop().unwrap_or(Value::Null),
            Value::Object(mut map) => map.remove("a").unwrap_or(Value::Null),
            _ => break,
        };
    }
    result
}
