//! `cargo hpy build`: compiles the extension crate(s) ([`crate::project::compile`])
//! and lays the results out under the names Python imports.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::files::replace_file;
use crate::options::BuildArgs;
use crate::project::cargo;
use crate::project::compile::{self, Abi, CompiledLibrary};
use crate::project::target::Platform;
use crate::project::target::Target;
use crate::python::stub::{self, UNIVERSAL_SUFFIX};

/// `--python` picks the interpreter of a CPython-ABI module; a universal
/// one is built without Python, so the option would be silently ignored.
pub fn refuse_python_with_universal(build_args: &BuildArgs) -> Result<(), Error> {
    let names_python = build_args.python.is_some() || build_args.find_interpreter;
    if build_args.universal && names_python && !build_args.with_host {
        return Err(Error::PythonWithUniversal);
    }
    Ok(())
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
    let target = Target::for_args(args)?;
    if target.platform == Platform::MacOs {
        eprintln!("cargo-hpy: warning: untested platform macos");
    }
    let abi = if args.universal {
        Abi::Universal
    } else {
        Abi::CPython
    };
    let python = compile::target_python(args, abi, &target)?;
    let ext_suffix = python.as_ref().and_then(|p| p.ext_suffix.clone());
    let metadata = cargo::metadata(args.manifest_path.as_deref())?;
    let libraries = compile::compile(args, abi, &target, python.as_ref(), &metadata)?;

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
    fs::create_dir_all(&out_dir).map_err(|e| Error::io("create", &out_dir, e))?;
    eprintln!("cargo-hpy: output directory {}", out_dir.display());
    let mut modules = Vec::new();
    for library in &libraries {
        let mut module = install_module(library, abi, ext_suffix.as_deref(), &out_dir)?;
        module
            .files
            .extend(copy_python_source(library, &out_dir, &module.files)?);
        for stub in crate::project::stubs::write_stub_files(library, &out_dir)? {
            // (A package's own `py.typed` was copied with its sources.)
            if !module.files.contains(&stub) {
                module.files.push(stub);
            }
        }
        for file in &module.files {
            eprintln!("cargo-hpy: wrote {}", file.display());
        }
        modules.push(module);
    }
    Ok(BuildOutput { out_dir, modules })
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
    for (rel, data, _) in compile::python_files(dir, library)? {
        let target = rel.split('/').fold(out_dir.to_path_buf(), |d, p| d.join(p));
        if written.contains(&target) {
            return Err(Error::PythonSourceShadows {
                file: rel,
                module: library.full_name.clone(),
            });
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
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
    fs::create_dir_all(out_dir).map_err(|e| Error::io("create", out_dir, e))?;
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
                return Err(Error::ForeignStub {
                    path: stub_path.to_path_buf(),
                });
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

fn is_our_stub(path: &Path) -> bool {
    fs::read_to_string(path).is_ok_and(|text| text.starts_with(stub::STUB_MARKER))
}

fn remove_stale(out_dir: &Path, names: &[String]) -> Result<(), Error> {
    for name in names {
        let path = out_dir.join(name);
        let ours = !name.ends_with(".py") || is_our_stub(&path);
        if ours && path.is_file() {
            fs::remove_file(&path).map_err(|e| Error::io("remove", &path, e))?;
            eprintln!("cargo-hpy: removed stale {}", path.display());
        }
    }
    Ok(())
}

/// Removes `name.<tag>.so` files other than `name.hpy0.so`: CPython-ABI builds
/// of the same module, possibly for another Python version.
fn remove_stale_cpython_modules(out_dir: &Path, name: &str) -> Result<(), Error> {
    let entries = fs::read_dir(out_dir).map_err(|e| Error::io("read", out_dir, e))?;
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

/// Copies `from` to `to` through [`replace_file`], so that a process which
/// already has the old library mapped keeps a consistent file.
fn copy_atomically(from: &Path, to: &Path) -> Result<(), Error> {
    replace_file(to, |temp| {
        fs::copy(from, temp)
            .map(drop)
            .map_err(|e| Error::io("copy", from, e))
    })
}

fn write_atomically(to: &Path, contents: &[u8]) -> Result<(), Error> {
    replace_file(to, |temp| {
        fs::write(temp, contents).map_err(|e| Error::io("write", temp, e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_with_universal_is_explained() {
        let universal = BuildArgs {
            universal: true,
            python: Some("3.11".into()),
            ..Default::default()
        };
        let e = refuse_python_with_universal(&universal)
            .unwrap_err()
            .to_string();
        assert!(e.contains("builds one binary without Python"), "{e}");
        // With --with-host, --python names the hosts' interpreters.
        let host = BuildArgs {
            with_host: true,
            ..universal.clone()
        };
        assert!(refuse_python_with_universal(&host).is_ok());
        let cpython = BuildArgs {
            universal: false,
            ..universal
        };
        assert!(refuse_python_with_universal(&cpython).is_ok());
    }

    fn scratch_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cargo-hpy-test-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
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
