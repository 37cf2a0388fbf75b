//! `cargo hpy develop`: build a wheel and install it into a Python
//! environment, so that `python -c "import NAME"` works from any directory.
//!
//! The environment is the interpreter given with `--python`, else
//! `$HPY_PYTHON` (the variable `build` and `wheel` read too), else the active
//! virtualenv (`$VIRTUAL_ENV/bin/python`), else the active conda environment
//! (`$CONDA_PREFIX/bin/python`). Installing through pip (with the wheel built
//! by [`crate::wheel`]) means `pip uninstall NAME` removes it again, and a
//! later `develop` replaces every file of the previous one.
//!
//! An environment made by `uv venv` has no pip: when its `pyvenv.cfg` names
//! uv (`uv = 0.x`) and pip cannot be imported there, or with `--uv`, the
//! wheel is installed with `uv pip install --python PYTHON` (as maturin
//! does), uv being `$UV` (which uv sets for the commands it runs), else
//! `uv` on PATH, else the one next to the interpreter.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::Error;
use crate::options::BuildArgs;
use crate::project;
use crate::project::target::Target;
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
    // Whatever the ABI, the module must run on the environment's machine.
    Target::for_args(args)?.check_python(&info)?;
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
        let installer = installer(&info.executable, args.uv)?;
        let wheel_path = wheel::wheel(&wheel_args)?;
        install(
            &installer,
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

/// What installs the wheel into the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installer {
    /// `PYTHON -m pip install`.
    Pip,
    /// `UV pip install --python PYTHON`, with this uv.
    Uv(PathBuf),
}

/// Whether `python`'s environment was made by uv and has no pip (what
/// `uv venv` makes by default).
fn uv_environment_without_pip(python: &Path) -> Result<bool, Error> {
    let output = Command::new(python)
        .args([
            "-c",
            "import sys, importlib.util; print(sys.prefix); \
             print(importlib.util.find_spec('pip') is not None)",
        ])
        .stdin(Stdio::null())
        .output()
        .map_err(|source| Error::Spawn {
            program: python.display().to_string(),
            source,
        })?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut lines = text.lines();
    let (Some(prefix), Some(has_pip)) = (lines.next(), lines.next()) else {
        return Ok(false);
    };
    let cfg = std::fs::read_to_string(Path::new(prefix).join("pyvenv.cfg")).unwrap_or_default();
    let made_by_uv = cfg.lines().any(|line| {
        line.split_once('=')
            .is_some_and(|(key, _)| key.trim() == "uv")
    });
    Ok(made_by_uv && has_pip.trim() == "False")
}

/// The uv to run: `$UV`, else `uv` on PATH, else next to `python`.
fn find_uv(python: &Path) -> Option<PathBuf> {
    if let Some(uv) = std::env::var_os("UV").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(uv));
    }
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let beside = python.parent().map(Path::to_path_buf);
    on_path
        .into_iter()
        .chain(beside)
        .map(|dir| dir.join("uv"))
        .find(|uv| uv.is_file())
}

/// pip, or uv when asked for (`--uv`) or when the environment is uv's and
/// has no pip.
pub fn installer(python: &Path, uv: bool) -> Result<Installer, Error> {
    if !uv && !uv_environment_without_pip(python)? {
        return Ok(Installer::Pip);
    }
    match find_uv(python) {
        Some(uv) => Ok(Installer::Uv(uv)),
        None => Err(Error::NoUv {
            python: python.to_path_buf(),
            asked: uv,
        }),
    }
}

/// Installs the wheel, then its dependencies; `hint` is added to the warning
/// when the installer cannot install those.
fn install(
    installer: &Installer,
    python: &std::path::Path,
    wheel_path: &std::path::Path,
    hint: Option<&str>,
) -> Result<(), Error> {
    let run = |extra: &[&str]| -> Result<bool, Error> {
        let (program, mut command) = match installer {
            Installer::Pip => {
                let mut command = Command::new(python);
                command.args(["-m", "pip", "install", "--disable-pip-version-check"]);
                (python.to_path_buf(), command)
            }
            Installer::Uv(uv) => {
                let mut command = Command::new(uv);
                command.args(["pip", "install", "--python"]).arg(python);
                (uv.clone(), command)
            }
        };
        command
            .args(extra)
            .arg(wheel_path)
            .stdin(Stdio::null())
            .stdout(Stdio::inherit());
        eprintln!("cargo-hpy: running {command:?}");
        let status = command.status().map_err(|source| Error::Spawn {
            program: program.display().to_string(),
            source,
        })?;
        Ok(status.success())
    };
    // First replace the package itself (and nothing else), then let the
    // installer add whatever dependencies are missing (hpy-rs-universal on
    // CPython for a universal build).
    let reinstall: &[&str] = match installer {
        Installer::Pip => &["--force-reinstall", "--no-deps"],
        Installer::Uv(_) => &["--reinstall", "--no-deps"],
    };
    if !run(reinstall)? {
        return Err(Error::Install {
            wheel: wheel_path.to_path_buf(),
            python: python.into(),
            uv: matches!(installer, Installer::Uv(_)),
        });
    }
    if !run(&[])? {
        eprintln!(
            "cargo-hpy: warning: the package is installed, but {} could not install its \
             dependencies into {}{}",
            if matches!(installer, Installer::Uv(_)) {
                "uv"
            } else {
                "pip"
            },
            python.display(),
            hint.map(|h| format!(" ({h})")).unwrap_or_default()
        );
    }
    eprintln!("cargo-hpy: installed into {}", python.display());
    Ok(())
}
