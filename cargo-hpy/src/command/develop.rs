//! `cargo hpy develop`: build a wheel and install it into a Python
//! environment, so that `python -c "import NAME"` works from any directory.
//!
//! The environment is the interpreter given with `--python`, else
//! `$HPY_PYTHON` (the variable `build` and `wheel` read too), else the active
//! virtualenv (`$VIRTUAL_ENV/bin/python`), else the active conda environment
//! (`$CONDA_PREFIX/bin/python`). Installing through pip (with the wheel built
//! by [`crate::wheel`]) means `pip uninstall NAME` removes it again, and a
//! later `develop` replaces every file of the previous one.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::Error;
use crate::options::BuildArgs;
use crate::project;
use crate::python;
use crate::wheel;

/// Runs `cargo hpy develop`.
pub fn develop(args: &BuildArgs) -> Result<(), Error> {
    let from_env = std::env::var_os(python::PYTHON_ENV).filter(|v| !v.is_empty());
    let interpreter = match args.python.clone().or(from_env) {
        Some(python) => python,
        None => active_environment_python()?,
    };
    let info = python::query(&interpreter)?;
    let mut wheel_args = args.clone();
    wheel_args.python = Some(info.executable.clone().into_os_string());
    let scratch = std::env::temp_dir().join(format!("cargo-hpy-develop-{}", std::process::id()));
    wheel_args.out = Some(scratch.clone());
    // What pip cannot install from the package index: the host of a
    // universal module on CPython (hpy-rs-universal is built from hpy-rs).
    let missing_dependency_hint = (args.universal && info.implementation == "cpython").then(|| {
        format!(
            "a universal module on CPython needs hpy-rs-universal: build and install it \
             from hpy-rs with `cargo hpy develop --release -p hpy-universal --python {}`",
            info.executable.display()
        )
    });
    if let Some(pth) = editable_install(&info.executable, args)? {
        // `pip install -e` installed a .pth naming the editable directory:
        // rebuilding into it is all that is needed.
        wheel_args.editable = true;
        let result = wheel::wheel(&wheel_args);
        let _ = std::fs::remove_dir_all(&scratch);
        result?;
        eprintln!(
            "cargo-hpy: rebuilt the editable install ({}) of {}",
            pth.display(),
            info.executable.display()
        );
        return Ok(());
    }
    let result = (|| {
        let wheel_path = wheel::wheel(&wheel_args)?;
        install(
            &info.executable,
            &wheel_path,
            missing_dependency_hint.as_deref(),
        )
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// The `.pth` file of an editable install (`pip install -e`) of the
/// project in the environment of `python`, if there is one. Only for a
/// project named by `--manifest-path` or in the current directory.
fn editable_install(python: &Path, args: &BuildArgs) -> Result<Option<PathBuf>, Error> {
    if !args.packages.is_empty() && args.manifest_path.is_none() {
        return Ok(None);
    }
    let manifest = args
        .manifest_path
        .clone()
        .unwrap_or_else(|| PathBuf::from("Cargo.toml"));
    let Ok(manifest) = std::fs::canonicalize(manifest) else {
        return Ok(None);
    };
    let metadata = project::core_metadata(&manifest)?;
    let output = Command::new(python)
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ])
        .output()
        .map_err(|source| Error::Spawn {
            program: python.display().to_string(),
            source,
        })?;
    let purelib = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    let pth = purelib.join(wheel::editable_pth_name(&wheel::distribution_name(
        &metadata.name,
    )));
    Ok(pth.is_file().then_some(pth))
}

fn active_environment_python() -> Result<OsString, Error> {
    for var in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
        if let Some(prefix) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            let python = PathBuf::from(prefix).join("bin").join("python");
            if python.exists() {
                return Ok(python.into_os_string());
            }
            return Err(Error::BrokenEnvironment {
                variable: var,
                python,
            });
        }
    }
    Err(Error::NoEnvironment)
}

/// Installs the wheel, then its dependencies; `hint` is added to the warning
/// when pip cannot install those.
fn install(
    python: &std::path::Path,
    wheel_path: &std::path::Path,
    hint: Option<&str>,
) -> Result<(), Error> {
    let pip = |extra: &[&str]| -> Result<bool, Error> {
        let mut command = Command::new(python);
        command
            .args(["-m", "pip", "install", "--disable-pip-version-check"])
            .args(extra)
            .arg(wheel_path)
            .stdin(Stdio::null())
            .stdout(Stdio::inherit());
        eprintln!("cargo-hpy: running {command:?}");
        let status = command.status().map_err(|source| Error::Spawn {
            program: python.display().to_string(),
            source,
        })?;
        Ok(status.success())
    };
    // First replace the package itself (and nothing else), then let pip add
    // whatever dependencies are missing (hpy-rs-universal on CPython for a
    // universal build).
    if !pip(&["--force-reinstall", "--no-deps"])? {
        return Err(Error::Install {
            wheel: wheel_path.to_path_buf(),
            python: python.into(),
        });
    }
    if !pip(&[])? {
        eprintln!(
            "cargo-hpy: warning: the package is installed, but pip could not install its \
             dependencies into {}{}",
            python.display(),
            hint.map(|h| format!(" ({h})")).unwrap_or_default()
        );
    }
    eprintln!("cargo-hpy: installed into {}", python.display());
    Ok(())
}
