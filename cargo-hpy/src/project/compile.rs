//! Compiling an extension crate with cargo: the interpreter it is for
//! ([`target_python`]), the `cargo build` run and the cdylibs it produced
//! ([`compile`]), each with its module name and the package's own Python
//! files ([`python_files`]). `cargo hpy build`
//! ([`crate::command::build`]) lays them out for import, `cargo hpy wheel`
//! ([`crate::wheel`]) packs them.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::options::BuildArgs;
use crate::project;
use crate::project::cargo::{self, BuildInvocation, Metadata};
use crate::project::target::{Platform, Target};
use crate::python::stub;
use crate::python::{self, PythonInfo};

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

/// The interpreter a CPython-ABI build is for (`--python`, `$HPY_PYTHON`,
/// `python3`), checked to be a CPython with an `EXT_SUFFIX` that runs on
/// `target`. A universal build needs no Python: `None`.
pub fn target_python(
    args: &BuildArgs,
    abi: Abi,
    target: &Target,
) -> Result<Option<PythonInfo>, Error> {
    if abi == Abi::Universal {
        return Ok(None);
    }
    let interpreter =
        python::choose_interpreter(args.python.as_deref(), std::env::var_os(python::PYTHON_ENV));
    let python = python::query(&interpreter)?;
    if python.implementation != "cpython" {
        let host = args.packages.iter().any(|p| p == "hpy-universal")
            || args
                .manifest_path
                .as_deref()
                .and_then(|m| m.parent())
                .and_then(|d| d.file_name())
                .is_some_and(|d| d == "hpy-universal");
        return Err(Error::NotCPython {
            python: python.executable,
            implementation: python.implementation,
            host,
        });
    }
    if python.ext_suffix.is_none() {
        return Err(Error::NoExtSuffix {
            python: python.executable.clone(),
        });
    }
    target.check_python(&python)?;
    Ok(Some(python))
}

/// Checks the selection, runs `cargo build` for `abi` and returns the cdylib
/// libraries of the workspace's crates that it built, sorted by module name.
/// `python` is the interpreter of a CPython-ABI build (`None` for universal).
pub fn compile(
    args: &BuildArgs,
    abi: Abi,
    target: &Target,
    python: Option<&PythonInfo>,
    metadata: &Metadata,
) -> Result<Vec<CompiledLibrary>, Error> {
    check_selection_has_cdylib(args, metadata)?;
    let platform = target.platform;
    let cross_env = target.cargo_env()?;
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
    // The build script sees the installed Python, not the virtualenv's
    // path to it (`PythonInfo::base_executable`): hpy-sys stays built
    // when the next build is for another virtualenv of the same Python.
    let mut envs: Vec<(&str, OsString)> = python
        .map(|p| (python::PYTHON_ENV, p.base_executable.as_os_str().to_owned()))
        .into_iter()
        .collect();
    envs.extend(cross_env.iter().map(|(k, v)| (k.as_str(), v.clone())));
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
            return Err(Error::LibraryName {
                library: artifact.target_name.clone(),
                problem,
            });
        }
        let Some(library) = artifact.shared_library(platform.cdylib_extension()) else {
            return Err(Error::CargoOutput(format!(
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
                Error::CargoOutput(format!(
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
                return Err(Error::DuplicateModule { module: full_name });
            }
        }
    }
    if by_module.is_empty() {
        return Err(Error::NoCdylib);
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
    let no_cdylib = |name: &str| Error::CrateNotCdylib {
        crate_name: name.to_owned(),
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
/// `NAME/universal` feature: `hpy` unless the one selected package names
/// the dependency otherwise (`my_hpy = { package = "hpy-rs", ... }`, or
/// `hpy-rs` itself when it is not renamed).
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

/// Reads a whole file.
pub fn read(path: &Path) -> Result<Vec<u8>, Error> {
    fs::read(path).map_err(|e| Error::io("read", path, e))
}

/// A file for an archive: its path inside, its bytes, its Unix mode.
pub type ArchiveFile = (String, Vec<u8>, u32);

/// Every file under `dir` (recursively, sorted), except byte code, hidden
/// files and what earlier builds of this very module left there.
pub fn python_files(dir: &Path, library: &CompiledLibrary) -> Result<Vec<ArchiveFile>, Error> {
    let own_dir = library.package_path().join("/");
    let own_prefix = format!("{}.", library.module_name);
    let mut out = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, rel)) = pending.pop() {
        let entries = fs::read_dir(&path).map_err(|e| Error::io("read", &path, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("read", &path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "__pycache__" || name.ends_with(".pyc") {
                continue;
            }
            let child = entry.path();
            let child_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if child.is_dir() {
                pending.push((child, child_rel));
                continue;
            }
            let data = read(&child)?;
            let leftover = rel == own_dir
                && name.starts_with(&own_prefix)
                && (name.ends_with(".so")
                    || (name.ends_with(".py") && data.starts_with(stub::STUB_MARKER.as_bytes())));
            if leftover {
                eprintln!(
                    "cargo-hpy: warning: not packing {} (an earlier build of the module)",
                    child.display()
                );
                continue;
            }
            let mode = if name.ends_with(".so") { 0o755 } else { 0o644 };
            out.push((child_rel, data, mode));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
