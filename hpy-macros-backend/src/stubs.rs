//! Type-stub descriptions: what each macro knows about the Python side of
//! its item, as one JSON line that `hpy_module!` gathers into the binary
//! (`impl_::stubs`) and `cargo hpy` renders into a `.pyi` without loading
//! the module.
//!
//! Python types come from the Rust types as written (the macros see tokens,
//! not resolved types): std scalars, strings, collections, `Option`,
//! tuples and hpy's typed handles map to their Python names; any other
//! named type is written `{Name}` (its last path segment), which the tool
//! replaces with the Python name of the class of that Rust name in the
//! module, or `Any`.

use syn::{GenericArgument, PathArguments, ReturnType, Type};

/// `s` as a JSON string literal.
pub(crate) fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `Some(s)` as a JSON string, `None` as `null`.
pub(crate) fn json_opt(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_owned(), json_str)
}

/// A JSON object from `(key, already-encoded value)` pairs.
pub(crate) fn json_object(fields: &[(&str, String)]) -> String {
    let inner: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", json_str(k)))
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// Where a type stands: a parameter (what Python may pass) or a result.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    Param,
    Return,
}

fn generic_types(args: &PathArguments) -> Vec<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `ty` is `u8` (a byte: `Vec<u8>` is `bytes`).
fn is_u8(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.get_ident().is_some_and(|i| i == "u8"))
}

/// The Python annotation of a Rust type.
pub(crate) fn py_type(ty: &Type, pos: Position) -> String {
    let any = || match pos {
        Position::Param => "object".to_owned(),
        Position::Return => "typing.Any".to_owned(),
    };
    match ty {
        Type::Reference(r) => py_type(&r.elem, pos),
        Type::Group(g) => py_type(&g.elem, pos),
        Type::Paren(p) => py_type(&p.elem, pos),
        Type::Tuple(t) if t.elems.is_empty() => "None".to_owned(),
        Type::Tuple(t) => {
            let items: Vec<String> = t.elems.iter().map(|e| py_type(e, pos)).collect();
            format!("tuple[{}]", items.join(", "))
        }
        Type::Slice(syn::TypeSlice { elem: s, .. })
        | Type::Array(syn::TypeArray { elem: s, .. })
            if is_u8(s) =>
        {
            "bytes".to_owned()
        }
        Type::Slice(syn::TypeSlice { elem, .. }) | Type::Array(syn::TypeArray { elem, .. }) => {
            format!("list[{}]", py_type(elem, pos))
        }
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return any();
            };
            let args = generic_types(&last.arguments);
            let arg = |i: usize| args.get(i).map_or_else(any, |t| py_type(t, pos));
            let name = last.ident.to_string();
            match name.as_str() {
                "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64"
                | "u128" | "usize" | "BigInt" | "BigUint" | "Long" => "int".to_owned(),
                n if n.starts_with("NonZero") => "int".to_owned(),
                "f32" | "f64" | "Float" | "OrderedFloat" | "NotNan" => "float".to_owned(),
                "bool" => "bool".to_owned(),
                "str" | "String" | "char" | "Str" | "PathBuf" | "OsString" => "str".to_owned(),
                "Cow" => match args.first() {
                    Some(Type::Slice(_)) => "bytes".to_owned(),
                    _ => "str".to_owned(),
                },
                "Bytes" | "BytesMut" | "Buffer" => "bytes".to_owned(),
                "Vec" | "SmallVec" | "VecDeque" | "LinkedList"
                    if args.first().is_some_and(|t| is_u8(t)) =>
                {
                    "bytes".to_owned()
                }
                "SmallVec" => match args.first() {
                    Some(Type::Array(a)) if is_u8(&a.elem) => "bytes".to_owned(),
                    Some(Type::Array(a)) => format!("list[{}]", py_type(&a.elem, pos)),
                    _ => format!("list[{}]", arg(0)),
                },
                "Vec" | "VecDeque" | "LinkedList" | "BinaryHeap" => {
                    format!("list[{}]", arg(0))
                }
                "IpAddr" => match pos {
                    Position::Param => "ipaddress.IPv4Address | ipaddress.IPv6Address | str",
                    Position::Return => "ipaddress.IPv4Address | ipaddress.IPv6Address",
                }
                .to_owned(),
                "Ipv4Addr" => "ipaddress.IPv4Address".to_owned(),
                "Ipv6Addr" => "ipaddress.IPv6Address".to_owned(),
                "Tz" | "Local" => "zoneinfo.ZoneInfo".to_owned(),
                "HashSet" | "BTreeSet" | "IndexSet" => format!("set[{}]", arg(0)),
                "FrozenSet" => "frozenset[typing.Any]".to_owned(),
                "HashMap" | "BTreeMap" | "IndexMap" => format!("dict[{}, {}]", arg(0), arg(1)),
                "Option" => format!("{} | None", arg(0)),
                "Box" | "Arc" | "Rc" => arg(0),
                "Result" | "HPyResult" | "PyResult" => arg(0),
                "Either" => format!("{} | {}", arg(0), arg(1)),
                "Handle" | "Borrowed" | "Object" => any(),
                "VarArgs" => "tuple[typing.Any, ...]".to_owned(),
                "List" => "list[typing.Any]".to_owned(),
                "Dict" => "dict[typing.Any, typing.Any]".to_owned(),
                "Tuple" => "tuple[typing.Any, ...]".to_owned(),
                "Type" => "type".to_owned(),
                "Duration" | "TimeDelta" | "SignedDuration" => "datetime.timedelta".to_owned(),
                "NaiveDate" | "Date" => "datetime.date".to_owned(),
                "NaiveTime" | "Time" => "datetime.time".to_owned(),
                "NaiveDateTime" | "DateTime" | "SystemTime" | "Zoned" | "Timestamp"
                | "PrimitiveDateTime" | "OffsetDateTime" | "UtcDateTime" => {
                    "datetime.datetime".to_owned()
                }
                "Uuid" => "uuid.UUID".to_owned(),
                "Decimal" | "BigDecimal" => "decimal.Decimal".to_owned(),
                "Ratio" => "fractions.Fraction".to_owned(),
                "Complex" => "complex".to_owned(),
                "Ref" | "RefMut" => args.last().map_or_else(any, |t| py_type(t, pos)),
                // A class of the module (or `Self`), resolved by the tool.
                _ => format!("{{{name}}}"),
            }
        }
        _ => any(),
    }
}

/// The annotation of a function's result (`None` for `()`).
pub(crate) fn return_type(output: &ReturnType) -> String {
    match output {
        ReturnType::Default => "None".to_owned(),
        ReturnType::Type(_, ty) => py_type(ty, Position::Return),
    }
}

/// One attribute of a class's instances (a `#[member]` field, or a
/// field of an enum variant).
pub(crate) struct AttributeStub<'a> {
    pub name: String,
    pub ty: &'a Type,
    pub readonly: bool,
    pub doc: Option<String>,
}

fn attributes_json(attributes: &[AttributeStub<'_>]) -> String {
    let items: Vec<String> = attributes
        .iter()
        .map(|a| {
            json_object(&[
                ("name", json_str(&a.name)),
                ("ty", json_str(&py_type(a.ty, Position::Return))),
                ("readonly", a.readonly.to_string()),
                ("doc", json_opt(a.doc.as_deref())),
            ])
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// The description of a variant class of an enum with data.
pub(crate) struct VariantStub<'a> {
    pub name: String,
    pub fields: Vec<AttributeStub<'a>>,
}

/// What `#[hpy_class]` knows about a class.
pub(crate) struct ClassStub<'a> {
    pub rust_name: String,
    pub py_name: String,
    pub doc: Option<String>,
    /// The base as an annotation (`float`, `{Parent}`), if not `object`.
    pub base: Option<String>,
    /// The metaclass (`{Meta}`), if not `type`.
    pub metaclass: Option<String>,
    pub members: Vec<AttributeStub<'a>>,
    /// The variants of an enum of unit variants.
    pub unit_variants: Vec<String>,
    /// The variant classes of an enum with data.
    pub data_variants: Vec<VariantStub<'a>>,
    /// Special methods the class options derive (`eq`, `hash`, `str`).
    pub dunders: Vec<&'static str>,
    pub subclass: bool,
}

impl ClassStub<'_> {
    /// The class's JSON line (with its newline).
    pub(crate) fn to_json(&self) -> String {
        let variants: Vec<String> = self
            .data_variants
            .iter()
            .map(|v| {
                json_object(&[
                    ("name", json_str(&v.name)),
                    ("fields", attributes_json(&v.fields)),
                ])
            })
            .collect();
        let list = |items: &[String]| {
            format!(
                "[{}]",
                items
                    .iter()
                    .map(|s| json_str(s))
                    .collect::<Vec<_>>()
                    .join(",")
            )
        };
        let dunders: Vec<String> = self.dunders.iter().map(|d| (*d).to_owned()).collect();
        json_object(&[
            ("k", json_str("class")),
            ("rust", json_str(&self.rust_name)),
            ("name", json_str(&self.py_name)),
            ("doc", json_opt(self.doc.as_deref())),
            ("base", json_opt(self.base.as_deref())),
            ("metaclass", json_opt(self.metaclass.as_deref())),
            ("members", attributes_json(&self.members)),
            ("unit_variants", list(&self.unit_variants)),
            ("data_variants", format!("[{}]", variants.join(","))),
            ("dunders", list(&dunders)),
            ("subclass", self.subclass.to_string()),
        ]) + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> String {
        py_type(&syn::parse_str(s).unwrap(), Position::Param)
    }

    #[test]
    fn maps_rust_types_to_python_annotations() {
        for (rust, python) in [
            ("i64", "int"),
            ("f64", "float"),
            ("&str", "str"),
            ("String", "str"),
            ("bool", "bool"),
            ("Vec<i64>", "list[int]"),
            ("Vec<u8>", "bytes"),
            ("&[u8]", "bytes"),
            ("Option<f64>", "float | None"),
            ("HashMap<String, Vec<f64>>", "dict[str, list[float]]"),
            ("(i64, String)", "tuple[int, str]"),
            ("()", "None"),
            ("&Handle<'ctx>", "object"),
            ("hpy::List<'ctx>", "list[typing.Any]"),
            ("Ref<'_, 'ctx, Point>", "{Point}"),
            ("&Point", "{Point}"),
            ("HPyResult<Option<Self>>", "{Self} | None"),
            ("SmallVec<[i64; 8]>", "list[int]"),
            ("chrono_tz::Tz", "zoneinfo.ZoneInfo"),
        ] {
            assert_eq!(ty(rust), python, "{rust}");
        }
        assert_eq!(
            py_type(&syn::parse_str("Handle<'ctx>").unwrap(), Position::Return),
            "typing.Any"
        );
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_str("a\"b\\c\nd\u{1}"), r#""a\"b\\c\nd\u0001""#);
        assert_eq!(json_opt(None), "null");
        assert_eq!(
            json_object(&[("k", json_str("fn")), ("n", "1".into())]),
            r#"{"k":"fn","n":1}"#
        );
    }
}
