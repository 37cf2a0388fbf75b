//! Layout test: compiles `tests/layout_probe.c` against the installed HPy (and,
//! for the CPython ABI, Python) headers for the ABI this test is built with,
//! runs it, and compares every size, alignment, field offset/size and constant
//! it prints with the Rust side (`tests/generated/layout_rust.rs`).

#[allow(unused_imports)]
use core::ffi::{c_char, c_int, c_long, c_ulong, c_void};
#[allow(unused_imports)]
use core::mem::{align_of, offset_of, size_of};
#[allow(unused_imports)]
use hpy_sys::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// Size of the field that `get` projects to (the closure is never called).
#[allow(dead_code)]
fn fsize<T, F>(_get: fn(&T) -> &F) -> usize {
    size_of::<F>()
}

mod generated {
    use super::*;
    include!("generated/layout_rust.rs");
}

/// Runs a compiled probe and parses its `key value` lines.
fn parse_probe_output(exe: &std::path::Path) -> BTreeMap<String, i128> {
    let out = Command::new(exe)
        .output()
        .expect("cannot run the layout probe");
    assert!(out.status.success(), "the layout probe failed");
    let mut map = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let (k, v) = line.rsplit_once(' ').expect("malformed probe line");
        let old = map.insert(k.to_string(), v.parse::<i128>().expect("bad value"));
        assert!(old.is_none(), "duplicate probe key {k}");
    }
    map
}

/// Compiles and runs the generated probe against HPy's headers, or says
/// why it cannot (the Python has no `hpy==0.9.0`: its headers are only
/// needed here, never to build an extension).
fn run_probe() -> Result<BTreeMap<String, i128>, String> {
    let info = hpy_build_config::discover_python().unwrap_or_else(|e| panic!("{e}"));
    let hpy_include = info.hpy_include_dir.clone()?;
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let abi = if cfg!(feature = "universal") {
        "universal"
    } else {
        "cpython"
    };
    let exe = out_dir.join(format!("hpy_layout_probe_{abi}"));
    let mut build = cc::Build::new();
    build
        .target(env!("HPY_SYS_TARGET"))
        .host(env!("HPY_SYS_HOST"))
        .opt_level(0)
        .debug(false)
        .cargo_metadata(false)
        .warnings(false)
        .include(&hpy_include);
    if cfg!(feature = "universal") {
        build.define("HPY_ABI_UNIVERSAL", None);
    } else {
        let info = hpy_build_config::discover_cpython().unwrap_or_else(|e| panic!("{e}"));
        build
            .define("HPY_ABI_CPYTHON", None)
            .include(&info.include_dir);
    }
    let mut cmd = build.get_compiler().to_command();
    let probe = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/layout_probe.c");
    cmd.arg(probe).arg("-o").arg(&exe);
    let status = cmd.status().expect("cannot run the C compiler");
    assert!(status.success(), "compiling {probe} failed: {cmd:?}");
    Ok(parse_probe_output(&exe))
}

#[test]
fn layout_matches_the_c_headers() {
    let c = match run_probe() {
        Ok(c) => c,
        Err(why) => {
            // The CPython structs are still checked, by the test below.
            println!("SKIPPED: HPy header layout not compared: {why} (the hpy==0.9.0 headers are only needed for this comparison; HPy's structs do not depend on the Python version and are compared under CPython 3.11)");
            return;
        }
    };
    let rust = generated::rust_entries();
    let mut mismatches = Vec::new();
    let mut seen = BTreeMap::new();
    for (key, value) in &rust {
        assert!(seen.insert(*key, ()).is_none(), "duplicate Rust key {key}");
        match c.get(*key) {
            None => mismatches.push(format!("{key}: missing from the C probe")),
            Some(cv) if cv != value => mismatches.push(format!("{key}: Rust {value}, C {cv}")),
            Some(_) => {}
        }
    }
    for key in c.keys() {
        if !seen.contains_key(key.as_str()) {
            mismatches.push(format!("{key}: missing on the Rust side"));
        }
    }
    let ctx_fields = |prefix: &str| {
        rust.iter()
            .filter(|(k, _)| k.starts_with(&format!("offset:HPyContext.{prefix}")))
            .count()
    };
    let (handles, functions) = (ctx_fields("h_"), ctx_fields("ctx_"));
    let abi = if cfg!(feature = "universal") {
        "universal"
    } else {
        "CPython"
    };
    println!("{abi} ABI: checked {} layout entries", rust.len());
    println!(
        "checked {} HPyContext fields ({handles} handles + {functions} functions)",
        handles + functions
    );
    if cfg!(feature = "universal") {
        assert_eq!((handles, functions), (83, 180));
    } else {
        assert_eq!((handles, functions), (83, 0));
    }
    assert!(
        mismatches.is_empty(),
        "{} layout mismatch(es):\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

// ---------------------------------------------------------------------------
// CPython's own structs (src/cpython/ffi.rs), against the Python.h of the
// interpreter this test is built for: needs no hpy package.
// ---------------------------------------------------------------------------

#[cfg(not(feature = "universal"))]
fn cpython_rust_entries() -> Vec<(String, i128)> {
    use hpy_sys::cpython::ffi::*;
    use hpy_sys::cpython::runtime::builtin_sizes;
    let mut v: Vec<(String, i128)> = Vec::new();
    macro_rules! off {
        ($t:ident . $($f:tt)+) => {
            v.push((
                concat!("offset:", stringify!($t), ".", $(stringify!($f)),+).to_string(),
                offset_of!($t, $($f)+) as i128,
            ))
        };
    }
    macro_rules! off_as {
        ($key:literal, $t:ident . $f:ident) => {
            v.push((
                concat!("offset:", $key).to_string(),
                offset_of!($t, $f) as i128,
            ))
        };
    }
    macro_rules! size {
        ($t:ident) => {
            v.push((concat!("size:", stringify!($t)).to_string(), size_of::<$t>() as i128))
        };
        ($key:literal, $e:expr) => {
            v.push((concat!("size:", $key).to_string(), $e as i128))
        };
    }
    macro_rules! konst {
        ($($c:ident),* $(,)?) => {$(
            v.push((concat!("const:", stringify!($c)).to_string(), $c as i128));
        )*};
    }
    size!(PyObject);
    off!(PyObject.ob_refcnt);
    off!(PyObject.ob_type);
    size!(PyVarObject);
    off!(PyVarObject.ob_size);
    size!(PyTypeObject);
    off!(PyTypeObject.tp_name);
    off!(PyTypeObject.tp_basicsize);
    off!(PyTypeObject.tp_itemsize);
    off!(PyTypeObject.tp_dealloc);
    off!(PyTypeObject.tp_vectorcall_offset);
    off!(PyTypeObject.tp_as_async);
    off!(PyTypeObject.tp_as_number);
    off!(PyTypeObject.tp_as_sequence);
    off!(PyTypeObject.tp_as_mapping);
    off!(PyTypeObject.tp_call);
    off!(PyTypeObject.tp_as_buffer);
    off!(PyTypeObject.tp_flags);
    off!(PyTypeObject.tp_doc);
    off!(PyTypeObject.tp_traverse);
    off!(PyTypeObject.tp_clear);
    off!(PyTypeObject.tp_weaklistoffset);
    off!(PyTypeObject.tp_members);
    off!(PyTypeObject.tp_base);
    off!(PyTypeObject.tp_dict);
    off!(PyTypeObject.tp_dictoffset);
    off!(PyTypeObject.tp_alloc);
    off!(PyTypeObject.tp_new);
    off!(PyTypeObject.tp_free);
    off!(PyTypeObject.tp_bases);
    off!(PyTypeObject.tp_mro);
    off!(PyTypeObject.tp_cache);
    off!(PyTypeObject.tp_subclasses);
    off!(PyTypeObject.tp_weaklist);
    off!(PyTypeObject.tp_del);
    off!(PyTypeObject.tp_version_tag);
    off!(PyTypeObject.tp_finalize);
    off!(PyTypeObject.tp_vectorcall);
    size!("PyHeapTypeObject", builtin_sizes::HEAP_TYPE);
    off!(PyHeapTypeObject.as_async);
    off!(PyHeapTypeObject.as_number);
    off!(PyHeapTypeObject.as_mapping);
    off!(PyHeapTypeObject.as_sequence);
    off!(PyHeapTypeObject.as_buffer);
    off!(PyHeapTypeObject.ht_name);
    off!(PyHeapTypeObject.ht_slots);
    off!(PyHeapTypeObject.ht_qualname);
    off!(PyHeapTypeObject.ht_cached_keys);
    off!(PyHeapTypeObject.ht_module);
    off!(PyHeapTypeObject._ht_tpname);
    size!("PyLongObject", builtin_sizes::LONG);
    size!("PyFloatObject", builtin_sizes::FLOAT);
    size!("PyUnicodeObject", builtin_sizes::UNICODE);
    size!("PyTupleObject", builtin_sizes::TUPLE);
    size!("PyListObject", builtin_sizes::LIST);
    v.push((
        "offset:PyTupleObject.ob_item".into(),
        hpy_sys::cpython::PyTupleObject_ob_item_OFFSET as i128,
    ));
    // hpy-sys reads a list's item pointer right after its header.
    v.push((
        "offset:PyListObject.ob_item".into(),
        size_of::<PyVarObject>() as i128,
    ));
    v.push((
        "offset:PyBytesObject.ob_sval".into(),
        hpy_sys::cpython::PyBytesObject_ob_sval_OFFSET as i128,
    ));
    size!(PyType_Slot);
    off!(PyType_Slot.pfunc);
    size!(PyType_Spec);
    off!(PyType_Spec.basicsize);
    off!(PyType_Spec.itemsize);
    off!(PyType_Spec.flags);
    off!(PyType_Spec.slots);
    size!(PyMethodDef);
    off!(PyMethodDef.ml_meth);
    off!(PyMethodDef.ml_flags);
    off!(PyMethodDef.ml_doc);
    size!(PyMemberDef);
    off_as!("PyMemberDef.type", PyMemberDef.type_code);
    off!(PyMemberDef.offset);
    off!(PyMemberDef.flags);
    off!(PyMemberDef.doc);
    size!(PyGetSetDef);
    off!(PyGetSetDef.get);
    off!(PyGetSetDef.set);
    off!(PyGetSetDef.doc);
    off!(PyGetSetDef.closure);
    size!(PyModuleDef_Base);
    off!(PyModuleDef_Base.m_init);
    off!(PyModuleDef_Base.m_index);
    off!(PyModuleDef_Base.m_copy);
    size!(PyModuleDef);
    off!(PyModuleDef.m_name);
    off!(PyModuleDef.m_doc);
    off!(PyModuleDef.m_size);
    off!(PyModuleDef.m_methods);
    off!(PyModuleDef.m_slots);
    off!(PyModuleDef.m_traverse);
    off!(PyModuleDef.m_clear);
    off!(PyModuleDef.m_free);
    size!(PyModuleDef_Slot);
    off!(PyModuleDef_Slot.value);
    konst!(
        Py_TPFLAGS_HEAPTYPE,
        Py_TPFLAGS_HAVE_VECTORCALL,
        Py_TPFLAGS_HAVE_GC,
        Py_TPFLAGS_LONG_SUBCLASS,
        Py_TPFLAGS_LIST_SUBCLASS,
        Py_TPFLAGS_TUPLE_SUBCLASS,
        Py_TPFLAGS_BYTES_SUBCLASS,
        Py_TPFLAGS_UNICODE_SUBCLASS,
        Py_TPFLAGS_DICT_SUBCLASS,
        Py_TPFLAGS_TYPE_SUBCLASS,
        METH_NOARGS,
        METH_O,
        METH_KEYWORDS,
        METH_FASTCALL,
        Py_tp_call,
        Py_tp_clear,
        Py_tp_dealloc,
        Py_tp_doc,
        Py_tp_getset,
        Py_tp_members,
        Py_tp_methods,
        Py_tp_new,
        Py_mod_create,
        Py_mod_exec,
        Py_bf_getbuffer,
        Py_bf_releasebuffer,
        Py_mp_ass_subscript,
        Py_mp_length,
        Py_eval_input,
        Py_file_input,
        Py_single_input,
    );
    // C prints it as a signed 64-bit value.
    v.push((
        "const:PY_VECTORCALL_ARGUMENTS_OFFSET".into(),
        PY_VECTORCALL_ARGUMENTS_OFFSET as i64 as i128,
    ));
    v.push(("const:T_PYSSIZET".into(), Py_T_PYSSIZET as i128));
    v.push(("const:READONLY".into(), Py_READONLY as i128));
    #[cfg(Py_3_12)]
    {
        konst!(Py_mod_multiple_interpreters);
        // hpy-sys passes NULL for "not supported".
        v.push(("const:Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED".into(), 0));
    }
    {
        use hpy_sys::cpython::stdlib::*;
        size!(PyDateTime_Date);
        off!(PyDateTime_Date.hashcode);
        off!(PyDateTime_Date.hastzinfo);
        off!(PyDateTime_Date.data);
        size!(PyDateTime_DateTime);
        off!(PyDateTime_DateTime.hastzinfo);
        off!(PyDateTime_DateTime.data);
        off!(PyDateTime_DateTime.fold);
        off!(PyDateTime_DateTime.tzinfo);
        size!(PyDateTime_Time);
        off!(PyDateTime_Time.hastzinfo);
        off!(PyDateTime_Time.data);
        off!(PyDateTime_Time.fold);
        off!(PyDateTime_Time.tzinfo);
        size!(PyDateTime_Delta);
        off!(PyDateTime_Delta.days);
        off!(PyDateTime_Delta.seconds);
        off!(PyDateTime_Delta.microseconds);
        size!(PyDateTime_CAPI);
        off!(PyDateTime_CAPI.TimeZone_UTC);
        off!(PyDateTime_CAPI.Date_FromDate);
        off!(PyDateTime_CAPI.DateTime_FromDateAndTime);
        off!(PyDateTime_CAPI.Time_FromTime);
        off!(PyDateTime_CAPI.Delta_FromDelta);
        off!(PyDateTime_CAPI.TimeZone_FromTimeZone);
        #[cfg(Py_3_14)]
        {
            size!(PyLongLayout);
            off!(PyLongLayout.digit_size);
            off!(PyLongLayout.digits_order);
            off!(PyLongLayout.digit_endianness);
            size!(PyLongExport);
            off!(PyLongExport.negative);
            off!(PyLongExport.ndigits);
            off!(PyLongExport.digits);
            off!(PyLongExport._reserved);
        }
    }
    v
}

#[cfg(not(feature = "universal"))]
fn compile_and_run(
    probe: &str,
    exe_name: &str,
    includes: &[&std::path::Path],
) -> BTreeMap<String, i128> {
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let exe = out_dir.join(exe_name);
    let mut build = cc::Build::new();
    build
        .target(env!("HPY_SYS_TARGET"))
        .host(env!("HPY_SYS_HOST"))
        .opt_level(0)
        .debug(false)
        .cargo_metadata(false)
        .warnings(false);
    for dir in includes {
        build.include(dir);
    }
    let mut cmd = build.get_compiler().to_command();
    cmd.arg(probe).arg("-o").arg(&exe);
    let status = cmd.status().expect("cannot run the C compiler");
    assert!(status.success(), "compiling {probe} failed: {cmd:?}");
    parse_probe_output(&exe)
}

#[cfg(not(feature = "universal"))]
#[test]
fn cpython_layout_matches_python_h() {
    let info = hpy_build_config::discover_cpython().unwrap_or_else(|e| panic!("{e}"));
    let probe = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/layout_probe_cpython.c");
    let (major, minor) = info.version;
    let c = compile_and_run(
        probe,
        &format!("hpy_layout_probe_cpython{major}{minor}"),
        &[&info.include_dir],
    );
    let rust: BTreeMap<String, i128> = cpython_rust_entries().into_iter().collect();
    let mut mismatches = Vec::new();
    for (key, value) in &rust {
        match c.get(key) {
            None => mismatches.push(format!("{key}: missing from the C probe")),
            Some(cv) if cv != value => mismatches.push(format!("{key}: Rust {value}, C {cv}")),
            Some(_) => {}
        }
    }
    for key in c.keys() {
        if !rust.contains_key(key) {
            mismatches.push(format!("{key}: missing on the Rust side"));
        }
    }
    println!(
        "CPython {major}.{minor} ({}): checked {} CPython layout entries",
        info.python,
        rust.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} CPython layout mismatch(es) for Python {major}.{minor}:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// hpy-sys marks HPy types with bit 21 of `tp_flags`; no `Py_TPFLAGS_*`
/// definition in any header of this Python may use it.
#[cfg(not(feature = "universal"))]
#[test]
fn hpy_type_flag_is_free_in_python_h() {
    let info = hpy_build_config::discover_cpython().unwrap_or_else(|e| panic!("{e}"));
    let bit = hpy_sys::cpython::runtime::HPY_RS_TPFLAGS_HPY_TYPE;
    assert_eq!(bit.count_ones(), 1);
    let shift = bit.trailing_zeros();
    let mut files = Vec::new();
    let mut dirs = vec![info.include_dir.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "h") {
                files.push(p);
            }
        }
    }
    let mut flags = 0;
    let mut users = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for line in text.lines() {
            let l = line.trim_start();
            let Some(rest) = l.strip_prefix("#define") else {
                continue;
            };
            let rest = rest.trim_start();
            if !(rest.starts_with("Py_TPFLAGS_") || rest.starts_with("_Py_TPFLAGS_")) {
                continue;
            }
            flags += 1;
            // `(1UL << N)`, `(3UL << N)` and friends.
            if let Some((lhs, rhs)) = rest.split_once("<<") {
                let n: String = rhs
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                let m: String = lhs
                    .rsplit(|c: char| c == '(' || c.is_whitespace())
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                if let (Ok(n), Ok(m)) = (n.parse::<u32>(), m.parse::<u64>()) {
                    if (m << n) & (1u64 << shift) != 0 {
                        users.push(format!("{}: {}", f.display(), line.trim()));
                    }
                }
            }
        }
    }
    println!(
        "scanned {} Py_TPFLAGS definitions in {} headers: bit {shift} is {}",
        flags,
        files.len(),
        if users.is_empty() { "free" } else { "TAKEN" }
    );
    assert!(
        flags > 20,
        "found only {flags} Py_TPFLAGS definitions: the scan is broken"
    );
    assert!(
        users.is_empty(),
        "bit {shift} of tp_flags is used by CPython:\n{}",
        users.join("\n")
    );
}
