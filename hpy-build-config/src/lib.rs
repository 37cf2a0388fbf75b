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

/// Environment variable naming the interpreter an extension is built for
/// (read by hpy-sys's build script; cargo-hpy sets it for the builds it runs).
pub const PYTHON_ENV: &str = "HPY_PYTHON";

/// What an interpreter reports about itself: one run of one script, asked
/// by [`query_interpreter`] (for hpy-sys's build script and for cargo-hpy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonInfo {
    /// The interpreter command as it was named (`$HPY_PYTHON`, `python3`, a path).
    pub python: String,
    /// `sys.executable`: an absolute path (the command when it is empty, as
    /// in embedded interpreters).
    pub executable: PathBuf,
    /// The interpreter a virtualenv was made from (`sys._base_executable`,
    /// symbolic links resolved), else [`executable`](Self::executable)
    /// resolved: one name for every virtualenv of one installed Python.
    /// cargo-hpy gives it to hpy-sys's build script, which reads nothing a
    /// virtualenv changes, so that building for two virtualenvs of one
    /// Python in one target directory does not compile hpy-sys and all that
    /// depends on it again each time the interpreter's path changes.
    pub base_executable: PathBuf,
    /// `sys.implementation.name`, e.g. `cpython` or `pypy`.
    pub implementation: String,
    /// `(major, minor)`.
    pub version: (u32, u32),
    /// `sysconfig` `EXT_SUFFIX`, e.g. `.cpython-311-x86_64-linux-gnu.so`;
    /// `None` if the interpreter has none.
    pub ext_suffix: Option<String>,
    /// `sys.abiflags` (empty for a normal CPython 3.8+ build).
    pub abiflags: String,
    /// `sysconfig.get_platform()`, e.g. `linux-x86_64`.
    pub platform: String,
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
    /// importable there; `Err` says why not (or that it was not asked for,
    /// see [`query_interpreter`]). Only the tests need it.
    pub hpy_include_dir: Result<PathBuf, String>,
}

impl PythonInfo {
    /// `major.minor`, e.g. `3.11`.
    pub fn version_string(&self) -> String {
        format!("{}.{}", self.version.0, self.version.1)
    }
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

/// Why [`query_interpreter`] got no answer.
#[derive(Debug)]
pub enum QueryError {
    /// The command could not be started (not found, not executable).
    Spawn {
        /// The command.
        python: String,
        /// What the system said.
        error: std::io::Error,
    },
    /// It ran and failed.
    Failed {
        /// The command.
        python: String,
        /// Its exit status, as the system words it.
        status: String,
        /// What it printed on stderr.
        stderr: String,
    },
    /// It ran but did not answer like a Python (`/bin/true`).
    NotPython {
        /// The command.
        python: String,
        /// What was missing or malformed in its answer.
        problem: String,
    },
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryError::Spawn { python, error } => {
                write!(
                    f,
                    "could not run the Python interpreter `{python}`: {error}"
                )
            }
            QueryError::Failed {
                python,
                status,
                stderr,
            } => write!(
                f,
                "the Python interpreter `{python}` failed ({status}):\n{stderr}"
            ),
            QueryError::NotPython { python, problem } => write!(
                f,
                "`{python}` does not behave like a Python interpreter: asked for its \
                 configuration with `-c`, {problem}"
            ),
        }
    }
}

impl std::error::Error for QueryError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            QueryError::Spawn { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// The interpreters to try, in order: `$HPY_PYTHON` alone if set, else
/// `python3`, then `python` (as PyO3 does with `PYO3_PYTHON`).
pub fn python_candidates() -> Vec<String> {
    match std::env::var(PYTHON_ENV) {
        Ok(p) if !p.is_empty() => vec![p],
        _ => vec!["python3".to_string(), "python".to_string()],
    }
}

/// The first interpreter of [`python_candidates`] (for messages and tools
/// that only need a command name).
pub fn python_command() -> String {
    python_candidates().remove(0)
}

/// Run with `-c`; `hpy` as its argument also asks for `hpy.devel` (which
/// takes an import that the build tool does not need).
const QUERY: &str = r#"
import os, sys, sysconfig
def out(k, v):
    print('@hpy-rs@ %s=%s' % (k, v))
out('executable', sys.executable or '')
base = getattr(sys, '_base_executable', None) or sys.executable
out('base_executable', os.path.realpath(base) if base else '')
out('implementation', sys.implementation.name)
out('version', '%d.%d' % sys.version_info[:2])
out('ext_suffix', sysconfig.get_config_var('EXT_SUFFIX') or '')
out('abiflags', getattr(sys, 'abiflags', ''))
out('platform', sysconfig.get_platform())
out('include', sysconfig.get_config_var('INCLUDEPY') or sysconfig.get_paths()['include'])
out('py_debug', int(bool(sysconfig.get_config_var('Py_DEBUG'))))
out('trace_refs', int(bool(sysconfig.get_config_var('Py_TRACE_REFS'))))
out('gil_disabled', int(bool(sysconfig.get_config_var('Py_GIL_DISABLED'))))
out('is_64bit', int(sys.maxsize > 2**32))
if sys.argv[1:] == ['hpy']:
    try:
        from hpy.devel import HPyDevel
        from hpy.devel.version import __version__
    except Exception as e:
        out('hpy_error', repr(e))
    else:
        out('hpy_version', __version__)
        out('hpy_include', HPyDevel().include_dir)
"#;

/// Runs `python` once and reads what it reports about itself; with
/// `with_hpy`, also where the `hpy==0.9.0` package's headers are.
pub fn query_interpreter(
    python: &std::ffi::OsStr,
    with_hpy: bool,
) -> Result<PythonInfo, QueryError> {
    let shown = python.to_string_lossy().into_owned();
    let mut command = Command::new(python);
    command.arg("-c").arg(QUERY);
    if with_hpy {
        command.arg("hpy");
    }
    let output = command.output().map_err(|error| QueryError::Spawn {
        python: shown.clone(),
        error,
    })?;
    if !output.status.success() {
        return Err(QueryError::Failed {
            python: shown,
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr)
                .trim_end()
                .to_owned(),
        });
    }
    parse_query(&shown, &String::from_utf8_lossy(&output.stdout), with_hpy).map_err(|problem| {
        QueryError::NotPython {
            python: shown,
            problem,
        }
    })
}

/// Asks the first interpreter of [`python_candidates`] that starts.
pub fn discover_python() -> Result<PythonInfo, Discovery> {
    let candidates = python_candidates();
    let explicit = std::env::var_os(PYTHON_ENV).is_some_and(|p| !p.is_empty());
    let mut tried = Vec::new();
    for python in &candidates {
        match query_interpreter(python.as_ref(), true) {
            Ok(info) => return Ok(info),
            Err(QueryError::Spawn { error, .. }) => tried.push(format!("`{python}` ({error})")),
            Err(e) => {
                return Err(Discovery::Unusable(format!(
                    "{e}\nset {PYTHON_ENV} to a CPython 3.{}-3.{} interpreter",
                    SUPPORTED_MINORS.0, SUPPORTED_MINORS.1,
                )))
            }
        }
    }
    let msg = format!(
        "no Python interpreter found (tried {}): set {PYTHON_ENV} to a CPython 3.{}-3.{} \
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

fn parse_query(python: &str, stdout: &str, with_hpy: bool) -> Result<PythonInfo, String> {
    let get = |key: &str| -> Option<String> {
        let prefix = format!("@hpy-rs@ {key}=");
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()).map(str::to_string))
    };
    let need = |key: &str| {
        get(key).ok_or_else(|| {
            if stdout.trim().is_empty() {
                "it printed nothing".to_owned()
            } else {
                format!(
                    "it did not report `{key}`; it printed:\n{}",
                    stdout.trim_end()
                )
            }
        })
    };
    let flag = |key: &str| need(key).map(|v| v == "1");
    let version = need("version")?;
    let bad = || format!("it reported a malformed version `{version}`");
    let (major, minor) = version.split_once('.').ok_or_else(bad)?;
    let hpy_include_dir = match (get("hpy_error"), get("hpy_version"), get("hpy_include")) {
        _ if !with_hpy => Err("hpy.devel was not asked for".to_owned()),
        (Some(err), _, _) => Err(format!("`{python}` cannot import hpy.devel ({err})")),
        (None, Some(v), Some(dir)) if v == HPY_VERSION => Ok(PathBuf::from(dir)),
        (None, Some(v), _) => Err(format!("`{python}` has hpy {v}, not {HPY_VERSION}")),
        _ => Err(format!("`{python}` did not report hpy.devel")),
    };
    let executable = need("executable")?;
    let base_executable = need("base_executable")?;
    let implementation = need("implementation")?;
    if implementation.is_empty() {
        return Err("it reported no implementation".to_owned());
    }
    let executable = if executable.is_empty() {
        PathBuf::from(python)
    } else {
        PathBuf::from(executable)
    };
    Ok(PythonInfo {
        base_executable: if base_executable.is_empty() {
            executable.clone()
        } else {
            PathBuf::from(base_executable)
        },
        executable,
        implementation,
        version: (
            major.parse().map_err(|_| bad())?,
            minor.parse().map_err(|_| bad())?,
        ),
        ext_suffix: Some(need("ext_suffix")?).filter(|s| !s.is_empty()),
        abiflags: need("abiflags")?,
        platform: need("platform")?,
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
            "noise\n@hpy-rs@ executable=/venv/bin/python\n\
             @hpy-rs@ base_executable=/usr/bin/python3.11\n@hpy-rs@ implementation=cpython\n\
             @hpy-rs@ version={version}\n@hpy-rs@ ext_suffix=.cpython-311-x86_64-linux-gnu.so\n\
             @hpy-rs@ abiflags=\n@hpy-rs@ platform=linux-x86_64\n\
             @hpy-rs@ include=/usr/include/python3.11\n@hpy-rs@ py_debug=0\n\
             @hpy-rs@ trace_refs=0\n@hpy-rs@ gil_disabled=0\n@hpy-rs@ is_64bit=1\n{hpy}"
        )
    }

    #[test]
    fn a_full_report_is_parsed() {
        let hpy =
            format!("@hpy-rs@ hpy_version={HPY_VERSION}\n@hpy-rs@ hpy_include=/hpy/include\n");
        let info = parse_query("py", &report("3.11", &hpy), true).unwrap();
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
        let info = parse_query("py", &report("3.12", hpy), true).unwrap();
        let err = info.hpy_include_dir.unwrap_err();
        assert!(err.contains("has hpy 0.0.1"), "{err}");
    }

    #[test]
    fn a_missing_or_malformed_field_is_an_error() {
        let err = parse_query("py", "@hpy-rs@ version=3.11\n", false).unwrap_err();
        assert!(err.contains("did not report `executable`"), "{err}");
        let err = parse_query("py", &report("3", ""), false).unwrap_err();
        assert!(err.contains("malformed version `3`"), "{err}");
        assert_eq!(
            parse_query("true", "", false).unwrap_err(),
            "it printed nothing"
        );
    }

    #[test]
    fn without_hpy_the_rest_is_read() {
        let info = parse_query("py", &report("3.13", ""), false).unwrap();
        assert_eq!(info.executable, PathBuf::from("/venv/bin/python"));
        assert_eq!(info.base_executable, PathBuf::from("/usr/bin/python3.11"));
        assert_eq!(
            info.ext_suffix.as_deref(),
            Some(".cpython-311-x86_64-linux-gnu.so")
        );
        assert_eq!(
            (info.abiflags.as_str(), info.platform.as_str()),
            ("", "linux-x86_64")
        );
        assert_eq!(info.version_string(), "3.13");
        assert!(info.hpy_include_dir.is_err());
    }
}

/// The README's example, compiled with the doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
