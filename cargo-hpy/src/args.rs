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
  help     Print this message or the help of a command

Options:
  -h, --help     Print help
  -V, --version  Print version

Run `cargo hpy build --help` for the build options.
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

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print the given text (help or version) to stdout and exit successfully.
    Print(String),
    /// `cargo hpy build`.
    Build(BuildArgs),
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
    /// `--python`: the interpreter to build for.
    pub python: Option<OsString>,
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
            Some(topic) => Err(usage_error(format!(
                "no help for unknown command `{}`",
                topic.to_string_lossy()
            ))),
        },
        Some("build") => parse_build(args),
        _ => Err(usage_error(format!(
            "unknown command `{}`",
            first.to_string_lossy()
        ))),
    }
}

fn parse_build(args: impl Iterator<Item = OsString>) -> Result<Command, UsageError> {
    let mut parsed = BuildArgs::default();
    let mut args = args;
    let error = |message: String| UsageError {
        message,
        usage: BUILD_USAGE,
    };
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
            "-p" | "--package" | "--manifest-path" | "--out" | "--python" | "--target-dir"
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
            "-h" | "--help" => return Ok(Command::Print(BUILD_USAGE.into())),
            "-r" | "--release" => parsed.release = true,
            "--universal" => parsed.universal = true,
            "-p" | "--package" => {
                let spec = value()?;
                parsed.packages.push(spec.to_string_lossy().into_owned());
            }
            "--manifest-path" => set_once(&mut parsed.manifest_path, name, value()?.into(), error)?,
            "--out" => set_once(&mut parsed.out, name, value()?.into(), error)?,
            "--python" => set_once(&mut parsed.python, name, value()?, error)?,
            "--target-dir" => set_once(&mut parsed.target_dir, name, value()?.into(), error)?,
            _ if name.starts_with('-') => return Err(error(format!("unknown option `{name}`"))),
            _ => return Err(error(format!("unexpected argument `{name}`"))),
        }
    }
    Ok(Command::Build(parsed))
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
                target_dir: Some("tgt".into()),
            }
        );
        assert!(build(&["cargo-hpy", "build", "-r"]).release);
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
                &["cargo-hpy", "hpy", "wheel"],
                "unknown command `wheel`",
                MAIN_USAGE,
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
