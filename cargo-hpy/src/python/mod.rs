//! Finding and querying the Python interpreter a build is for.

pub mod stub;
pub mod versions;

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use crate::error::Error;
use crate::python::stub::is_python_identifier;

/// Why `name` cannot be one component of a Python module name, or `None`
/// when it can: `class` is an identifier but a keyword, `1x` no identifier.
pub fn module_name_problem(name: &str) -> Option<String> {
    if is_python_identifier(name) {
        None
    } else if is_python_identifier(&format!("{name}_")) {
        // Only a keyword stops being one with a `_` appended.
        Some(format!("`{name}` is a Python keyword"))
    } else {
        Some(format!("`{name}` is not an ASCII identifier"))
    }
}

/// Environment variable naming the interpreter when `--python` is not given.
/// The same variable is passed on to the cargo build, where the hpy-sys build
/// script reads it.
pub use hpy_build_config::PYTHON_ENV;

/// What an interpreter reports about itself: hpy-build-config's query,
/// the one hpy-sys's build script makes too.
pub use hpy_build_config::PythonInfo;

/// The interpreter used when neither `--python` nor `HPY_PYTHON` is set.
pub const DEFAULT_PYTHON: &str = "python3";

/// Picks the interpreter: the explicit option, else `$HPY_PYTHON`, else `python3`.
pub fn choose_interpreter(explicit: Option<&OsStr>, env_value: Option<OsString>) -> OsString {
    explicit
        .map(OsStr::to_os_string)
        .or(env_value.filter(|v| !v.is_empty()))
        .unwrap_or_else(|| DEFAULT_PYTHON.into())
}

/// The wheel tag of a CPython-ABI module for `python` with the platform
/// tag `platform`: `cp311-cp311-manylinux_2_34_x86_64`.
pub fn cpython_wheel_tag(python: &PythonInfo, platform: &str) -> String {
    let (major, minor) = python.version;
    format!(
        "cp{major}{minor}-cp{major}{minor}{}-{platform}",
        python.abiflags
    )
}

/// A wheel platform tag from a `sysconfig.get_platform()` value: `-` and `.`
/// become `_` (`linux-x86_64` → `linux_x86_64`).
pub fn platform_tag(platform: &str) -> String {
    platform.replace(['-', '.'], "_")
}

// Defined in the leaf `versions`, which the error type names too; kept
// reachable here, where the interpreter search that walks it lives.
pub use versions::SUPPORTED_VERSIONS;

/// A `--python` value that is a version (`3.11`) means `python3.11` on PATH;
/// anything else is a path or command, unchanged.
pub fn resolve_spec(spec: &OsStr) -> Result<OsString, Error> {
    let Some(version) = spec.to_str().filter(|s| is_version(s)) else {
        return Ok(spec.to_os_string());
    };
    let command = format!("python{version}");
    find_on_path(&command)
        .map(PathBuf::into_os_string)
        .ok_or_else(|| Error::NoPythonOnPath {
            version: version.to_string(),
            command: command.to_string(),
        })
}

/// `3.11`: digits, one dot, digits.
fn is_version(text: &str) -> bool {
    text.split_once('.').is_some_and(|(major, minor)| {
        [major, minor]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    })
}

/// The first executable file `name` in the directories of `$PATH`.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| {
            candidate
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// `--find-interpreter`: every supported CPython on PATH (`python3.11` …
/// `python3.15`) that runs, one per `sys.executable`. One that is on PATH
/// but does not run (a pyenv shim of a version not installed) is reported
/// on stderr and left out.
pub fn find_interpreters() -> Vec<PythonInfo> {
    let mut found: Vec<PythonInfo> = Vec::new();
    for version in SUPPORTED_VERSIONS {
        let Some(path) = find_on_path(&format!("python{version}")) else {
            continue;
        };
        match query(path.as_os_str()) {
            Ok(info) if info.implementation == "cpython" && info.version_string() == *version => {
                if !found.iter().any(|f| f.executable == info.executable) {
                    found.push(info);
                }
            }
            Ok(info) => eprintln!(
                "cargo-hpy: skipped {}: it is {} {}",
                path.display(),
                info.implementation,
                info.version_string()
            ),
            Err(e) => eprintln!("cargo-hpy: skipped {}: {e}", path.display()),
        }
    }
    found
}

/// Runs `interpreter` once to learn its executable path, extension
/// suffix and platform. A version (`3.11`) is looked up on PATH as
/// `python3.11`.
pub fn query(interpreter: &OsStr) -> Result<PythonInfo, Error> {
    let resolved = resolve_spec(interpreter)?;
    Ok(hpy_build_config::query_interpreter(&resolved, false)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names() {
        assert_eq!(module_name_problem("my_ext"), None);
        assert_eq!(
            module_name_problem("class").as_deref(),
            Some("`class` is a Python keyword")
        );
        assert_eq!(
            module_name_problem("1x").as_deref(),
            Some("`1x` is not an ASCII identifier")
        );
    }

    #[test]
    fn interpreter_precedence() {
        let explicit = OsStr::new("/opt/py/bin/python");
        assert_eq!(
            choose_interpreter(Some(explicit), Some("envpy".into())),
            OsString::from("/opt/py/bin/python")
        );
        assert_eq!(
            choose_interpreter(None, Some("envpy".into())),
            OsString::from("envpy")
        );
        assert_eq!(
            choose_interpreter(None, Some("".into())),
            OsString::from(DEFAULT_PYTHON)
        );
        assert_eq!(
            choose_interpreter(None, None),
            OsString::from(DEFAULT_PYTHON)
        );
    }

    #[test]
    fn cpython_wheel_tags() {
        let info = query(OsStr::new("python3")).unwrap();
        let (major, minor) = info.version;
        assert_eq!(
            cpython_wheel_tag(&info, "linux_x86_64"),
            format!(
                "cp{major}{minor}-cp{major}{minor}{}-linux_x86_64",
                info.abiflags
            )
        );
        assert_eq!(platform_tag("linux-x86_64"), "linux_x86_64");
        assert_eq!(platform_tag("macosx-11.0-arm64"), "macosx_11_0_arm64");
    }

    #[test]
    fn a_version_finds_the_interpreter() {
        assert!(is_version("3.11") && is_version("3.9") && is_version("10.0"));
        assert!(!is_version("3") && !is_version("3.x") && !is_version("python3.11"));
        assert!(!is_version("3.11.2") && !is_version(".11"));
        // Paths and commands are kept.
        assert_eq!(
            resolve_spec(OsStr::new("/usr/bin/python3")).unwrap(),
            OsString::from("/usr/bin/python3")
        );
        let e = resolve_spec(OsStr::new("2.1")).unwrap_err().to_string();
        assert_eq!(
            e,
            "--python 2.1: no `python2.1` on PATH; give the interpreter's path instead"
        );
        // This machine's interpreters: each supported version on PATH is
        // found by its number, and --find-interpreter finds it too.
        let found = find_interpreters();
        for version in SUPPORTED_VERSIONS {
            if let Ok(info) = query(OsStr::new(version)) {
                assert_eq!(info.version_string(), *version);
                assert!(
                    found.iter().any(|f| f.executable == info.executable),
                    "{version}"
                );
            }
        }
        assert!(
            found.iter().all(|f| f.implementation == "cpython"),
            "{found:?}"
        );
    }

    #[test]
    fn names_an_interpreter_that_is_none() {
        let e = query(OsStr::new("true")).unwrap_err().to_string();
        assert!(
            e.contains("`true` does not behave like a Python interpreter")
                && e.contains("it printed nothing"),
            "{e}"
        );
        let e = query(OsStr::new("/nonexistent/python")).unwrap_err();
        assert!(e.to_string().contains("could not run"), "{e}");
    }
}
