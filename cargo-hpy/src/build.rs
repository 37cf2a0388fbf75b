//! `cargo hpy build`: compile the extension crate(s) and lay the results out
//! under the names Python imports.
//!
//! The steps are separate functions so that later commands (`develop`,
//! `wheel`) can reuse them: [`build`] runs everything and returns what it
//! wrote; [`compile`] stops after cargo and returns the raw libraries.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::args::BuildArgs;
use crate::cargo::{self, BuildInvocation, Metadata};
use crate::error::Error;
use crate::project;
use crate::python::{self, PythonInfo};
use crate::stub::{self, UNIVERSAL_SUFFIX};

/// Which binary interface an extension is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abi {
    /// The CPython ABI: the module links against one CPython version and is
    /// named with that interpreter's `EXT_SUFFIX`.
    CPython,
    /// The HPy universal ABI: one `.hpy0.so` for every HPy-capable Python,
    /// loaded through a stub and `hpy.universal`.
    Universal,
}

impl Abi {
    /// Lower-case name, used as the last component of the default output dir.
    pub fn name(self) -> &'static str {
        match self {
            Abi::CPython => "cpython",
            Abi::Universal => "universal",
        }
    }
}

/// The operating systems cargo-hpy knows how to name artifacts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Tested.
    Linux,
    /// Implemented from documentation only; never run.
    MacOs,
}

impl Platform {
    /// The platform cargo-hpy runs on (cross-compiling is not supported), or
    /// an error for platforms where building would need steps cargo-hpy does
    /// not implement.
    pub fn host() -> Result<Platform, Error> {
        match std::env::consts::OS {
            "linux" => Ok(Platform::Linux),
            "macos" => Ok(Platform::MacOs),
            "windows" => Err(Error::failed(
                "untested platform: windows. cargo-hpy does not build extensions on \
                 Windows yet (the CPython ABI needs linking against pythonXY.lib and the \
                 artifact must be renamed from .dll to .pyd); build on Linux instead",
            )),
            other => Err(Error::failed(format!(
                "untested platform: {other}. cargo-hpy only knows how to build \
                 extensions on Linux (and, untested, macOS)"
            ))),
        }
    }

    /// File extension cargo gives a `cdylib` here.
    pub fn cdylib_extension(self) -> &'static str {
        match self {
            Platform::Linux => "so",
            Platform::MacOs => "dylib",
        }
    }
}

/// One extension library as cargo produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledLibrary {
    /// The module's own name: the lib target name, `-` mapped to `_` (the
    /// init symbols are generated from it).
    pub module_name: String,
    /// The full dotted name, e.g. `pofpackage.foo` (see [`crate::project`]);
    /// equal to `module_name` for a top-level module.
    pub full_name: String,
    /// The cargo package id of the crate.
    pub package_id: String,
    /// Cargo's output file, e.g. `target/debug/libpof.so`.
    pub library: PathBuf,
    /// The package's own Python files (see [`crate::project`]), if any.
    pub python_source: Option<PathBuf>,
}

impl CompiledLibrary {
    /// The package directories of the module, e.g. `["pofpackage"]`.
    pub fn package_path(&self) -> Vec<&str> {
        let mut parts: Vec<&str> = self.full_name.split('.').collect();
        parts.pop();
        parts
    }
}

/// One module laid out for import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltModule {
    /// The full dotted Python module name.
    pub module_name: String,
    /// The ABI it was built for.
    pub abi: Abi,
    /// The files written, binary first (the universal stub follows it).
    pub files: Vec<PathBuf>,
}

/// Everything [`build`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOutput {
    /// The directory the modules were written to.
    pub out_dir: PathBuf,
    /// The modules, sorted by name.
    pub modules: Vec<BuiltModule>,
}

/// Runs `cargo hpy build`: compiles, then writes each module into the output
/// directory under its importable name. Progress goes to stderr.
pub fn build(args: &BuildArgs) -> Result<BuildOutput, Error> {
    let platform = Platform::host()?;
    if platform == Platform::MacOs {
        eprintln!("cargo-hpy: warning: untested platform macos");
    }
    let abi = if args.universal {
        Abi::Universal
    } else {
        Abi::CPython
    };
    let python = target_python(args, abi)?;
    let ext_suffix = python.as_ref().and_then(|p| p.ext_suffix.clone());
    let metadata = cargo::metadata(args.manifest_path.as_deref())?;
    let libraries = compile(args, abi, platform, python.as_ref(), &metadata)?;

    let out_dir = match &args.out {
        Some(dir) => dir.clone(),
        None => default_out_dir(
            args.target_dir
                .as_deref()
                .unwrap_or(&metadata.target_directory),
            args.profile_dir(),
            abi,
        ),
    };
    fs::create_dir_all(&out_dir).map_err(|e| io_error("create", &out_dir, e))?;
    eprintln!("cargo-hpy: output directory {}", out_dir.display());
    let mut modules = Vec::new();
    for library in &libraries {
        let mut module = install_module(library, abi, ext_suffix.as_deref(), &out_dir)?;
        module
            .files
            .extend(copy_python_source(library, &out_dir, &module.files)?);
        for file in &module.files {
            eprintln!("cargo-hpy: wrote {}", file.display());
        }
        modules.push(module);
    }
    Ok(BuildOutput { out_dir, modules })
}

/// The interpreter a CPython-ABI build is for (`--python`, `$HPY_PYTHON`,
/// `python3`), checked to be a CPython with an `EXT_SUFFIX`. A universal build
/// needs no Python: `None`.
pub fn target_python(args: &BuildArgs, abi: Abi) -> Result<Option<PythonInfo>, Error> {
    if abi == Abi::Universal {
        return Ok(None);
    }
    let interpreter =
        python::choose_interpreter(args.python.as_deref(), std::env::var_os(python::PYTHON_ENV));
    let python = python::query(&interpreter)?;
    if python.implementation != "cpython" {
        return Err(Error::failed(format!(
            "`{}` is {}, not CPython: a CPython-ABI module only loads into the CPython \
             it was built for. Build with --universal: the universal binary loads on \
             {} as it is",
            python.executable.display(),
            python.implementation,
            python.implementation
        )));
    }
    if python.ext_suffix.is_none() {
        return Err(Error::failed(format!(
            "`{}` reports no EXT_SUFFIX, so cargo-hpy cannot name a CPython-ABI \
             module for it",
            python.executable.display()
        )));
    }
    Ok(Some(python))
}

/// Checks the selection, runs `cargo build` for `abi` and returns the cdylib
/// libraries of the workspace's crates that it built, sorted by module name.
/// `python` is the interpreter of a CPython-ABI build (`None` for universal).
pub fn compile(
    args: &BuildArgs,
    abi: Abi,
    platform: Platform,
    python: Option<&PythonInfo>,
    metadata: &Metadata,
) -> Result<Vec<CompiledLibrary>, Error> {
    check_selection_has_cdylib(args, metadata)?;
    let invocation = BuildInvocation {
        release: args.release,
        packages: args.packages.clone(),
        manifest_path: args.manifest_path.clone(),
        target_dir: args.target_dir.clone(),
        features: match abi {
            Abi::Universal => vec![format!("{}/universal", hpy_dependency(args, metadata))],
            Abi::CPython => vec![],
        },
        cargo: args.cargo.clone(),
    };
    let mut envs: Vec<(&str, OsString)> = python
        .map(|p| (python::PYTHON_ENV, p.executable.clone().into_os_string()))
        .into_iter()
        .collect();
    if platform == Platform::MacOs && abi == Abi::CPython {
        eprintln!(
            "cargo-hpy: warning: linking with `-undefined dynamic_lookup` through \
             CARGO_ENCODED_RUSTFLAGS, which overrides rustflags from cargo config files"
        );
        envs.push(("CARGO_ENCODED_RUSTFLAGS", macos_rustflags()));
    }
    let artifacts = cargo::run_build(&invocation, &envs)?;

    let mut by_module: BTreeMap<String, CompiledLibrary> = BTreeMap::new();
    for artifact in artifacts
        .iter()
        .filter(|a| a.is_cdylib() && metadata.workspace_members.contains(&a.package_id))
    {
        let module_name = artifact.target_name.replace('-', "_");
        if let Some(problem) = python::module_name_problem(&module_name) {
            return Err(Error::failed(format!(
                "library `{}` cannot be a Python module: {problem}; set \
                 `[lib] name = \"...\"` in its Cargo.toml",
                artifact.target_name
            )));
        }
        let Some(library) = artifact.shared_library(platform.cdylib_extension()) else {
            return Err(Error::failed(format!(
                "cargo reported no .{} file for cdylib `{}` (files: {:?})",
                platform.cdylib_extension(),
                artifact.target_name,
                artifact.filenames
            )));
        };
        let package = metadata
            .packages
            .iter()
            .find(|p| p.id == artifact.package_id)
            .ok_or_else(|| {
                Error::failed(format!(
                    "cargo built {} for a package that `cargo metadata` does not list",
                    artifact.package_id
                ))
            })?;
        if let Some(warning) = no_hpy_warning(package) {
            eprintln!("cargo-hpy: warning: {warning}");
        }
        let project = project::load(package, &module_name)?;
        let full_name = project.module;
        let compiled = CompiledLibrary {
            module_name,
            full_name: full_name.clone(),
            package_id: artifact.package_id.clone(),
            library: library.to_path_buf(),
            python_source: project.python_source,
        };
        if let Some(previous) = by_module.insert(full_name.clone(), compiled) {
            if previous.library != library {
                return Err(Error::failed(format!(
                    "two crates build a module named `{full_name}`; build them one at a \
                     time with -p"
                )));
            }
        }
    }
    if by_module.is_empty() {
        return Err(Error::failed(
            "no cdylib target was built; an extension crate needs \
             `[lib] crate-type = [\"cdylib\"]` in its Cargo.toml (select it with -p or \
             --manifest-path)",
        ));
    }
    Ok(by_module.into_values().collect())
}

/// A warning for a cdylib crate that does not depend on hpy: it has no
/// `HPyInit_…`/`PyInit_…` made by hpy-rs, so Python will likely refuse it.
fn no_hpy_warning(package: &cargo::Package) -> Option<String> {
    package.hpy_dependency.is_none().then(|| {
        format!(
            "crate {} does not depend on hpy, so its cdylib has no module init function \
             from hpy-rs and Python will likely not import it; add \
             `hpy = {{ path = \".../hpy\" }}` to its [dependencies]",
            package.name
        )
    })
}

/// `<target-dir>/hpy/<profile>/<cpython|universal>`: one directory per
/// ABI, because Python prefers `m.cpython-*.so` over a stub `m.py` in the
/// same directory.
pub fn default_out_dir(target_dir: &Path, profile: &str, abi: Abi) -> PathBuf {
    target_dir.join("hpy").join(profile).join(abi.name())
}

/// Copies the package's python-source files into `out_dir` (where a wheel
/// would put them), never over the module's own `written` files; returns
/// the files copied.
fn copy_python_source(
    library: &CompiledLibrary,
    out_dir: &Path,
    written: &[PathBuf],
) -> Result<Vec<PathBuf>, Error> {
    let Some(dir) = &library.python_source else {
        return Ok(Vec::new());
    };
    let mut copied = Vec::new();
    for (rel, data, _) in crate::wheel::python_files(dir, library)? {
        let target = rel.split('/').fold(out_dir.to_path_buf(), |d, p| d.join(p));
        if written.contains(&target) {
            return Err(Error::failed(format!(
                "the python-source directory has its own `{rel}`, which is where the \
                 extension module {} goes; remove or rename it",
                library.full_name
            )));
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
        }
        write_atomically(&target, &data)?;
        copied.push(target);
    }
    Ok(copied)
}

/// The file names a module takes in the output directory for `abi`.
pub fn module_file_names(module_name: &str, abi: Abi, ext_suffix: Option<&str>) -> Vec<String> {
    match (abi, ext_suffix) {
        (Abi::CPython, Some(suffix)) => vec![format!("{module_name}{suffix}")],
        (Abi::CPython, None) => vec![],
        (Abi::Universal, _) => vec![
            format!("{module_name}{UNIVERSAL_SUFFIX}"),
            format!("{module_name}.py"),
        ],
    }
}

/// Writes one module into `out_dir` (into its package's directories for a
/// dotted name: `out_dir/pofpackage/foo.hpy0.so`) and removes the other ABI's
/// files for the same module there, which would otherwise shadow or confuse
/// the new ones.
pub fn install_module(
    library: &CompiledLibrary,
    abi: Abi,
    ext_suffix: Option<&str>,
    out_dir: &Path,
) -> Result<BuiltModule, Error> {
    let name = &library.module_name;
    let out_dir = &library
        .package_path()
        .iter()
        .fold(out_dir.to_path_buf(), |dir, part| dir.join(part));
    fs::create_dir_all(out_dir).map_err(|e| io_error("create", out_dir, e))?;
    let mut files = Vec::new();
    match abi {
        Abi::CPython => {
            let suffix = ext_suffix.expect("the CPython ABI always has an EXT_SUFFIX");
            let target = out_dir.join(format!("{name}{suffix}"));
            copy_atomically(&library.library, &target)?;
            files.push(target);
            remove_stale(out_dir, &module_file_names(name, Abi::Universal, None))?;
        }
        Abi::Universal => {
            let binary = out_dir.join(format!("{name}{UNIVERSAL_SUFFIX}"));
            let stub_path = out_dir.join(format!("{name}.py"));
            if stub_path.exists() && !is_our_stub(&stub_path) {
                return Err(Error::failed(format!(
                    "{} exists and was not written by cargo-hpy; refusing to overwrite it \
                     with the loader stub",
                    stub_path.display()
                )));
            }
            copy_atomically(&library.library, &binary)?;
            files.push(binary);
            write_atomically(&stub_path, stub::universal_stub(name).as_bytes())?;
            files.push(stub_path);
            // Any `name.*.so` CPython-ABI module would win over the stub.
            remove_stale_cpython_modules(out_dir, name)?;
        }
    }
    Ok(BuiltModule {
        module_name: library.full_name.clone(),
        abi,
        files,
    })
}

fn macos_rustflags() -> OsString {
    // CARGO_ENCODED_RUSTFLAGS replaces RUSTFLAGS and config rustflags, so the
    // user's own flags are carried over; they are separated by 0x1f.
    let mut flags: Vec<String> = match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        Ok(encoded) if !encoded.is_empty() => encoded.split('\x1f').map(str::to_owned).collect(),
        _ => std::env::var("RUSTFLAGS")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    };
    flags.extend(["-C", "link-arg=-undefined", "-C", "link-arg=dynamic_lookup"].map(str::to_owned));
    flags.join("\x1f").into()
}

fn check_selection_has_cdylib(args: &BuildArgs, metadata: &Metadata) -> Result<(), Error> {
    let no_cdylib = |name: &str| {
        Error::failed(format!(
            "crate {name} has no cdylib target: add `[lib] crate-type = [\"cdylib\"]` to \
             its Cargo.toml"
        ))
    };
    if !args.packages.is_empty() {
        for spec in &args.packages {
            // A spec may carry a version (`name@1.0`) or be a URL; only a plain
            // workspace member name is checked here, cargo judges the rest.
            if let Some(package) = metadata.packages.iter().find(|p| &p.name == spec) {
                if !package.has_cdylib {
                    return Err(no_cdylib(&package.name));
                }
            }
        }
        return Ok(());
    }
    let manifest = match &args.manifest_path {
        Some(path) => Some(path.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|d| nearest_manifest(&d)),
    };
    let Some(manifest) = manifest.and_then(|m| fs::canonicalize(m).ok()) else {
        return Ok(());
    };
    let selected = metadata
        .packages
        .iter()
        .find(|p| fs::canonicalize(&p.manifest_path).is_ok_and(|m| m == manifest));
    match selected {
        Some(package) if !package.has_cdylib => Err(no_cdylib(&package.name)),
        _ => Ok(()),
    }
}

/// The name under which the package being built depends on hpy, for the
/// `NAME/universal` feature: `hpy` unless the one selected package renames
/// the dependency (`my_hpy = { package = "hpy", ... }`).
fn hpy_dependency(args: &BuildArgs, metadata: &Metadata) -> String {
    let selected = match args.packages.as_slice() {
        [spec] => metadata.packages.iter().find(|p| &p.name == spec),
        [] => {
            let manifest = match &args.manifest_path {
                Some(path) => Some(path.clone()),
                None => std::env::current_dir()
                    .ok()
                    .and_then(|d| nearest_manifest(&d)),
            };
            manifest
                .and_then(|m| fs::canonicalize(m).ok())
                .and_then(|manifest| {
                    metadata
                        .packages
                        .iter()
                        .find(|p| fs::canonicalize(&p.manifest_path).is_ok_and(|m| m == manifest))
                })
        }
        _ => None,
    };
    selected
        .and_then(|p| p.hpy_dependency.clone())
        .unwrap_or_else(|| "hpy".to_owned())
}

/// The `Cargo.toml` cargo would pick when run in `dir`.
fn nearest_manifest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|m| m.is_file())
}

fn is_our_stub(path: &Path) -> bool {
    fs::read_to_string(path).is_ok_and(|text| text.starts_with(stub::STUB_MARKER))
}

fn remove_stale(out_dir: &Path, names: &[String]) -> Result<(), Error> {
    for name in names {
        let path = out_dir.join(name);
        let ours = !name.ends_with(".py") || is_our_stub(&path);
        if ours && path.is_file() {
            fs::remove_file(&path).map_err(|e| io_error("remove", &path, e))?;
            eprintln!("cargo-hpy: removed stale {}", path.display());
        }
    }
    Ok(())
}

/// Removes `name.<tag>.so` files other than `name.hpy0.so`: CPython-ABI builds
/// of the same module, possibly for another Python version.
fn remove_stale_cpython_modules(out_dir: &Path, name: &str) -> Result<(), Error> {
    let entries = fs::read_dir(out_dir).map_err(|e| io_error("read", out_dir, e))?;
    let universal = format!("{name}{UNIVERSAL_SUFFIX}");
    let prefix = format!("{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        if file_name.starts_with(&prefix) && file_name.ends_with(".so") && file_name != universal {
            remove_stale(out_dir, &[file_name.to_owned()])?;
        }
    }
    Ok(())
}

/// Copies via a temporary file and a rename, so that a process which already
/// has the old library mapped keeps a consistent file.
fn copy_atomically(from: &Path, to: &Path) -> Result<(), Error> {
    let temp = temp_path(to);
    fs::copy(from, &temp).map_err(|e| io_error("copy", from, e))?;
    fs::rename(&temp, to).map_err(|e| {
        let _ = fs::remove_file(&temp);
        io_error("write", to, e)
    })
}

fn write_atomically(to: &Path, contents: &[u8]) -> Result<(), Error> {
    let temp = temp_path(to);
    fs::write(&temp, contents).map_err(|e| io_error("write", &temp, e))?;
    fs::rename(&temp, to).map_err(|e| {
        let _ = fs::remove_file(&temp);
        io_error("write", to, e)
    })
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".cargo-hpy-{}.tmp", std::process::id()));
    path.with_file_name(name)
}

fn io_error(action: &str, path: &Path, e: io::Error) -> Error {
    Error::failed(format!("could not {action} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cargo-hpy-test-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_cdylib_without_hpy_is_warned_about() {
        let mut package = cargo::Package {
            id: "id".into(),
            name: "plain".into(),
            manifest_path: "/nonexistent/Cargo.toml".into(),
            has_cdylib: true,
            lib_name: None,
            version: "1.0.0".into(),
            description: None,
            license: None,
            authors: vec![],
            homepage: None,
            repository: None,
            hpy_module: None,
            hpy_python_source: None,
            hpy_dependency: None,
        };
        let warning = no_hpy_warning(&package).unwrap();
        assert!(
            warning.contains("crate plain does not depend on hpy"),
            "{warning}"
        );
        package.hpy_dependency = Some("my_hpy".into());
        assert_eq!(no_hpy_warning(&package), None);
    }

    #[test]
    fn default_out_dirs() {
        let t = Path::new("/w/target");
        assert_eq!(
            default_out_dir(t, "debug", Abi::CPython),
            Path::new("/w/target/hpy/debug/cpython")
        );
        assert_eq!(
            default_out_dir(t, "release", Abi::Universal),
            Path::new("/w/target/hpy/release/universal")
        );
    }

    #[test]
    fn file_names_per_abi() {
        assert_eq!(
            module_file_names(
                "pof",
                Abi::CPython,
                Some(".cpython-311-x86_64-linux-gnu.so")
            ),
            ["pof.cpython-311-x86_64-linux-gnu.so"]
        );
        assert_eq!(
            module_file_names("pof", Abi::Universal, None),
            ["pof.hpy0.so", "pof.py"]
        );
    }

    #[test]
    fn installs_both_abis_and_removes_the_other() {
        let dir = scratch_dir("install");
        let lib = dir.join("libpof.so");
        fs::write(&lib, b"binary").unwrap();
        let library = CompiledLibrary {
            module_name: "pof".into(),
            full_name: "pof".into(),
            package_id: "pof".into(),
            library: lib,
            python_source: None,
        };
        let out = dir.join("out");
        fs::create_dir_all(&out).unwrap();
        let suffix = ".cpython-311-x86_64-linux-gnu.so";

        let cpython = install_module(&library, Abi::CPython, Some(suffix), &out).unwrap();
        assert_eq!(
            cpython.files,
            [out.join("pof.cpython-311-x86_64-linux-gnu.so")]
        );

        let universal = install_module(&library, Abi::Universal, None, &out).unwrap();
        assert_eq!(
            universal.files,
            [out.join("pof.hpy0.so"), out.join("pof.py")]
        );
        assert!(!out.join("pof.cpython-311-x86_64-linux-gnu.so").exists());
        assert_eq!(fs::read(out.join("pof.hpy0.so")).unwrap(), b"binary");
        assert!(is_our_stub(&out.join("pof.py")));

        install_module(&library, Abi::CPython, Some(suffix), &out).unwrap();
        assert!(!out.join("pof.hpy0.so").exists());
        assert!(!out.join("pof.py").exists());
        let mut left: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        left.sort();
        assert_eq!(left, ["pof.cpython-311-x86_64-linux-gnu.so"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dotted_modules_go_into_their_package() {
        let dir = scratch_dir("dotted");
        let lib = dir.join("libfoo.so");
        fs::write(&lib, b"binary").unwrap();
        let library = CompiledLibrary {
            module_name: "foo".into(),
            full_name: "pofpackage.sub.foo".into(),
            package_id: "p".into(),
            library: lib,
            python_source: None,
        };
        assert_eq!(library.package_path(), ["pofpackage", "sub"]);
        let built = install_module(&library, Abi::Universal, None, &dir).unwrap();
        let pkg = dir.join("pofpackage").join("sub");
        assert_eq!(built.files, [pkg.join("foo.hpy0.so"), pkg.join("foo.py")]);
        assert_eq!(built.module_name, "pofpackage.sub.foo");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn never_overwrites_a_users_module() {
        let dir = scratch_dir("user-py");
        let lib = dir.join("libpof.so");
        fs::write(&lib, b"binary").unwrap();
        fs::write(dir.join("pof.py"), "print('mine')\n").unwrap();
        let library = CompiledLibrary {
            module_name: "pof".into(),
            full_name: "pof".into(),
            package_id: "pof".into(),
            library: lib,
            python_source: None,
        };
        let err = install_module(&library, Abi::Universal, None, &dir).unwrap_err();
        assert!(
            err.to_string().contains("not written by cargo-hpy"),
            "{err}"
        );
        // Nor deletes it when switching ABI.
        install_module(&library, Abi::CPython, Some(".cpython-311.so"), &dir).unwrap();
        assert_eq!(
            fs::read_to_string(dir.join("pof.py")).unwrap(),
            "print('mine')\n"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
