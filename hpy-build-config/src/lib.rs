//! Finds the Python an hpy-rs extension is built for and what it reports
//! about itself: hpy-sys's build script uses it to pick the CPython ABI's
//! version cfgs (`Py_3_12` …) and to refuse interpreters it cannot build
//! for; hpy-sys's and hpy's tests use it to find the interpreter and HPy's
//! C headers they compare against.
//!
//! The interpreter is `$HPY_PYTHON` if set, else `python3`, else `python`
//! ([`python_candidates`]); it is asked once, with a short script, for its
//! implementation, version, include directory and build flags
//! ([`discover_python`]). [`discover_cpython`] adds what the CPython ABI
//! needs: a 64-bit CPython 3.11-3.15 with the GIL, not a `Py_TRACE_REFS`
//! build, with `Python.h` installed.
//!
//! The CPython ABI needs nothing else: the HPy runtime is hpy-sys's own
//! Rust code. The `hpy` package is only looked for by the tests that compare
//! hpy-sys with HPy's C headers (layout probe, generator check);
//! [`PythonInfo::hpy_include_dir`] says where they are.
//!
//! Only `std` is used, so that building it costs an extension's build
//! nothing noticeable.
//!
//! ```no_run
//! match hpy_build_config::discover_cpython() {
//!     Ok(info) => println!("CPython {}.{}", info.version.0, info.version.1),
//!     Err(e) => eprintln!("cannot build for it: {e}"),
//! }
//! ```

use std::path::PathBuf;
use std::process::Command;

/// The HPy version hpy-sys's bindings are generated for (the `hpy` package
/// the tests compare them with must be this one).
pub const HPY_VERSION: &str = "0.9.0";

/// The oldest and newest CPython minor versions the CPython ABI supports.
pub const SUPPORTED_MINORS: (u32, u32) = (11, 15);

/// What the chosen Python reports about itself.
#[derive(Debug, Clone)]
pub struct PythonInfo {
    /// The interpreter command (`$HPY_PYTHON`, `python3` or `python`).
    pub python: String,
    /// `sys.implementation.name`.
    pub implementation: String,
    /// `(major, minor)`.
    pub version: (u32, u32),
    /// `sysconfig` `INCLUDEPY` (where `Python.h` should be).
    pub include_dir: PathBuf,
    /// `Py_DEBUG` build.
    pub py_debug: bool,
    /// `Py_TRACE_REFS` build (different `PyObject` layout).
    pub trace_refs: bool,
    /// `Py_GIL_DISABLED` build (free-threaded, different `PyObject` layout).
    pub gil_disabled: bool,
    /// `sys.maxsize > 2**32`.
    pub is_64bit: bool,
    /// `hpy.devel`'s include directory, if the `hpy==0.9.0` package is
    /// importable there; `Err` says why not. Only the tests need it.
    pub hpy_include_dir: Result<PathBuf, String>,
}

/// Why no usable Python was found.
#[derive(Debug, Clone)]
pub enum Discovery {
    /// No interpreter could be started at all (none on PATH, `HPY_PYTHON`
    /// unset): the build may go on without one (`hpy_no_python`).
    NotFound(String),
    /// An interpreter was found but cannot be built for: a hard error.
    Unusable(String),
}

impl std::fmt::Display for Discovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Discovery::NotFound(m) | Discovery::Unusable(m) => f.write_str(m),
        }
    }
}

/// The interpreters to try, in order: `$HPY_PYTHON` alone if set, else
/// `python3`, then `python` (as PyO3 does with `PYO3_PYTHON`).
pub fn python_candidates() -> Vec<String> {
    match std::env::var("HPY_PYTHON") {
        Ok(p) if !p.is_empty() => vec![p],
        _ => vec!["python3".to_string(), "python".to_string()],
    }
}

/// The first interpreter of [`python_candidates`] (for messages and tools
/// that only need a command name).
pub fn python_command() -> String {
    python_candidates().remove(0)
}

const QUERY: &str = r#"
import os, sys, sysconfig
def out(k, v):
    print('@hpy-rs@ %s=%s' % (k, v))
out('implementation', sys.implementation.name)
out('version', '%d.%d' % sys.version_info[:2])
out('include', sysconfig.get_config_var('INCLUDEPY') or sysconfig.get_paths()['include'])
out('py_debug', int(bool(sysconfig.get_config_var('Py_DEBUG'))))
out('trace_refs', int(bool(sysconfig.get_config_var('Py_TRACE_REFS'))))
out('gil_disabled', int(bool(sysconfig.get_config_var('Py_GIL_DISABLED'))))
out('is_64bit', int(sys.maxsize > 2**32))
try:
    from hpy.devel import HPyDevel
    from hpy.devel.version import __version__
except Exception as e:
    out('hpy_error', repr(e))
else:
    out('hpy_version', __version__)
    out('hpy_include', HPyDevel().include_dir)
"#;

/// Asks the first interpreter of [`python_candidates`] that starts.
pub fn discover_python() -> Result<PythonInfo, Discovery> {
    let candidates = python_candidates();
    let explicit = std::env::var_os("HPY_PYTHON").is_some_and(|p| !p.is_empty());
    let mut tried = Vec::new();
    for python in &candidates {
        let output = match Command::new(python).arg("-c").arg(QUERY).output() {
            Ok(o) => o,
            Err(e) => {
                tried.push(format!("`{python}` ({e})"));
                continue;
            }
        };
        if !output.status.success() {
            return Err(Discovery::Unusable(format!(
                "`{python}` failed to report its configuration ({}); set HPY_PYTHON to a CPython \
                 3.{}-3.{} interpreter: {}",
                output.status,
                SUPPORTED_MINORS.0,
                SUPPORTED_MINORS.1,
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        return parse_query(python, &String::from_utf8_lossy(&output.stdout))
            .map_err(Discovery::Unusable);
    }
    let msg = format!(
        "no Python interpreter found (tried {}): set HPY_PYTHON to a CPython 3.{}-3.{} \
         interpreter with its headers",
        tried.join(", "),
        SUPPORTED_MINORS.0,
        SUPPORTED_MINORS.1
    );
    Err(if explicit {
        Discovery::Unusable(msg)
    } else {
        Discovery::NotFound(msg)
    })
}

fn parse_query(python: &str, stdout: &str) -> Result<PythonInfo, String> {
    let get = |key: &str| -> Option<String> {
        let prefix = format!("@hpy-rs@ {key}=");
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()).map(str::to_string))
    };
    let need = |key: &str| {
        get(key).ok_or_else(|| {
            format!(
                "`{python}` did not report `{key}`: set HPY_PYTHON to a CPython 3.x interpreter"
            )
        })
    };
    let flag = |key: &str| need(key).map(|v| v == "1");
    let version = need("version")?;
    let bad = || format!("`{python}` reported a malformed version `{version}`");
    let (major, minor) = version.split_once('.').ok_or_else(bad)?;
    let hpy_include_dir = match (get("hpy_error"), get("hpy_version"), get("hpy_include")) {
        (Some(err), _, _) => Err(format!("`{python}` cannot import hpy.devel ({err})")),
        (None, Some(v), Some(dir)) if v == HPY_VERSION => Ok(PathBuf::from(dir)),
        (None, Some(v), _) => Err(format!("`{python}` has hpy {v}, not {HPY_VERSION}")),
        _ => Err(format!("`{python}` did not report hpy.devel")),
    };
    Ok(PythonInfo {
        implementation: need("implementation")?,
        version: (
            major.parse().map_err(|_| bad())?,
            minor.parse().map_err(|_| bad())?,
        ),
        include_dir: need("include")?.into(),
        py_debug: flag("py_debug")?,
        trace_refs: flag("trace_refs")?,
        gil_disabled: flag("gil_disabled")?,
        is_64bit: flag("is_64bit")?,
        hpy_include_dir,
        python: python.to_string(),
    })
}

/// Like [`discover_python`], and additionally requires what the CPython ABI
/// needs: a 64-bit CPython 3.11-3.15 with the GIL, not a `Py_TRACE_REFS`
/// build, whose `Python.h` is installed.
pub fn discover_cpython() -> Result<PythonInfo, Discovery> {
    let info = discover_python()?;
    let (lo, hi) = SUPPORTED_MINORS;
    let refuse = |what: String| {
        Err(Discovery::Unusable(format!(
            "`{}` is {what}; the CPython ABI needs a CPython 3.{lo}-3.{hi} (set HPY_PYTHON, or \
             build the universal ABI with `--features universal`)",
            info.python
        )))
    };
    if info.implementation != "cpython" {
        return refuse(info.implementation.clone());
    }
    let (major, minor) = info.version;
    if major != 3 || minor < lo || minor > hi {
        return refuse(format!("Python {major}.{minor}"));
    }
    if info.trace_refs {
        return refuse("a Py_TRACE_REFS build (different object layout)".into());
    }
    if info.gil_disabled {
        return refuse("a free-threaded build (different object layout)".into());
    }
    if !info.is_64bit {
        return refuse("a 32-bit build".into());
    }
    if !info.include_dir.join("Python.h").is_file() {
        return Err(Discovery::Unusable(format!(
            "Python.h not found in {}: install the headers of Python {major}.{minor} (e.g. the \
             python{major}.{minor}-dev package), or set HPY_PYTHON to a Python that has them",
            info.include_dir.display()
        )));
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(version: &str, hpy: &str) -> String {
        format!(
            "noise\n@hpy-rs@ implementation=cpython\n@hpy-rs@ version={version}\n\
             @hpy-rs@ include=/usr/include/python3.11\n@hpy-rs@ py_debug=0\n\
             @hpy-rs@ trace_refs=0\n@hpy-rs@ gil_disabled=0\n@hpy-rs@ is_64bit=1\n{hpy}"
        )
    }

    #[test]
    fn a_full_report_is_parsed() {
        let hpy =
            format!("@hpy-rs@ hpy_version={HPY_VERSION}\n@hpy-rs@ hpy_include=/hpy/include\n");
        let info = parse_query("py", &report("3.11", &hpy)).unwrap();
        assert_eq!(info.python, "py");
        assert_eq!(info.implementation, "cpython");
        assert_eq!(info.version, (3, 11));
        assert_eq!(info.include_dir, PathBuf::from("/usr/include/python3.11"));
        assert!(!info.py_debug && !info.trace_refs && !info.gil_disabled && info.is_64bit);
        assert_eq!(info.hpy_include_dir, Ok(PathBuf::from("/hpy/include")));
    }

    #[test]
    fn another_hpy_version_is_not_used() {
        let hpy = "@hpy-rs@ hpy_version=0.0.1\n@hpy-rs@ hpy_include=/hpy/include\n";
        let info = parse_query("py", &report("3.12", hpy)).unwrap();
        let err = info.hpy_include_dir.unwrap_err();
        assert!(err.contains("has hpy 0.0.1"), "{err}");
    }

    #[test]
    fn a_missing_or_malformed_field_is_an_error() {
        let err = parse_query("py", "@hpy-rs@ version=3.11\n").unwrap_err();
        assert!(err.contains("did not report `implementation`"), "{err}");
        let err = parse_query("py", &report("3", "")).unwrap_err();
        assert!(err.contains("malformed version `3`"), "{err}");
    }
}

/// The README's example, compiled with the doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
