//! `cargo hpy wheel`, and the wheels `cargo hpy publish` uploads: one
//! wheel, one per interpreter, or (`--universal --with-host`) the
//! universal wheel and the host's, its per-version wheels merged into one.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::command::args::WheelCommand;
use crate::error::Error;
use crate::options::{BuildArgs, CargoOptions};
use crate::project::compile::{self, Abi};
use crate::project::target::Target;
use crate::{project, python, wheel};

/// Runs `cargo hpy wheel`: builds the wheels and prints their paths on
/// stdout.
pub fn run(command: WheelCommand) -> Result<(), Error> {
    let mut build_args = BuildArgs::from(command);
    project::apply_build_options(&mut build_args)?;
    super::build::refuse_python_with_universal(&build_args)?;
    for path in wheels(&build_args)? {
        println!("{}", path.display());
    }
    Ok(())
}

/// `cargo hpy wheel`: one wheel, or one per interpreter (`--python`
/// repeated, `--find-interpreter`), every interpreter checked before the
/// first build starts; with `--universal --with-host`, the universal wheel
/// and the host's wheel for each CPython.
pub fn wheels(build_args: &BuildArgs) -> Result<Vec<PathBuf>, Error> {
    if build_args.with_host {
        return wheelhouse(build_args);
    }
    let pythons = interpreters(build_args, build_args.find_interpreter)?;
    if pythons.is_empty() {
        return Ok(vec![wheel::wheel(build_args)?]);
    }
    for python in &pythons {
        let one = BuildArgs {
            python: Some(python.clone()),
            ..build_args.clone()
        };
        compile::target_python(&one, Abi::CPython, &Target::for_args(&one)?)?;
    }
    let written = pythons
        .iter()
        .map(|python| {
            wheel::wheel(&BuildArgs {
                python: Some(python.clone()),
                pythons: vec![python.clone()],
                ..build_args.clone()
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    merge_host_wheels(written)
}

/// The distribution of hpy-rs's host, as wheel file names spell it.
const HOST_WHEEL_PREFIX: &str = "hpy_rs_universal-";

/// hpy-rs's host ships as one wheel for every CPython version
/// ([`wheel::merge`]): its per-version wheels among `written` are merged
/// into one (when there are several) and removed.
fn merge_host_wheels(written: Vec<PathBuf>) -> Result<Vec<PathBuf>, Error> {
    let is_host = |p: &PathBuf| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(HOST_WHEEL_PREFIX))
    };
    let (hosts, mut others): (Vec<PathBuf>, Vec<PathBuf>) = written.into_iter().partition(is_host);
    if hosts.len() < 2 {
        others.extend(hosts);
        return Ok(others);
    }
    let out = hosts[0].parent().expect("a wheel's path has a directory");
    let merged = wheel::merge::merge_wheels(&hosts, out)?;
    remove_merged(&hosts, &merged)?;
    eprintln!(
        "cargo-hpy: merged {} host wheels into {}",
        hosts.len(),
        merged.display()
    );
    others.push(merged);
    Ok(others)
}

/// Removes the merged `inputs`, never the `merged` wheel itself.
pub fn remove_merged(inputs: &[PathBuf], merged: &std::path::Path) -> Result<(), Error> {
    for input in inputs {
        if input != merged {
            std::fs::remove_file(input).map_err(|e| Error::io("remove", input, e))?;
        }
    }
    Ok(())
}

/// The interpreters to build for: `--find-interpreter`'s when `find`
/// (an error if there are none), else the `--python` given.
fn interpreters(build_args: &BuildArgs, find: bool) -> Result<Vec<OsString>, Error> {
    if !find {
        return Ok(build_args.pythons.clone());
    }
    let found: Vec<OsString> = python::find_interpreters()
        .into_iter()
        .map(|info| info.executable.into_os_string())
        .collect();
    if found.is_empty() {
        return Err(Error::NoSupportedPython);
    }
    Ok(found)
}

/// `cargo hpy wheel --universal --with-host`: the universal wheel, then
/// `hpy-rs-universal`'s wheel for every CPython (`--python`, else
/// `--find-interpreter`'s), all checked first, into the same directory.
fn wheelhouse(build_args: &BuildArgs) -> Result<Vec<PathBuf>, Error> {
    let host = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("hpy-universal")
        .join("Cargo.toml");
    if !host.is_file() {
        return Err(Error::NoHostSource { path: host });
    }
    let pythons = interpreters(build_args, build_args.pythons.is_empty())?;
    let host_args = |python: &OsString| BuildArgs {
        manifest_path: Some(host.clone()),
        python: Some(python.clone()),
        pythons: vec![python.clone()],
        release: build_args.release,
        out: build_args.out.clone(),
        target_dir: build_args.target_dir.clone(),
        cargo: CargoOptions {
            locked: build_args.cargo.locked,
            offline: build_args.cargo.offline,
            frozen: build_args.cargo.frozen,
            jobs: build_args.cargo.jobs.clone(),
            // The host is cross-built with the extension.
            target: build_args.cargo.target.clone(),
            ..Default::default()
        },
        ..Default::default()
    };
    for python in &pythons {
        let args = host_args(python);
        compile::target_python(&args, Abi::CPython, &Target::for_args(&args)?)?;
    }
    let own = BuildArgs {
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
    merge_host_wheels(written)
}
