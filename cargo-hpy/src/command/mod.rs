//! The commands of `cargo hpy`: [`run`] dispatches the parsed command line
//! to them.

pub mod args;
pub mod build;
pub mod develop;
pub mod new;
pub mod pep517;
pub mod publish;

use std::ffi::OsString;
use std::path::PathBuf;

use crate::error::Error;
use crate::options::BuildArgs;
use crate::project::compile::{self, Abi, Platform};
use crate::{project, python, wheel};
use args::Command;

/// Runs one command of `cargo hpy`.
pub fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Build(build_args) => {
            let mut build_args = BuildArgs::from(build_args);
            project::apply_build_options(&mut build_args)?;
            refuse_python_with_universal(&build_args)?;
            build::build(&build_args).map(|_| ())
        }
        Command::Wheel(wheel_args) => {
            let mut build_args = BuildArgs::from(wheel_args);
            project::apply_build_options(&mut build_args)?;
            refuse_python_with_universal(&build_args)?;
            for path in wheels(&build_args)? {
                println!("{}", path.display());
            }
            Ok(())
        }
        Command::Develop(develop_args) => {
            let mut build_args = BuildArgs::from(develop_args);
            project::apply_build_options(&mut build_args)?;
            develop::develop(&build_args)
        }
        Command::Sdist(sdist_args) => {
            let path = wheel::sdist::sdist(
                sdist_args.manifest_path.as_deref(),
                sdist_args.out.as_deref(),
            )?;
            println!("{}", path.display());
            Ok(())
        }
        Command::New(new_args) => new::new(&new_args),
        Command::MergeWheels {
            out,
            remove_inputs,
            wheels,
        } => {
            let merged = wheel::merge::merge_wheels(&wheels, &out)?;
            if remove_inputs {
                remove_merged(&wheels, &merged)?;
            }
            println!("{}", merged.display());
            Ok(())
        }
        Command::Publish(publish_args) => publish::publish(&publish_args),
        Command::Upload(upload_args) => publish::upload(&upload_args),
        Command::Pep517(hook) => pep517::pep517(&hook),
        Command::PlatformTag { file } => {
            let platform = Platform::host()?;
            let data = std::fs::read(&file).map_err(|e| Error::io("read", &file, e))?;
            let plain = wheel::host_platform_tag(platform);
            println!("{}", wheel::wheel_platform_tag(platform, plain, &data));
            Ok(())
        }
    }
}

/// `--python` picks the interpreter of a CPython-ABI module; a universal
/// one is built without Python, so the option would be silently ignored.
fn refuse_python_with_universal(build_args: &BuildArgs) -> Result<(), Error> {
    let names_python = build_args.python.is_some() || build_args.find_interpreter;
    if build_args.universal && names_python && !build_args.with_host {
        return Err(Error::PythonWithUniversal);
    }
    Ok(())
}

/// `cargo hpy wheel`: one wheel, or one per interpreter (`--python`
/// repeated, `--find-interpreter`), every interpreter checked before the
/// first build starts; with `--universal --with-host`, the universal wheel
/// and the host's wheel for each CPython.
fn wheels(build_args: &BuildArgs) -> Result<Vec<PathBuf>, Error> {
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
        compile::target_python(&one, Abi::CPython)?;
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
fn remove_merged(inputs: &[PathBuf], merged: &std::path::Path) -> Result<(), Error> {
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
        compile::target_python(&host_args(python), Abi::CPython)?;
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
}
