//! Command-line parsing for `cargo hpy`.
//!
//! Cargo runs a subcommand binary `cargo-hpy` with the word `hpy` as its first
//! argument (`cargo hpy build` → `cargo-hpy hpy build`); running `cargo-hpy build`
//! directly is accepted too.

use std::ffi::OsString;
use std::path::PathBuf;

/// Usage text for `cargo hpy --help`.
pub const MAIN_USAGE: &str = "\
Build Python extension modules written with hpy-rs.

Usage: cargo hpy <COMMAND> [OPTIONS]

Commands:
  build    Build the extension module(s) and name them for Python
  develop  Build and install into the active virtualenv (or --python)
  wheel    Build a wheel to install with pip
  help     Print this message or the help of a command

Options:
  -h, --help     Print help
  -V, --version  Print version

Run `cargo hpy <COMMAND> --help` for the options of a command.
";

/// Usage text for `cargo hpy build --help`.
pub const BUILD_USAGE: &str = "\
Build the cdylib extension module(s) of a crate and place them where Python can
import them.

Usage: cargo hpy build [OPTIONS]

Options:
  -r, --release              Build with the release profile
      --universal            Build for the HPy universal ABI (one binary for
                             CPython, PyPy and GraalPy; enables `hpy/universal`)
  -p, --package <SPEC>       Package to build (may be repeated)
      --manifest-path <PATH> Path to Cargo.toml
      --out <DIR>            Directory for the built module(s)
                             [default: <target-dir>/hpy/<profile>/<abi>]
      --python <PATH>        Python interpreter to build for
                             [default: $HPY_PYTHON, else python3]
      --target-dir <DIR>     Cargo target directory
  -h, --help                 Print help

With the CPython ABI (the default) the module is written as
<module><EXT_SUFFIX>, e.g. `pof.cpython-311-x86_64-linux-gnu.so`.
With --universal it is written as <module>.hpy0.so together with a loader
stub <module>.py; set HPY=debug or HPY=trace when importing to select the HPy
debug or trace mode.
";

/// Usage text for `cargo hpy wheel --help`.
pub const WHEEL_USAGE: &str = "\
Build a wheel (PEP 427) of one extension crate, ready for `pip install`.

Usage: cargo hpy wheel [OPTIONS]

Options:
  -r, --release              Build with the release profile
      --universal            Build for the HPy universal ABI: a py3-none-<platform>
                             wheel for CPython (loaded through hpy-rs-universal,
                             required by the wheel on CPython only), PyPy and
                             GraalPy
  -p, --package <SPEC>       Package to build
      --manifest-path <PATH> Path to Cargo.toml
      --out <DIR>            Directory for the wheel [default: <target-dir>/wheels]
  -i, --python <PATH>        CPython to build for (CPython ABI; tagged
                             cpXY-cpXY-<platform>); repeat it for one wheel
                             per interpreter [default: $HPY_PYTHON, else python3]
      --target-dir <DIR>     Cargo target directory
  -h, --help                 Print help

The module name, the package's own Python files and the wheel's metadata come
from `[tool.hpy-rs]` and `[project]` in a pyproject.toml next to Cargo.toml,
else from Cargo.toml (`[package.metadata.hpy]` and `[package]`). Prints the
wheel's path on stdout.
";

/// Usage text for `cargo hpy develop --help`.
pub const DEVELOP_USAGE: &str = "\
Build a wheel of one extension crate and install it with pip into a Python
environment, replacing an earlier install.

Usage: cargo hpy develop [OPTIONS]

Options:
  -r, --release              Build with the release profile
      --universal            Build for the HPy universal ABI (required for PyPy)
  -p, --package <SPEC>       Package to build
      --manifest-path <PATH> Path to Cargo.toml
      --python <PATH>        Interpreter to install into
                             [default: $VIRTUAL_ENV/bin/python]
      --target-dir <DIR>     Cargo target directory
  -h, --help                 Print help
";

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print the given text (help or version) to stdout and exit successfully.
    Print(String),
    /// `cargo hpy build`.
    Build(BuildArgs),
    /// `cargo hpy wheel` (same options as build).
    Wheel(BuildArgs),
    /// `cargo hpy develop` (the build options but `--out`).
    Develop(BuildArgs),
}

/// The options of `cargo hpy build`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildArgs {
    /// `--release`: use cargo's release profile.
    pub release: bool,
    /// `--universal`: build for the HPy universal ABI instead of the CPython ABI.
    pub universal: bool,
    /// `-p/--package`, in the order given.
    pub packages: Vec<String>,
    /// `--manifest-path`.
    pub manifest_path: Option<PathBuf>,
    /// `--out`: where the importable files go.
    pub out: Option<PathBuf>,
    /// `--python`: the interpreter to build for (the first one given).
    pub python: Option<OsString>,
    /// `cargo hpy wheel` only: every `--python`/`-i`, in order (one
    /// wheel each).
    pub pythons: Vec<OsString>,
    /// `--target-dir`: forwarded to cargo.
    pub target_dir: Option<PathBuf>,
}

/// A command line that could not be understood. Reported with the usage text
/// and exit status 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// What was wrong.
    pub message: String,
    /// The usage text that fits the command being parsed.
    pub usage: &'static str,
}

impl UsageError {
    /// Not an error: `--help` after a command, reported by [`parse`] as
    /// [`Command::Print`] of `usage`.
    fn help(usage: &'static str) -> UsageError {
        UsageError {
            message: String::new(),
            usage,
        }
    }
}

/// Parses the full argument vector, program name included.
pub fn parse(argv: impl IntoIterator<Item = OsString>) -> Result<Command, UsageError> {
    let mut args = argv.into_iter().skip(1).peekable();
    if args.peek().is_some_and(|a| a == "hpy") {
        args.next();
    }
    let usage_error = |message: String| UsageError {
        message,
        usage: MAIN_USAGE,
    };
    let Some(first) = args.next() else {
        return Err(usage_error("no command given".into()));
    };
    match first.to_str() {
        Some("-h" | "--help") => Ok(Command::Print(MAIN_USAGE.into())),
        Some("-V" | "--version") => Ok(Command::Print(format!(
            "cargo-hpy {}\n",
            env!("CARGO_PKG_VERSION")
        ))),
        Some("help") => match args.next() {
            None => Ok(Command::Print(MAIN_USAGE.into())),
            Some(topic) if topic == "build" => Ok(Command::Print(BUILD_USAGE.into())),
            Some(topic) if topic == "wheel" => Ok(Command::Print(WHEEL_USAGE.into())),
            Some(topic) if topic == "develop" => Ok(Command::Print(DEVELOP_USAGE.into())),
            Some(topic) => Err(usage_error(format!(
                "no help for unknown command `{}`",
                topic.to_string_lossy()
            ))),
        },
        Some("build") => command(parse_build(args, BUILD_USAGE), Command::Build),
        Some("wheel") => command(parse_build(args, WHEEL_USAGE), Command::Wheel),
        Some("develop") => command(parse_build(args, DEVELOP_USAGE), Command::Develop),
        _ => Err(usage_error(format!(
            "unknown command `{}`",
            first.to_string_lossy()
        ))),
    }
}

/// Turns the options of a command into the command, and `--help` into its text.
fn command(
    parsed: Result<BuildArgs, UsageError>,
    make: fn(BuildArgs) -> Command,
) -> Result<Command, UsageError> {
    match parsed {
        Err(e) if e.message.is_empty() => Ok(Command::Print(e.usage.into())),
        other => other.map(make),
    }
}

fn parse_build(
    args: impl Iterator<Item = OsString>,
    usage: &'static str,
) -> Result<BuildArgs, UsageError> {
    let mut parsed = BuildArgs::default();
    let mut args = args;
    let error = |message: String| UsageError { message, usage };
    let develop = usage == DEVELOP_USAGE;
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else {
            return Err(error(format!(
                "unexpected argument `{}`",
                arg.to_string_lossy()
            )));
        };
        // `--name=value` and `-pVALUE` carry their value inline.
        let (name, inline_value) = match text.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(OsString::from(value))),
            _ if text.starts_with("-p") && text.len() > 2 => {
                ("-p", Some(OsString::from(&text[2..])))
            }
            _ => (text, None),
        };
        let takes_value = matches!(
            name,
            "-p" | "--package" | "--manifest-path" | "--out" | "--python" | "-i" | "--target-dir"
        );
        if !takes_value && inline_value.is_some() {
            return Err(error(format!("option `{name}` takes no value")));
        }
        let mut value = || -> Result<OsString, UsageError> {
            match inline_value.clone().or_else(|| args.next()) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(error(format!("option `{name}` needs a value"))),
            }
        };
        match name {
            "-h" | "--help" => return Err(UsageError::help(usage)),
            "-r" | "--release" => parsed.release = true,
            "--universal" => parsed.universal = true,
            "-p" | "--package" => {
                let spec = value()?;
                parsed.packages.push(spec.to_string_lossy().into_owned());
            }
            "--manifest-path" => set_once(&mut parsed.manifest_path, name, value()?.into(), error)?,
            "--out" if !develop => set_once(&mut parsed.out, name, value()?.into(), error)?,
            "--python" | "-i" if usage == WHEEL_USAGE => {
                let python = value()?;
                parsed.python.get_or_insert_with(|| python.clone());
                parsed.pythons.push(python);
            }
            "--python" => set_once(&mut parsed.python, name, value()?, error)?,
            "--target-dir" => set_once(&mut parsed.target_dir, name, value()?.into(), error)?,
            _ if name.starts_with('-') => return Err(error(format!("unknown option `{name}`"))),
            _ => return Err(error(format!("unexpected argument `{name}`"))),
        }
    }
    Ok(parsed)
}

fn set_once<T>(
    slot: &mut Option<T>,
    name: &str,
    value: T,
    error: impl Fn(String) -> UsageError,
) -> Result<(), UsageError> {
    if slot.is_some() {
        return Err(error(format!("option `{name}` given more than once")));
    }
    *slot = Some(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Command, UsageError> {
        parse(args.iter().map(OsString::from))
    }

    fn build(args: &[&str]) -> BuildArgs {
        match parse_strs(args) {
            Ok(Command::Build(b)) => b,
            other => panic!("expected a build command, got {other:?}"),
        }
    }

    #[test]
    fn accepts_cargo_and_direct_invocation() {
        assert_eq!(build(&["cargo-hpy", "hpy", "build"]), BuildArgs::default());
        assert_eq!(build(&["cargo-hpy", "build"]), BuildArgs::default());
    }

    #[test]
    fn parses_every_build_option() {
        let b = build(&[
            "cargo-hpy",
            "hpy",
            "build",
            "--release",
            "--universal",
            "-p",
            "pof",
            "--package=hello",
            "-pthird",
            "--manifest-path",
            "x/Cargo.toml",
            "--out=dist",
            "--python",
            "/usr/bin/python3.11",
            "--target-dir",
            "tgt",
        ]);
        assert_eq!(
            b,
            BuildArgs {
                release: true,
                universal: true,
                packages: vec!["pof".into(), "hello".into(), "third".into()],
                manifest_path: Some("x/Cargo.toml".into()),
                out: Some("dist".into()),
                python: Some("/usr/bin/python3.11".into()),
                pythons: vec![],
                target_dir: Some("tgt".into()),
            }
        );
        assert!(build(&["cargo-hpy", "build", "-r"]).release);
    }

    #[test]
    fn wheel_takes_several_pythons() {
        let Ok(Command::Wheel(w)) = parse_strs(&[
            "cargo-hpy",
            "wheel",
            "--python",
            "py313",
            "-i",
            "py314",
            "--python=py315",
        ]) else {
            panic!("not a wheel command");
        };
        assert_eq!(w.pythons, ["py313", "py314", "py315"].map(OsString::from));
        assert_eq!(w.python, Some("py313".into()));
        // build and develop build for one interpreter
        assert!(parse_strs(&["cargo-hpy", "build", "--python", "a", "--python", "b"]).is_err());
        assert!(parse_strs(&["cargo-hpy", "build", "-i", "a"]).is_err());
    }

    #[test]
    fn wheel_and_develop() {
        let Ok(Command::Wheel(w)) =
            parse_strs(&["cargo-hpy", "hpy", "wheel", "--universal", "--out", "d"])
        else {
            panic!("not a wheel command");
        };
        assert!(w.universal);
        assert_eq!(w.out, Some("d".into()));
        let Ok(Command::Develop(d)) = parse_strs(&["cargo-hpy", "develop", "--python", "py"])
        else {
            panic!("not a develop command");
        };
        assert_eq!(d.python, Some("py".into()));
        for (cmd, usage) in [("wheel", WHEEL_USAGE), ("develop", DEVELOP_USAGE)] {
            assert_eq!(
                parse_strs(&["cargo-hpy", cmd, "-h"]),
                Ok(Command::Print(usage.into()))
            );
            assert_eq!(
                parse_strs(&["cargo-hpy", "help", cmd]),
                Ok(Command::Print(usage.into()))
            );
        }
    }

    #[test]
    fn help_and_version() {
        for args in [
            &["cargo-hpy", "hpy", "--help"][..],
            &["cargo-hpy", "hpy", "-h"],
            &["cargo-hpy", "help"],
        ] {
            assert_eq!(parse_strs(args), Ok(Command::Print(MAIN_USAGE.into())));
        }
        for args in [
            &["cargo-hpy", "hpy", "build", "--help"][..],
            &["cargo-hpy", "hpy", "build", "--release", "-h"],
            &["cargo-hpy", "hpy", "help", "build"],
        ] {
            assert_eq!(parse_strs(args), Ok(Command::Print(BUILD_USAGE.into())));
        }
        let Ok(Command::Print(version)) = parse_strs(&["cargo-hpy", "hpy", "--version"]) else {
            panic!("no version");
        };
        assert!(version.starts_with("cargo-hpy "));
    }

    #[test]
    fn rejects_bad_command_lines() {
        let cases: &[(&[&str], &str, &str)] = &[
            (&["cargo-hpy", "hpy"], "no command given", MAIN_USAGE),
            (&["cargo-hpy"], "no command given", MAIN_USAGE),
            (
                &["cargo-hpy", "hpy", "frob"],
                "unknown command `frob`",
                MAIN_USAGE,
            ),
            (
                &["cargo-hpy", "hpy", "develop", "--out", "x"],
                "unknown option `--out`",
                DEVELOP_USAGE,
            ),
            (
                &["cargo-hpy", "hpy", "build", "--frobnicate"],
                "unknown option `--frobnicate`",
                BUILD_USAGE,
            ),
            (
                &["cargo-hpy", "hpy", "build", "extra"],
                "unexpected argument `extra`",
                BUILD_USAGE,
            ),
            (
                &["cargo-hpy", "hpy", "build", "--out"],
                "option `--out` needs a value",
                BUILD_USAGE,
            ),
            (
                &["cargo-hpy", "hpy", "build", "--out="],
                "option `--out` needs a value",
                BUILD_USAGE,
            ),
            (
                &["cargo-hpy", "hpy", "build", "--release=yes"],
                "option `--release` takes no value",
                BUILD_USAGE,
            ),
            (
                &["cargo-hpy", "hpy", "build", "--out", "a", "--out", "b"],
                "option `--out` given more than once",
                BUILD_USAGE,
            ),
        ];
        for (args, message, usage) in cases {
            let err = parse_strs(args).unwrap_err();
            assert_eq!(err.message, *message, "for {args:?}");
            assert_eq!(err.usage, *usage, "for {args:?}");
        }
    }
}
