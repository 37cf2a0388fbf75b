// Python / HPy discovery shared by build.rs and the tests (`include!`d by both,
// so it is written once). Uses only std.

use std::path::PathBuf;
use std::process::Command;

/// The HPy version these bindings are generated for.
#[allow(dead_code)]
pub const HPY_VERSION: &str = "0.9.0";

/// What the chosen Python reports about itself and its `hpy` installation.
#[allow(dead_code)]
#[derive(Debug, Clone)]
pub struct PythonInfo {
    /// The interpreter command (`$HPY_PYTHON` or `python3`).
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
    /// `hpy.devel`'s include directory.
    pub hpy_include_dir: PathBuf,
    /// The C sources hpy.devel compiles into a CPython-ABI extension
    /// (`get_extra_sources()` + `get_ctx_sources()`), sorted.
    pub hpy_runtime_sources: Vec<PathBuf>,
}

/// The Python interpreter to ask: `$HPY_PYTHON`, else `python3`.
#[allow(dead_code)]
pub fn python_command() -> String {
    match std::env::var("HPY_PYTHON") {
        Ok(p) if !p.is_empty() => p,
        _ => "python3".to_string(),
    }
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
try:
    from hpy.devel import HPyDevel
    from hpy.devel.version import __version__
except Exception as e:
    out('hpy_error', repr(e))
else:
    d = HPyDevel()
    out('hpy_version', __version__)
    out('hpy_include', d.include_dir)
    out('hpy_sources', os.pathsep.join(sorted(d.get_extra_sources() + d.get_ctx_sources())))
"#;

/// Runs the Python query; every failure is a message naming the missing piece.
#[allow(dead_code)]
pub fn discover_python() -> Result<PythonInfo, String> {
    let python = python_command();
    let output = Command::new(&python)
        .arg("-c")
        .arg(QUERY)
        .output()
        .map_err(|e| {
            format!("cannot run `{python}` ({e}): set HPY_PYTHON to a CPython 3.x interpreter")
        })?;
    if !output.status.success() {
        return Err(format!(
            "`{python}` failed ({}): set HPY_PYTHON to a CPython 3.x interpreter\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
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
    let pip = format!("run `{python} -m pip install hpy=={HPY_VERSION}`");
    if let Some(err) = get("hpy_error") {
        return Err(format!("`{python}` cannot import hpy.devel ({err}): {pip}"));
    }
    let hpy_version = need("hpy_version")?;
    if hpy_version != HPY_VERSION {
        return Err(format!(
            "`{python}` has hpy {hpy_version}, hpy-sys needs {HPY_VERSION}: {pip}"
        ));
    }
    let version = need("version")?;
    let (major, minor) = version.split_once('.').ok_or("bad version")?;
    let sources = need("hpy_sources")?;
    let sep = if cfg!(windows) { ';' } else { ':' };
    Ok(PythonInfo {
        implementation: need("implementation")?,
        version: (
            major.parse().map_err(|_| "bad version")?,
            minor.parse().map_err(|_| "bad version")?,
        ),
        include_dir: need("include")?.into(),
        py_debug: need("py_debug")? == "1",
        trace_refs: need("trace_refs")? == "1",
        hpy_include_dir: need("hpy_include")?.into(),
        hpy_runtime_sources: sources
            .split(sep)
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .collect(),
        python,
    })
}

/// Like [`discover_python`], and additionally requires a CPython whose
/// `Python.h` is installed (what the CPython ABI needs).
#[allow(dead_code)]
pub fn discover_cpython() -> Result<PythonInfo, String> {
    let info = discover_python()?;
    if info.implementation != "cpython" {
        return Err(format!(
            "`{}` is {}, the CPython ABI needs CPython: set HPY_PYTHON to a CPython 3.x \
             interpreter (or build with `--features universal`)",
            info.python, info.implementation
        ));
    }
    if info.version.0 != 3 || info.version.1 < 9 {
        return Err(format!(
            "`{}` is Python {}.{}, the CPython ABI of hpy-sys needs CPython >= 3.9: set HPY_PYTHON",
            info.python, info.version.0, info.version.1
        ));
    }
    if info.trace_refs {
        return Err(format!(
            "`{}` is a Py_TRACE_REFS build (different PyObject layout), which hpy-sys does not support",
            info.python
        ));
    }
    if !info.include_dir.join("Python.h").is_file() {
        return Err(format!(
            "Python.h not found in {}: install the Python development headers, e.g. python3-dev \
             (for Python {}.{})",
            info.include_dir.display(),
            info.version.0,
            info.version.1
        ));
    }
    Ok(info)
}
