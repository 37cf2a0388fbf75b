//! `cargo hpy`: builds Python extension modules written with hpy-rs.
//!
//! Installed as the `cargo-hpy` binary, it runs as a cargo subcommand:
//!
//! ```text
//! cargo hpy build [--release] [--universal] [-p PKG | --manifest-path PATH]
//!                 [--out DIR] [--python PATH] [--target-dir DIR]
//!                 [CARGO OPTIONS: -F FEATURES, --all-features, --no-default-features,
//!                  --target, --profile, --locked, --frozen, --offline, -j N, -v]
//!                 [-- RUSTC FLAGS]
//! cargo hpy wheel   (the same options; -i/--python may be repeated)
//! cargo hpy develop (the same options but --out)
//! cargo hpy sdist [--manifest-path PATH] [--out DIR]
//! cargo hpy new PATH [--class] [--hpy-path DIR]
//! ```
//!
//! The command line is parsed by clap ([`args`]); the cargo options are passed
//! on to `cargo build` ([`cargo::BuildInvocation`]).
//!
//! `build` compiles the extension crate's `cdylib` with cargo and writes it
//! where Python can import it: `<module><EXT_SUFFIX>` for the CPython ABI, or
//! `<module>.hpy0.so` plus a loader stub `<module>.py` for the HPy universal
//! ABI. See `cargo hpy build --help`. A dotted module name (`pkg.mod`, see
//! [`project`]) puts the files in the package's directory under the output.
//!
//! `wheel` packs one crate's module, its package's own Python files and
//! metadata into a wheel ([`wheel`], tagged manylinux from auditwheel's
//! policy data, [`elf`]); `develop` builds that wheel and installs it with
//! pip into `--python`, `$HPY_PYTHON` or the active virtualenv
//! ([`develop`]); `sdist` packs the project's sources for pip and the
//! hpy-rs-build backend ([`sdist`]); `new` creates a project ([`new`]).
//!
//! The output goes to `--out DIR`, by default
//! `<target-dir>/hpy/<debug|release>/<cpython|universal>` (one directory per
//! ABI, since Python would pick `m.cpython-*.so` over the stub `m.py`).
//!
//! Platforms: Linux is tested. macOS is implemented but has never run: cargo's
//! `.dylib` is renamed like the `.so` on Linux, and a CPython-ABI build links
//! with `-undefined dynamic_lookup` (libpython's symbols resolve at import
//! time) by setting `CARGO_ENCODED_RUSTFLAGS`, which carries over
//! `RUSTFLAGS` but replaces rustflags from cargo config files. Universal
//! builds reference no Python symbols and need no extra flags. Windows and
//! other systems are refused with an "untested platform" error.

#![forbid(unsafe_code)]

mod args;
mod build;
mod cargo;
mod develop;
mod elf;
mod error;
mod new;
mod project;
mod python;
mod sdist;
mod stub;
mod vendor;
mod wheel;

use std::process::ExitCode;

use args::Command;
use error::Error;

fn main() -> ExitCode {
    // A bug in cargo-hpy is reported in one line, without a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("cargo-hpy: internal error: {info}; please report it to hpy-rs");
    }));
    let cli = match args::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cargo-hpy: error: {error}");
            // Exit codes are small positive numbers by construction.
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(1))
        }
    }
}

fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Build(build_args) => {
            let mut build_args = args::BuildArgs::from(build_args);
            project::apply_build_options(&mut build_args)?;
            refuse_python_with_universal(&build_args)?;
            build::build(&build_args).map(|_| ())
        }
        Command::Wheel(wheel_args) => {
            let mut build_args = args::BuildArgs::from(wheel_args);
            project::apply_build_options(&mut build_args)?;
            refuse_python_with_universal(&build_args)?;
            for path in wheels(&build_args)? {
                println!("{}", path.display());
            }
            Ok(())
        }
        Command::Develop(develop_args) => {
            let mut build_args = args::BuildArgs::from(develop_args);
            project::apply_build_options(&mut build_args)?;
            develop::develop(&build_args)
        }
        Command::Sdist(sdist_args) => {
            let path = sdist::sdist(&sdist_args)?;
            println!("{}", path.display());
            Ok(())
        }
        Command::New(new_args) => new::new(&new_args),
        Command::PlatformTag { file } => {
            let platform = build::Platform::host()?;
            let data = std::fs::read(&file)
                .map_err(|e| Error::failed(format!("could not read {}: {e}", file.display())))?;
            let plain = wheel::host_platform_tag(platform);
            println!("{}", wheel::wheel_platform_tag(platform, plain, &data));
            Ok(())
        }
    }
}

/// `--python` picks the interpreter of a CPython-ABI module; a universal
/// one is built without Python, so the option would be silently ignored.
fn refuse_python_with_universal(build_args: &args::BuildArgs) -> Result<(), Error> {
    let names_python = build_args.python.is_some() || build_args.find_interpreter;
    if build_args.universal && names_python && !build_args.with_host {
        return Err(Error::failed(
            "--python/--find-interpreter choose the CPython of a CPython-ABI module, but \
             --universal (or `abi = \"universal\"` in [tool.hpy-rs]) builds one binary without Python that loads on CPython 3.11-3.15 \
             (through hpy-rs-universal) and PyPy alike: drop --python, or build CPython-ABI \
             modules (without --universal, or with --cpython)",
        ));
    }
    Ok(())
}

/// `cargo hpy wheel`: one wheel, or one per interpreter (`--python`
/// repeated, `--find-interpreter`), every interpreter checked before the
/// first build starts; with `--universal --with-host`, the universal wheel
/// and the host's wheel for each CPython.
fn wheels(build_args: &args::BuildArgs) -> Result<Vec<std::path::PathBuf>, Error> {
    if build_args.with_host {
        return wheelhouse(build_args);
    }
    let pythons = interpreters(build_args, build_args.find_interpreter)?;
    if pythons.is_empty() {
        return Ok(vec![wheel::wheel(build_args)?]);
    }
    for python in &pythons {
        let one = args::BuildArgs {
            python: Some(python.clone()),
            ..build_args.clone()
        };
        build::target_python(&one, build::Abi::CPython)?;
    }
    pythons
        .iter()
        .map(|python| {
            wheel::wheel(&args::BuildArgs {
                python: Some(python.clone()),
                pythons: vec![python.clone()],
                ..build_args.clone()
            })
        })
        .collect()
}

/// The interpreters to build for: `--find-interpreter`'s when `find`
/// (an error if there are none), else the `--python` given.
fn interpreters(
    build_args: &args::BuildArgs,
    find: bool,
) -> Result<Vec<std::ffi::OsString>, Error> {
    if !find {
        return Ok(build_args.pythons.clone());
    }
    let found: Vec<std::ffi::OsString> = python::find_interpreters()
        .into_iter()
        .map(|info| info.executable.into_os_string())
        .collect();
    if found.is_empty() {
        return Err(Error::failed(format!(
            "found no CPython {} on PATH (as python3.X); name the interpreters with --python",
            python::SUPPORTED_VERSIONS.join(", ")
        )));
    }
    Ok(found)
}

/// `cargo hpy wheel --universal --with-host`: the universal wheel, then
/// `hpy-rs-universal`'s wheel for every CPython (`--python`, else
/// `--find-interpreter`'s), all checked first, into the same directory.
fn wheelhouse(build_args: &args::BuildArgs) -> Result<Vec<std::path::PathBuf>, Error> {
    let host = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("hpy-universal")
        .join("Cargo.toml");
    if !host.is_file() {
        return Err(Error::failed(format!(
            "--with-host builds hpy-rs-universal from the hpy-rs checkout cargo-hpy was \
             built from, but {} is gone; build the host wheels there with \
             `cargo hpy wheel --release -p hpy-universal -i PYTHON`",
            host.display()
        )));
    }
    let pythons = interpreters(build_args, build_args.pythons.is_empty())?;
    let host_args = |python: &std::ffi::OsString| args::BuildArgs {
        manifest_path: Some(host.clone()),
        python: Some(python.clone()),
        pythons: vec![python.clone()],
        release: build_args.release,
        out: build_args.out.clone(),
        target_dir: build_args.target_dir.clone(),
        cargo: args::CargoOptions {
            locked: build_args.cargo.locked,
            offline: build_args.cargo.offline,
            frozen: build_args.cargo.frozen,
            jobs: build_args.cargo.jobs.clone(),
            ..Default::default()
        },
        ..Default::default()
    };
    for python in &pythons {
        build::target_python(&host_args(python), build::Abi::CPython)?;
    }
    let own = args::BuildArgs {
        python: None,
        pythons: vec![],
        find_interpreter: false,
        with_host: false,
        ..build_args.clone()
    };
    let mut written = vec![wheel::wheel(&own)?];
    for python in &pythons {
        written.push(wheel::wheel(&host_args(python))?);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_with_universal_is_explained() {
        let universal = args::BuildArgs {
            universal: true,
            python: Some("3.11".into()),
            ..Default::default()
        };
        let e = refuse_python_with_universal(&universal)
            .unwrap_err()
            .to_string();
        assert!(e.contains("builds one binary without Python"), "{e}");
        // With --with-host, --python names the hosts' interpreters.
        let host = args::BuildArgs {
            with_host: true,
            ..universal.clone()
        };
        assert!(refuse_python_with_universal(&host).is_ok());
        let cpython = args::BuildArgs {
            universal: false,
            ..universal
        };
        assert!(refuse_python_with_universal(&cpython).is_ok());
    }
}
