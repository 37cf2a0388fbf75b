//! Every compile error the macros can give a user has a compile-fail case in
//! `hpy/tests/ui/` whose committed `.stderr` shows it.
//!
//! The backend's sources are scanned for the messages they emit:
//! `syn::Error::new(span, MSG)` and `syn::Error::new_spanned(tokens, MSG)`,
//! `meta.error(MSG)`, the slot-arity helper `expect_python(n, MSG, errors)`,
//! and `assert!(cond, MSG)` / `compile_error!(MSG)` inside `quote!` (checks
//! the generated code makes at compile time). Unit-test code
//! (`#[cfg(test)]`) is skipped. Each message must match an entry of
//! [`COVERED`] (naming its ui case) or [`UNREACHABLE`] (saying why no user can
//! hit it), and every entry must still match a message.
//!
//! A new error message fails here until it gets a ui case:
//! write `hpy/tests/ui/<name>.rs`, run
//! `TRYBUILD=overwrite cargo test -p hpy --test compile_fail`, check that
//! the `.stderr` shows the intended error, and add `(message, "<name>")`
//! below.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// (a part of the message, as written in the source, that identifies it;
/// the ui case under `hpy/tests/ui/` showing it). `{...}` stands for what
/// `format!` fills in: the `.stderr` must contain every part between them.
#[rustfmt::skip]
const COVERED: &[(&str, &str)] = &[
    // #[hpy_method] and the parameters shared with class methods
    ("only one calling convention may be given", "method_two_conventions"),
    ("unknown #[hpy_method] option", "method_unknown_option"),
    ("module-level functions and cannot take `self`", "method_takes_self"),
    ("parameters must be plain identifiers", "method_pattern_parameter"),
    ("a required parameter cannot follow an optional", "method_required_after_optional"),
    ("a `VarArgs` parameter takes the positional arguments after the named ones", "method_varargs_with_parameters"),
    ("only one `VarArgs` parameter may be given", "method_two_varargs"),
    // signature = (...)
    ("unknown option; expected `signature = (...)`", "signature_unknown_new_option"),
    ("`**kwargs` must come last in the signature", "signature_kwargs_not_last"),
    ("`/` must come once, after at least one parameter and before `*`", "signature_slash_first"),
    ("only one `*` or `*args` may be given", "signature_two_stars"),
    ("the function has no parameter `{wanted}`", "signature_unknown_parameter"),
    ("the signature must list the parameters in the order of the function's", "signature_wrong_order"),
    ("`*args` needs a `hpy::VarArgs` parameter", "signature_star_args_not_varargs"),
    ("`**kwargs` needs a parameter of type `Option<Handle>` or `Handle`", "signature_kwargs_not_a_dict"),
    ("a parameter without a default cannot follow one with a default", "signature_default_then_required"),
    ("a `VarArgs` parameter is written `*name` in the signature", "signature_varargs_without_star"),
    ("parameter `{name}` is missing from the signature", "signature_missing_parameter"),
    ("a `signature` decides the calling convention: leave this out", "signature_with_convention"),
    ("`VarArgs` functions use the `varargs` convention", "method_varargs_convention"),
    ("`noargs` functions take no Python parameters", "method_noargs_with_parameters"),
    ("`o` functions take exactly one required Python parameter", "method_o_two_parameters"),
    ("cannot be async", "method_async"),
    ("a borrowed argument lasts only while the arguments are read", "method_borrow_with_the_calls_lifetime"),
    ("cannot be C-variadic", "method_c_variadic"),
    ("cannot have type or const parameters", "method_generic"),
    ("the doc comment cannot contain a NUL character", "method_doc_nul"),
    // (also `methods_method_name_nul` for `#[method(name)]` and
    // `class_member_name_nul` for `#[member(name)]`)
    ("the Python name cannot contain a NUL character", "method_name_nul"),
    ("class methods take `&self` or `&mut self`", "methods_self_by_value"),
    ("a returned handle lives as long as the call: name its lifetime", "method_missing_ctx_lifetime"),
    ("`Context` is `Copy`: take it by value", "method_context_by_ref"),
    // (also `methods_returns_static_handle`, `method_static_handle_param`
    // and `context_is_fresh_per_call` for a `Context<'static>`)
    ("lasts one call, so it is never `'static`: write the call's lifetime", "method_returns_static_handle"),
    ("next to `self`, `'_` is the lifetime of the borrow of `self`, not the", "methods_elided_self_lifetime"),
    ("a Python argument cannot be borrowed `&mut`", "method_mut_ref_parameter"),
    ("PyO3's `#[pyo3(...)]` options go in the attribute itself", "method_pyo3_attr"),
    // hpy_module!
    ("`{key_name}` is given twice", "module_entry_twice"),
    ("`{name}` {why}", "submodule_top_module_keys"),
    ("hpy_submodule! needs `name: <submodule name>`", "submodule_without_name"),
    ("the only attribute a `types:` entry takes is `#[unexported]`", "module_type_unknown_attribute"),
    ("unknown hpy_module! entry", "module_unknown_entry"),
    ("either as `doc:` or as `///`, not both", "module_doc_twice"),
    ("the docstring cannot contain a NUL character", "module_doc_nul"),
    // #[hpy_class]
    ("unknown #[hpy_class] option", "class_unknown_option"),
    ("unknown #[member] option", "class_member_unknown_option"),
    ("#[hpy_class] structs cannot be generic", "class_generic"),
    // (also `class_generic_with_methods`: still one error)
    ("a #[hpy_class] struct cannot borrow (no lifetime parameters)", "class_generic_lifetime"),
    ("#[hpy_class] goes on a struct", "class_on_union"),
    ("a #[hpy_class] enum needs at least one variant", "enum_empty"),
    ("whose variants carry data cannot have unit variants", "enum_data_with_unit_variant"),
    ("a #[hpy_class] enum with data has no discriminants", "enum_data_discriminant"),
    ("#[member] goes on a struct's fields: every field of an enum variant", "enum_data_member"),
    ("a #[hpy_class] enum cannot be generic", "enum_data_generic"),
    // (also `enum_data_refused_options` for an enum with data)
    ("#[member] goes on a struct's fields, not on an enum's variants", "enum_member_on_variant"),
    ("is not an option of a #[hpy_class] enum: {why}", "enum_refused_options"),
    ("`dict` and `weakref` are for classes based on `object`", "class_dict_with_extends"),
    ("a #[member] is always readable", "member_set_only"),
    ("`readonly` and `set` contradict each other", "member_readonly_and_set"),
    ("a class cannot hold a `Handle`: a handle lasts one call", "class_handle_field"),
    // (also `class_handle_field_ctx` for `Handle<'ctx>` and
    // `handle_in_object_data` for `Option<Handle<'static>>`)
    ("a class cannot hold a `Context`", "class_context_field"),
    ("a class cannot hold a caught exception", "class_caught_field"),
    ("use `std::sync::Arc` instead of `Rc`", "class_rc_field"),
    ("not `#[pyo3(get, set)]`", "class_pyo3_field_attr"),
    ("the class name cannot contain a NUL character", "class_name_nul"),
    ("unknown shape; expected one of", "class_unknown_shape"),
    ("`base` must be a builtin type constant", "base_is_rust_class"),
    ("`extends` cannot be combined with `base` or `shape`", "class_extends_with_shape"),
    ("#[member] needs a named field", "class_member_tuple_field"),
    ("`subclass` is only supported for plain classes", "class_subclass_with_shape"),
    ("the class named by `extends` must be declared with `subclass`", "extends_final_class"),
    // #[hpy_methods]
    ("unknown or unsupported slot `{s}`; supported: {}", "methods_unknown_slot"),
    ("is not a Python identifier; an alias is another name for the method", "methods_alias_not_identifier"),
    ("`{name}` is a special method: only a `#[method]` can be its alias, not a `#[{}]`", "methods_alias_special_on_staticmethod"),
    ("unknown #[method] option", "methods_method_unknown_option"),
    ("a method can have only one hpy role attribute", "methods_two_roles"),
    ("`{rust_name}` cannot be a Python slot: {why}", "methods_unsupported_dunder"),
    ("#[hpy_methods] takes no options", "methods_with_options"),
    ("#[hpy_methods] blocks cannot be generic", "methods_generic_impl"),
    ("in an #[hpy_methods] block, PyO3's `#[pyo3(...)]` is written", "methods_pyo3_attr"),
    ("#[hpy_methods] exposes every method of the block: remove `#[hpy_method]`", "methods_hpy_method_inside"),
    ("#[hpy_methods] goes on an inherent impl block", "methods_on_trait_impl"),
    ("an #[init] needs a #[new] without parameters", "methods_init_without_new"),
    ("a Python method takes `&self`, `&mut self` or `slf` first", "methods_no_receiver"),
    // static and class methods
    ("a #[staticmethod] takes no `self`", "staticmethod_takes_self"),
    // (the #[classmethod] branch of the same message: `classmethod_takes_self`)
    ("a #[classmethod] takes the class first", "classmethod_without_class"),
    // #[hpy_class(eq, ord, hash, frozen, str)] and the checks of the methods
    ("`ord` needs `eq` as well", "class_ord_without_eq"),
    ("`hash` needs `eq`", "class_hash_without_eq"),
    ("`hash` needs `frozen`", "class_hash_without_frozen"),
    ("a `frozen` class cannot have a writable #[member]", "class_frozen_writable_member"),
    ("a method of a `frozen` class (an enum class always is) cannot take", "frozen_mut_self"),
    ("a `frozen` class cannot be borrowed as `RefMut`", "frozen_refmut"),
    ("a `frozen` class cannot have a #[setter]", "frozen_setter"),
    ("`__richcmp__` is derived by #[hpy_class(eq)]", "derived_richcmp_by_hand"),
    ("`__hash__` is derived by #[hpy_class(hash)]", "derived_hash_by_hand"),
    ("`__str__` is derived by #[hpy_class(str)]", "derived_str_by_hand"),
    ("setter `{name}` has no #[getter]", "methods_setter_without_getter"),
    ("with an #[init], the #[new] takes no Python parameters", "init_with_new_parameters"),
    ("a #[classattr] takes no parameters", "methods_classattr_parameters"),
    ("an #[init] takes `&mut self` first", "methods_init_without_mut_self"),
    ("a #[getter] takes only `&self`", "methods_getter_parameters"),
    ("a #[setter] takes `&mut self` (or `&self`) and the new value", "methods_setter_parameters"),
    ("#[new] is for plain classes", "methods_new_for_builtin_shape"),
    ("#[new] makes the value, so it takes no `self`", "new_takes_self"),
    ("`__buffer__` must be `fn __buffer__(&self) -> &[T]`", "methods_buffer_signature"),
    // the slot-arity messages: "`{name}` takes {what}" with each `what`
    ("`{name}` takes {what}", "methods_slot_arity"),
    ("only `&self`", "methods_slot_arity"),
    ("`&self` and one argument", "methods_slot_arity"),
    ("`&self` and the item", "methods_slot_arity"),
    ("`&self` and an `isize` index", "methods_slot_arity"),
    ("`&mut self`, an `isize` index and an `Option` value", "methods_slot_arity"),
    ("`&self`, the other object and the `RichCompareOp`", "methods_slot_arity"),
    ("only `&mut self` (or `&self`)", "methods_slot_arity"),
    // #[derive(FromHPy)] / #[derive(IntoHPy)]
    ("unknown #[hpy] option on the type{}; expected `from_item_all`", "derive_from_hpy_type_option_on_field"),
    ("unknown #[hpy] option on a field{}; expected `item`", "derive_from_hpy_field_option_typo"),
    ("takes no lifetime parameters: the fields must be owned values", "derive_from_hpy_lifetime"),
    ("`from_py_with` needs the function that reads the field", "derive_from_py_with_no_path"),
    ("`from_py_with` takes a path, not a string", "derive_from_py_with_string"),
    ("`default` applies to a named field read from an attribute or item", "derive_default_on_tuple_field"),
    ("`#[hpy(transparent)]` is for a struct with exactly one field", "derive_transparent_two_fields"),
    ("#[derive(FromHPy)] cannot read a unit struct or variant", "derive_from_hpy_unit_struct"),
    ("#[derive(FromHPy)] needs at least one variant to try", "derive_from_hpy_empty_enum"),
    ("#[derive(FromHPy)] takes a struct or an enum, not a union", "derive_from_hpy_union"),
    ("#[derive(IntoHPy)] cannot convert a unit struct or variant", "derive_into_hpy_unit_variant"),
    ("#[derive(IntoHPy)] takes a struct or an enum, not a union", "derive_into_hpy_union"),
    // text_signature = "..."
    ("a `text_signature` is one line in parentheses", "method_text_signature_unparenthesized"),
    // hpy_module! constants
    ("a module constant written `NAME = value` needs a plain name before `=`", "module_constant_path_with_value"),
    // keyword sets (#[derive(FromKeywords)], #[hpy(keywords)]) and aliases
    ("the only `#[hpy(...)]` option of a parameter is `keywords`", "keywords_param_option_typo"),
    ("a `#[hpy(keywords)]` parameter's type is a `#[derive(FromKeywords)]` struct", "keywords_type_not_a_path"),
    ("unknown keyword-set field option", "keywords_field_option_typo"),
    ("unknown keyword-set option", "keywords_struct_option_typo"),
    ("`py_default` shows a default: give the value too", "keywords_py_default_alone"),
    ("#[derive(FromKeywords)] needs a struct with named fields", "keywords_tuple_struct"),
    ("a keyword set takes lifetime parameters only", "keywords_type_parameter"),
    ("two parameters are named `{name}` in Python", "keywords_name_clash"),
    ("a keyword set is one plain parameter", "keywords_pattern_parameter"),
    ("the keyword set's required field `{}` cannot follow an optional parameter", "keywords_required_after_optional"),
    ("a keyword set's fields are passed by keyword: put the set after `/`", "keywords_positional_only"),
    ("a keyword set is named alone in the signature", "keywords_default_in_signature"),
    ("a keyword set's fields are passed by keyword: leave the calling convention out", "keywords_with_convention"),
    ("an `alias` is another Python name for the function", "method_alias_not_identifier"),
];

/// (a part of the message; why no user can see it).
#[rustfmt::skip]
const UNREACHABLE: &[(&str, &str)] = &[
    (
        "CARGO_CRATE_NAME is not set",
        "cargo sets CARGO_CRATE_NAME for every crate it compiles, so hpy_module! always has a \
         default name; only a build driving rustc without cargo can hit it \
         (checked by `module_without_crate_name` below)",
    ),
    (
        "is read by `#[hpy_method]` and `#[hpy_methods]` only",
        "the only macros that classify parameters (`#[hpy_method]`, `#[hpy_methods]`) fill \
         every bare `#[hpy(keywords)]` with its set's fields first (keywords::prepare), or \
         expand to the set's macro instead",
    ),
    (
        "expected a constant's path",
        "a `syn::Path` always has at least one segment, so a parsed constant always has a \
         last segment to name it",
    ),
];

fn backend_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            backend_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The value of the first string literal among `tokens`, searching groups.
fn first_string(tokens: &[TokenTree]) -> Option<String> {
    tokens.iter().find_map(|tt| match tt {
        TokenTree::Literal(lit) => syn::parse_str::<syn::LitStr>(&lit.to_string())
            .ok()
            .map(|s| s.value()),
        TokenTree::Group(g) => first_string(&g.stream().into_iter().collect::<Vec<_>>()),
        _ => None,
    })
}

/// The tokens of a call's arguments after the first top-level comma.
fn after_first_comma(args: &TokenStream) -> Vec<TokenTree> {
    args.clone()
        .into_iter()
        .skip_while(|tt| !matches!(tt, TokenTree::Punct(p) if p.as_char() == ','))
        .skip(1)
        .collect()
}

fn is_ident(tt: Option<&TokenTree>, name: &str) -> bool {
    matches!(tt, Some(TokenTree::Ident(i)) if i == name)
}

fn is_punct(tt: Option<&TokenTree>, c: char) -> bool {
    matches!(tt, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

/// Collects the messages of the error-producing calls in `stream`.
fn scan(stream: TokenStream, in_quote: bool, out: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut skip_next_block = false;
    for (i, tt) in tokens.iter().enumerate() {
        let TokenTree::Group(group) = tt else {
            continue;
        };
        let before = |k: usize| i.checked_sub(k).map(|j| &tokens[j]);
        // `#[cfg(test)]`: the next braced block is test code.
        if group.delimiter() == Delimiter::Bracket
            && is_punct(before(1), '#')
            && group.stream().to_string().replace(' ', "") == "cfg(test)"
        {
            skip_next_block = true;
            continue;
        }
        if group.delimiter() == Delimiter::Brace && skip_next_block {
            skip_next_block = false;
            continue;
        }
        // Inside `quote! { ... }` / `quote_spanned! {span=> ... }`: generated code.
        let quoting = in_quote
            || (is_punct(before(1), '!')
                && (is_ident(before(2), "quote") || is_ident(before(2), "quote_spanned")));
        if group.delimiter() != Delimiter::Parenthesis {
            scan(group.stream(), quoting, out);
            continue;
        }
        let args = group.stream();
        let error_new = is_punct(before(2), ':')
            && is_punct(before(3), ':')
            && is_ident(before(4), "Error")
            && (is_ident(before(1), "new") || is_ident(before(1), "new_spanned"));
        let generated_macro =
            |name| in_quote && is_punct(before(1), '!') && is_ident(before(2), name);
        // The message is the second argument of `Error::new(span, MSG)`,
        // `expect_python(n, MSG, errors)` and `assert!(cond, MSG)`, the
        // first of `meta.error(MSG)` and `compile_error!(MSG)`.
        let message =
            if error_new || is_ident(before(1), "expect_python") || generated_macro("assert") {
                first_string(&after_first_comma(&args))
            } else if (is_ident(before(1), "error") && is_punct(before(2), '.'))
                || generated_macro("compile_error")
            {
                first_string(&args.clone().into_iter().collect::<Vec<_>>())
            } else {
                None
            };
        if let Some(m) = message {
            out.push(m);
        }
        scan(args, quoting, out);
    }
}

fn messages() -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    backend_sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read source");
        let tokens = TokenStream::from_str(&text)
            .unwrap_or_else(|e| panic!("{} does not tokenize: {e:?}", file.display()));
        let mut messages = Vec::new();
        scan(tokens, false, &mut messages);
        found.extend(messages.into_iter().map(|m| (m, file.clone())));
    }
    found
}

/// The parts of a table entry between `{...}` placeholders.
fn fixed_parts(key: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = key;
    while let Some(open) = rest.find('{') {
        parts.push(&rest[..open]);
        rest = rest[open..]
            .find('}')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    parts.push(rest);
    parts.into_iter().filter(|p| p.trim().len() >= 3).collect()
}

#[test]
fn scanner_finds_the_messages() {
    let found = messages();
    // Far more than this today; a scanner that stopped matching would find none.
    assert!(
        found.len() >= 40,
        "only {} messages found: {found:?}",
        found.len()
    );
    for known in [
        "only one calling convention may be given",
        "#[hpy_methods] takes no options",
        "`{key_name}` is given twice",
        "#[new] is for plain classes",
        "only `&mut self` (or `&self`)",
    ] {
        assert!(
            found.iter().any(|(m, _)| m.contains(known)),
            "the scanner misses {known:?}"
        );
    }
    // Unit tests are skipped: their strings are not messages.
    assert!(!found.iter().any(|(m, _)| m.contains("should use")));
}

#[test]
fn every_error_message_has_a_ui_case() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../hpy/tests/ui");
    let found = messages();
    let mut problems = Vec::new();
    for (message, file) in &found {
        let known = COVERED
            .iter()
            .map(|(k, _)| *k)
            .chain(UNREACHABLE.iter().map(|(k, _)| *k));
        if !known.clone().any(|k| message.contains(k)) {
            problems.push(format!(
                "{}: {message:?} has no compile-fail case (see the top of this file)",
                file.file_name().expect("name").to_string_lossy()
            ));
        }
    }
    for (key, case) in COVERED {
        if !found.iter().any(|(m, _)| m.contains(key)) {
            problems.push(format!(
                "{key:?} ({case}) is no longer emitted: remove the entry"
            ));
        }
        let rs = ui.join(format!("{case}.rs"));
        let stderr_path = ui.join(format!("{case}.stderr"));
        if !rs.exists() {
            problems.push(format!("{key:?}: {} is missing", rs.display()));
        }
        match std::fs::read_to_string(&stderr_path) {
            Ok(stderr) => {
                for part in fixed_parts(key) {
                    if !stderr.contains(part) {
                        problems.push(format!("{key:?}: {case}.stderr does not show {part:?}"));
                    }
                }
            }
            Err(e) => problems.push(format!(
                "{key:?}: cannot read {}: {e}",
                stderr_path.display()
            )),
        }
    }
    for (key, _) in UNREACHABLE {
        if !found.iter().any(|(m, _)| m.contains(key)) {
            problems.push(format!(
                "{key:?} (unreachable) is no longer emitted: remove the entry"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The one message no cargo build shows, checked through the backend.
#[test]
fn module_without_crate_name() {
    let err = hpy_macros_backend::expand_hpy_module(quote::quote!(methods: []), None)
        .expect_err("no name and no crate name");
    assert!(
        err.to_string().contains("CARGO_CRATE_NAME is not set"),
        "{err}"
    );
}
