//! The error type of cargo-hpy: one variant per kind a caller can act on
//! (the pep517 engine, `--find-interpreter`, tests), with what it is about
//! as fields, and the exit status the binary maps it to. Only the variants
//! that relay another tool's text (cargo's output, a parser's message)
//! carry a free-form string.

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
        /// The package being built is hpy-rs's host (`-p hpy-universal`).
        host: bool,
    },
    /// `--python VERSION` names a version whose `pythonVERSION` is not on PATH.
    NoPythonOnPath {
        /// The version given.
        version: String,
        /// The command looked for (`python3.12`).
        command: String,
    },
    /// `--find-interpreter` found none of the supported CPythons on PATH.
    NoSupportedPython,
    /// `VIRTUAL_ENV` (or `CONDA_PREFIX`) names an environment without a Python.
    BrokenEnvironment {
        /// The variable that is set.
        variable: &'static str,
        /// The interpreter it should hold.
        python: PathBuf,
    },
    /// `cargo hpy develop` has no environment to install into.
    NoEnvironment,
    /// pyproject.toml (or the Cargo.toml it completes) is invalid: TOML
    /// syntax, a value of the wrong kind, a version that is no PEP 440
    /// version. The text is the parser's.
    Config {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong and how to fix it.
        problem: String,
    },
    /// A TOML file (pyproject.toml, a Cargo.toml) that does not parse.
    Toml {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        source: toml::de::Error,
    },
    /// A version (`[project] version`) or specifier (`requires-python`)
    /// that is not PEP 440.
    NotPep440 {
        /// The pyproject.toml.
        path: PathBuf,
        /// The key, as messages name it.
        key: &'static str,
        /// Its value.
        value: String,
        /// What the PEP 440 parser said.
        reason: String,
    },
    /// An sdist `include`/`exclude` pattern of `[tool.hpy-rs]` that is no
    /// gitignore pattern.
    IncludePattern {
        /// The pyproject.toml.
        path: PathBuf,
        /// The pattern, when one pattern is at fault.
        pattern: Option<String>,
        /// What the matcher said.
        source: ignore::Error,
    },
    /// pip cannot build the sdist of a project without a pyproject.toml.
    NoPyproject {
        /// The pyproject.toml that is missing.
        path: PathBuf,
    },
    /// pyproject.toml's `[build-system]` names no `build-backend`.
    NoBuildBackend {
        /// The pyproject.toml.
        path: PathBuf,
    },
    /// A directory setting of `[tool.hpy-rs]` (or the crate's metadata)
    /// names no directory.
    NotADirectory {
        /// The pyproject.toml.
        path: PathBuf,
        /// The setting as messages name it (`python-source`,
        /// `[tool.hpy-rs] data`).
        setting: &'static str,
        /// Its value as written.
        value: String,
        /// The crate it belongs to, when the message names it.
        crate_name: Option<String>,
        /// The path it resolves to.
        resolved: PathBuf,
    },
    /// A library whose name cannot be a Python module.
    LibraryName {
        /// The library (cdylib target) name.
        library: String,
        /// Why it cannot (a keyword, not an identifier).
        problem: String,
    },
    /// A configured module name that is no dotted Python name.
    ModuleName {
        /// The module name.
        module: String,
        /// The crate it is configured for.
        crate_name: String,
        /// Why it is no dotted name.
        problem: String,
    },
    /// A module name whose last part is not the library's name, so the
    /// init function would not be found.
    ModuleNotLibrary {
        /// The module name.
        module: String,
        /// The crate it is configured for.
        crate_name: String,
        /// The library's name.
        library: String,
    },
    /// `cargo hpy new` was given a name that cannot be a module.
    NewName {
        /// The name (the destination's last component).
        name: String,
        /// Why it cannot.
        problem: String,
    },
    /// No cdylib target was built by the selection.
    NoCdylib,
    /// The crate named has no cdylib target.
    CrateNotCdylib {
        /// The crate.
        crate_name: String,
    },
    /// A wheel holds one extension, but the selection built several.
    SeveralExtensions {
        /// The modules built.
        modules: Vec<String>,
    },
    /// Two selected crates build a module with the same name.
    DuplicateModule {
        /// The module name.
        module: String,
    },
    /// Several packages are selected and some have a `[tool.hpy-rs]` table
    /// setting build options (features, profile, abi, target).
    ToolTableForSeveral {
        /// The packages with a table.
        packages: Vec<String>,
    },
    /// The manifest is no package (a virtual workspace manifest).
    NotAPackage {
        /// The manifest.
        manifest: PathBuf,
    },
    /// The PEP 517 backend runs in a directory without a Cargo.toml.
    NoManifest {
        /// The directory.
        dir: PathBuf,
    },
    /// The python-source directory has a file where the extension goes.
    PythonSourceShadows {
        /// The file, relative to the python-source directory.
        file: String,
        /// The extension module's full name.
        module: String,
    },
    /// A file where the loader stub goes was not written by cargo-hpy.
    ForeignStub {
        /// The file.
        path: PathBuf,
    },
    /// `cargo hpy new`'s destination exists.
    DestinationExists {
        /// The destination.
        path: PathBuf,
    },
    /// `cargo hpy new` was given a path without a usable last component.
    NoProjectName {
        /// The path.
        path: PathBuf,
    },
    /// `--hpy-path` (or the checkout found) is not hpy-rs's `hpy` crate.
    NotHpyCrate {
        /// The directory.
        path: PathBuf,
    },
    /// Per-version wheels that cannot be merged into one (see
    /// [`crate::wheel::merge`]); the text says why.
    MergeWheels {
        /// Why, naming the wheel or file.
        reason: String,
    },
    /// `--target` names a triple cargo-hpy cannot build or tag for.
    UnsupportedTarget {
        /// The target triple.
        target: String,
        /// Why.
        why: String,
    },
    /// A cross build, but rustup has not installed the target's standard
    /// library.
    TargetStdMissing {
        /// The target triple.
        target: String,
    },
    /// A cross build without a linker for the target.
    NoCrossLinker {
        /// The target triple.
        target: String,
        /// The cross gcc looked for on PATH (`aarch64-linux-gnu-gcc`).
        linker: String,
        /// The Debian package that has it (`gcc-aarch64-linux-gnu`).
        package: String,
        /// The variable that names another linker
        /// (`CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER`).
        variable: String,
    },
    /// The interpreter runs on another architecture than the build is for.
    PythonNotForTarget {
        /// The interpreter.
        python: PathBuf,
        /// Its architecture (`aarch64`).
        python_arch: String,
        /// The triple built for, or "this machine (x86_64)".
        target: String,
        /// What to do.
        hint: String,
    },
    /// Building on an operating system cargo-hpy does not know.
    UntestedPlatform {
        /// The OS (`std::env::consts::OS` of the target).
        os: String,
    },
    /// The interpreter reports no `EXT_SUFFIX`.
    NoExtSuffix {
        /// The interpreter.
        python: PathBuf,
    },
    /// `--python`/`--find-interpreter` with a universal build.
    PythonWithUniversal,
    /// `--with-host` without the hpy-rs checkout cargo-hpy was built from.
    NoHostSource {
        /// Where the host crate was.
        path: PathBuf,
    },
    /// A `cargo hpy pep517` hook that writes files without `--out`.
    NoOutDir {
        /// The hook's name.
        hook: &'static str,
    },
    /// A path dependency of a crate packed into an sdist does not exist.
    MissingPathDependency {
        /// The depending crate's Cargo.toml.
        manifest: PathBuf,
        /// The dependency.
        name: String,
        /// Its path as written.
        path: String,
    },
    /// A crate inherits a key from a workspace that does not set it.
    WorkspaceKeyUnset {
        /// The crate's Cargo.toml.
        manifest: PathBuf,
        /// The key (`package.version`, `dependencies.foo`).
        key: String,
        /// The workspace's Cargo.toml.
        workspace: PathBuf,
    },
    /// The vendored sdist sources do not resolve on their own.
    SdistUnresolved(Box<Error>),
    /// Config settings a PEP 517 hook cannot use: unknown keys.
    UnknownSettings {
        /// The keys not known.
        keys: Vec<String>,
        /// The keys the backend reads.
        known: &'static [&'static str],
    },
    /// A PEP 517 config setting with a value not among its choices.
    SettingValue {
        /// The setting.
        key: String,
        /// The value given.
        value: String,
        /// What it may be.
        choices: &'static [&'static str],
    },
    /// A PEP 517 config setting whose text the backend cannot read (not
    /// JSON, not shell words, not `cargo hpy` arguments); the text says why.
    Setting(String),
    /// An upload to a package index failed (`cargo hpy upload`, `publish`).
    Upload(crate::upload::UploadError),
    /// pip could not install the wheel `cargo hpy develop` built.
    Install {
        /// The wheel.
        wheel: PathBuf,
        /// The interpreter it was installed with.
        python: PathBuf,
        /// uv was the installer (else pip).
        uv: bool,
    },
    /// `cargo hpy develop` needs uv (`--uv`, or an environment uv made
    /// without pip) and found none.
    NoUv {
        /// The environment's interpreter.
        python: PathBuf,
        /// `--uv` was given (else the environment was detected as uv's).
        asked: bool,
    },
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
                host: true,
            } => write!(
                f,
                "`{}` is {implementation}, which needs no host: hpy-universal \
                 (hpy-rs-universal) loads universal binaries on CPython only, and \
                 {implementation} has its own `hpy.universal`. Install universal modules \
                 into it directly (`cargo hpy develop --universal --python {}`), and build \
                 the host only for a CPython (`--python python3.1X`)",
                python.display(),
                python.display()
            ),
            Error::NotCPython {
                python,
                implementation,
                host: false,
            } => write!(
                f,
                "`{}` is {implementation}, not CPython: a CPython-ABI module only loads into \
                 the CPython it was built for. Build with --universal: the universal binary \
                 loads on {implementation} as it is",
                python.display()
            ),
            Error::NoPythonOnPath { version, command } => write!(
                f,
                "--python {version}: no `{command}` on PATH; give the interpreter's path instead"
            ),
            Error::NoSupportedPython => write!(
                f,
                "found no CPython {} on PATH (as python3.X); name the interpreters with --python",
                crate::python::versions::SUPPORTED_VERSIONS.join(", ")
            ),
            Error::BrokenEnvironment { variable, python } => write!(
                f,
                "{variable} is set, but {} does not exist",
                python.display()
            ),
            Error::NoEnvironment => f.write_str(
                "no virtualenv is active (VIRTUAL_ENV is not set): activate one, or name the \
                 interpreter to install into with --python PATH or HPY_PYTHON",
            ),
            Error::Config { path, problem } => write!(f, "{}: {problem}", path.display()),
            Error::Toml { path, source } => write!(f, "{}: {source}", path.display()),
            Error::NotPep440 {
                path,
                key,
                value,
                reason,
            } => {
                let what = if *key == "requires-python" {
                    "specifier"
                } else {
                    "version"
                };
                write!(
                    f,
                    "{}: `{key} = \"{value}\"` is not a PEP 440 {what}: {reason}",
                    path.display()
                )
            }
            Error::IncludePattern {
                path,
                pattern: Some(pattern),
                source,
            } => write!(
                f,
                "{}: [tool.hpy-rs] include/exclude pattern `{pattern}`: {source}",
                path.display()
            ),
            Error::IncludePattern {
                path,
                pattern: None,
                source,
            } => write!(
                f,
                "{}: [tool.hpy-rs] include/exclude: {source}",
                path.display()
            ),
            Error::NoPyproject { path } => write!(
                f,
                "{}: missing: pip needs one (with [build-system] naming hpy-rs-build) to \
                 build an sdist; `cargo hpy new` writes one",
                path.display()
            ),
            Error::NoBuildBackend { path } => write!(
                f,
                "{}: [build-system] names no build-backend, so pip would not build the sdist \
                 with cargo-hpy; add `requires = [\"hpy-rs-build\"]` and \
                 `build-backend = \"hpy_rs_build\"`",
                path.display()
            ),
            Error::NotADirectory {
                path,
                setting,
                value,
                crate_name,
                resolved,
            } => {
                write!(f, "{}: {setting} `{value}`", path.display())?;
                if let Some(crate_name) = crate_name {
                    write!(f, " of crate {crate_name}")?;
                }
                write!(f, " is not a directory ({})", resolved.display())
            }
            Error::LibraryName { library, problem } => write!(
                f,
                "library `{library}` cannot be a Python module: {problem}; set \
                 `[lib] name = \"...\"` in its Cargo.toml"
            ),
            Error::ModuleName {
                module,
                crate_name,
                problem,
            } => write!(
                f,
                "module name `{module}` of crate {crate_name} is not a dotted Python name \
                 ({problem})"
            ),
            Error::ModuleNotLibrary {
                module,
                crate_name,
                library,
            } => {
                let last = module.rsplit('.').next().unwrap_or(module);
                write!(
                    f,
                    "module name `{module}` of crate {crate_name} ends in `{last}`, but its \
                     library is named `{library}`: the module's init function is named after \
                     the library (HPyInit_{library}), so set `[lib] name = \"{last}\"` in \
                     Cargo.toml"
                )
            }
            Error::NewName { name, problem } => write!(
                f,
                "`{name}` cannot name a Python module ({problem}): choose a name of \
                 letters, digits, `_` and `-` that starts with a letter and is no keyword"
            ),
            Error::NoCdylib => f.write_str(
                "no cdylib target was built; an extension crate needs \
                 `[lib] crate-type = [\"cdylib\"]` in its Cargo.toml (select it with -p or \
                 --manifest-path)",
            ),
            Error::CrateNotCdylib { crate_name } => write!(
                f,
                "crate {crate_name} has no cdylib target: add `[lib] crate-type = \
                 [\"cdylib\"]` to its Cargo.toml"
            ),
            Error::SeveralExtensions { modules } => write!(
                f,
                "a wheel holds one extension crate, but this selection built {}: choose one \
                 with -p or --manifest-path",
                modules.join(", ")
            ),
            Error::DuplicateModule { module } => write!(
                f,
                "two crates build a module named `{module}`; build them one at a time with -p"
            ),
            Error::ToolTableForSeveral { packages } => write!(
                f,
                "[tool.hpy-rs] of {} sets build options (features, profile, abi or target) \
                 that would apply to every package selected with -p; build the packages one \
                 at a time",
                packages.join(", ")
            ),
            Error::NotAPackage { manifest } => write!(
                f,
                "{} is not a package (a virtual workspace manifest?): cargo hpy sdist packs \
                 one extension crate",
                manifest.display()
            ),
            Error::NoManifest { dir } => {
                write!(f, "hpy_rs_build: no Cargo.toml in {}", dir.display())
            }
            Error::PythonSourceShadows { file, module } => write!(
                f,
                "the python-source directory has its own `{file}`, which is where the \
                 extension module {module} goes; remove or rename it"
            ),
            Error::ForeignStub { path } => write!(
                f,
                "{} exists and was not written by cargo-hpy; refusing to overwrite it with \
                 the loader stub",
                path.display()
            ),
            Error::DestinationExists { path } => {
                write!(f, "destination `{}` already exists", path.display())
            }
            Error::NoProjectName { path } => {
                write!(f, "`{}` has no usable last component", path.display())
            }
            Error::NotHpyCrate { path } => write!(
                f,
                "{} is not hpy-rs's `hpy` crate (package `hpy-rs`), and this cargo-hpy \
                 was not installed from the hpy-rs-build wheel that carries the crates: \
                 install it with `pip install hpy-rs-build` (from hpy-rs's wheelhouse), \
                 or give the `hpy/` directory of an hpy-rs checkout with --hpy-path DIR",
                path.display()
            ),
            Error::MergeWheels { reason } => {
                write!(f, "cannot merge the wheels into one: {reason}")
            }
            Error::UnsupportedTarget { target, why } => {
                write!(f, "cannot build for --target {target}: {why}")
            }
            Error::TargetStdMissing { target } => write!(
                f,
                "the Rust standard library for {target} is not installed: run `rustup target \
                 add {target}`"
            ),
            Error::NoCrossLinker {
                target,
                linker,
                package,
                variable,
            } => write!(
                f,
                "no linker for {target}: `{linker}` is not on PATH. Install it (Debian, \
                 Ubuntu: `apt-get install {package}`), or set {variable} to the linker to use"
            ),
            Error::PythonNotForTarget {
                python,
                python_arch,
                target,
                hint,
            } => write!(
                f,
                "`{}` is a Python for {python_arch}, but the build is for {target}; {hint}",
                python.display()
            ),
            Error::UntestedPlatform { os } if os == "windows" => f.write_str(
                "untested platform: windows. cargo-hpy does not build extensions on \
                 Windows yet (the CPython ABI needs linking against pythonXY.lib and the \
                 artifact must be renamed from .dll to .pyd); build on Linux instead",
            ),
            Error::UntestedPlatform { os } => write!(
                f,
                "untested platform: {os}. cargo-hpy only knows how to build extensions on \
                 Linux (and, untested, macOS)"
            ),
            Error::NoExtSuffix { python } => write!(
                f,
                "`{}` reports no EXT_SUFFIX, so cargo-hpy cannot name a CPython-ABI module \
                 for it",
                python.display()
            ),
            Error::PythonWithUniversal => f.write_str(
                "--python/--find-interpreter choose the CPython of a CPython-ABI module, but \
                 --universal (or `abi = \"universal\"` in [tool.hpy-rs]) builds one binary \
                 without Python that loads on CPython 3.11-3.15 (through hpy-rs-universal) \
                 and PyPy alike: drop --python, or build CPython-ABI modules (without \
                 --universal, or with --cpython)",
            ),
            Error::NoHostSource { path } => write!(
                f,
                "--with-host builds hpy-rs-universal from the hpy-rs checkout cargo-hpy was \
                 built from, but {} is gone; build the host wheels there with \
                 `cargo hpy wheel --release -p hpy-universal -i PYTHON`",
                path.display()
            ),
            Error::NoOutDir { hook } => write!(f, "cargo hpy pep517 {hook}: --out DIR is needed"),
            Error::MissingPathDependency {
                manifest,
                name,
                path,
            } => write!(
                f,
                "{}: the path dependency `{name}` ({path}) does not exist",
                manifest.display()
            ),
            Error::WorkspaceKeyUnset {
                manifest,
                key,
                workspace,
            } => write!(
                f,
                "{}: {key} is inherited from the workspace ({}), which does not set it",
                manifest.display(),
                workspace.display()
            ),
            Error::SdistUnresolved(e) => write!(
                f,
                "the sdist's Rust sources do not resolve on their own, so pip could not \
                 build them: {e}"
            ),
            Error::UnknownSettings { keys, known } => write!(
                f,
                "hpy_rs_build: unknown config setting{} {} (known: {})",
                if keys.len() > 1 { "s" } else { "" },
                keys.iter()
                    .map(|k| format!("'{k}'"))
                    .collect::<Vec<_>>()
                    .join(", "),
                known.join(", ")
            ),
            Error::SettingValue {
                key,
                value,
                choices,
            } => write!(
                f,
                "hpy_rs_build: config setting {key}='{value}' is not one of {}",
                choices.join(", ")
            ),
            Error::Install {
                wheel,
                python,
                uv: false,
            } => write!(
                f,
                "pip could not install {} into {} (is pip installed there? `{} -m ensurepip` \
                 installs it, or install with uv: --uv)",
                wheel.display(),
                python.display(),
                python.display()
            ),
            Error::Install {
                wheel,
                python,
                uv: true,
            } => write!(
                f,
                "uv could not install {} into {} (its output above says why)",
                wheel.display(),
                python.display()
            ),
            Error::NoUv { python, asked } => write!(
                f,
                "{}, but uv was not found (neither $UV, nor `uv` on PATH, nor next to {}): \
                 install uv (`pip install uv`) or put it on PATH{}",
                if *asked {
                    "--uv installs with uv".to_owned()
                } else {
                    format!(
                        "the environment of {} was made by uv and has no pip",
                        python.display()
                    )
                },
                python.display(),
                if *asked {
                    ""
                } else {
                    ", or install pip into the environment"
                }
            ),
            Error::Upload(e) => e.fmt(f),
            Error::CargoOutput(m) | Error::Setting(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } | Error::Spawn { source, .. } => Some(source),
            Error::Interpreter(e) => Some(e),
            Error::Upload(e) => std::error::Error::source(e),
            Error::SdistUnresolved(e) => Some(e.as_ref()),
            Error::Toml { source, .. } => Some(source),
            Error::IncludePattern { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<crate::upload::UploadError> for Error {
    fn from(e: crate::upload::UploadError) -> Error {
        Error::Upload(e)
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
            host: false,
        };
        assert!(e
            .to_string()
            .contains("`/pypy/bin/pypy3` is pypy, not CPython"));
        let e = Error::NotCPython {
            python: "/pypy/bin/pypy3".into(),
            implementation: "pypy".into(),
            host: true,
        };
        assert!(
            e.to_string().contains("is pypy, which needs no host"),
            "{e}"
        );
    }
}
