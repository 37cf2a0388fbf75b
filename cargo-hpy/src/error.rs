//! The error type of cargo-hpy: one variant per kind a caller can act on
//! (the pep517 engine, `--find-interpreter`, tests), and the exit status
//! the binary maps it to.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Why a command did not succeed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory operation failed: `could not {action} {path}`.
    Io {
        /// What was attempted: `read`, `write`, `create`, `find`, `copy`, `remove`.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// A program could not be started (cargo, pip, a Python).
    Spawn {
        /// The program as it was named.
        program: String,
        /// What the system said.
        source: io::Error,
    },
    /// Cargo already reported the problem on stderr; exit with its status.
    Cargo {
        /// Cargo's exit status, when it had one.
        code: Option<i32>,
    },
    /// Cargo's own output (`cargo metadata`, a build message, a lock-file
    /// resolution) could not be used; the text says what cargo printed.
    CargoOutput(String),
    /// The interpreter named (or found) cannot be asked, or is no Python.
    Interpreter(hpy_build_config::QueryError),
    /// A CPython-ABI build for an interpreter that is not CPython (PyPy):
    /// the universal ABI is what loads there.
    NotCPython {
        /// The interpreter's `sys.executable`.
        python: PathBuf,
        /// Its `sys.implementation.name`.
        implementation: String,
    },
    /// No interpreter answers to a `--python VERSION` or `--find-interpreter`.
    NoInterpreter(String),
    /// pyproject.toml (or the Cargo.toml it completes) is invalid: a bad
    /// value, an unknown `[tool.hpy-rs]` key, a missing table.
    Config {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong and how to fix it.
        problem: String,
    },
    /// A name that cannot be a Python module (a keyword, not an identifier,
    /// not matching the library).
    ModuleName(String),
    /// The selected crates are not one extension: no cdylib, several, or two
    /// with one module name.
    Selection(String),
    /// A file cargo-hpy would write is someone else's (a user's `m.py`
    /// where the loader stub goes, python-source's own copy of the module).
    WouldOverwrite(String),
    /// Options that contradict each other, or ask for what cargo-hpy does
    /// not do (a cross-compiled wheel, an untested platform).
    Unsupported(String),
    /// The sdist cannot be made portable (a missing path dependency, a
    /// workspace key that is not set).
    Vendor(String),
    /// A PEP 517 hook was given what it cannot use (a config setting).
    Setting(String),
    /// pip could not install the wheel `cargo hpy develop` built.
    Install(String),
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(action: &'static str, path: &Path, source: io::Error) -> Error {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// An [`Error::Config`] in `path`.
    pub fn config(path: &Path, problem: impl Into<String>) -> Error {
        Error::Config {
            path: path.to_path_buf(),
            problem: problem.into(),
        }
    }

    /// The process exit status for this error: cargo's own status when
    /// cargo failed (101 when it had none), else 1 (2 stays clap's, for a
    /// command line it cannot parse).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Cargo { code } => code.filter(|&c| c != 0).unwrap_or(101),
            _ => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io {
                action,
                path,
                source,
            } => write!(f, "could not {action} {}: {source}", path.display()),
            Error::Spawn { program, source } => write!(f, "could not run `{program}`: {source}"),
            Error::Cargo { code: Some(code) } => write!(f, "cargo failed with exit status {code}"),
            Error::Cargo { code: None } => f.write_str("cargo was terminated by a signal"),
            Error::Interpreter(e) => write!(
                f,
                "{e}\n(choose one with --python PATH or the {} environment variable)",
                hpy_build_config::PYTHON_ENV
            ),
            Error::NotCPython {
                python,
                implementation,
            } => write!(
                f,
                "`{}` is {implementation}, not CPython: a CPython-ABI module only loads into \
                 the CPython it was built for. Build with --universal: the universal binary \
                 loads on {implementation} as it is",
                python.display()
            ),
            Error::Config { path, problem } => write!(f, "{}: {problem}", path.display()),
            Error::CargoOutput(m)
            | Error::NoInterpreter(m)
            | Error::ModuleName(m)
            | Error::Selection(m)
            | Error::WouldOverwrite(m)
            | Error::Unsupported(m)
            | Error::Vendor(m)
            | Error::Setting(m)
            | Error::Install(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } | Error::Spawn { source, .. } => Some(source),
            Error::Interpreter(e) => Some(e),
            _ => None,
        }
    }
}

impl From<hpy_build_config::QueryError> for Error {
    fn from(e: hpy_build_config::QueryError) -> Error {
        Error::Interpreter(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_exit_codes() {
        let e = Error::io(
            "read",
            Path::new("/x/pyproject.toml"),
            io::Error::from(io::ErrorKind::NotFound),
        );
        assert!(e
            .to_string()
            .starts_with("could not read /x/pyproject.toml: "));
        assert_eq!(e.exit_code(), 1);
        let e = Error::config(Path::new("p.toml"), "bad");
        assert_eq!((e.to_string().as_str(), e.exit_code()), ("p.toml: bad", 1));
        assert_eq!(Error::Cargo { code: Some(7) }.exit_code(), 7);
        assert_eq!(Error::Cargo { code: None }.exit_code(), 101);
        let e = Error::NotCPython {
            python: "/pypy/bin/pypy3".into(),
            implementation: "pypy".into(),
        };
        assert!(e
            .to_string()
            .contains("`/pypy/bin/pypy3` is pypy, not CPython"));
    }
}
