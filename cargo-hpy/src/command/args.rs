//! The command line of `cargo hpy`, parsed with clap.
//!
//! Cargo runs a subcommand binary `cargo-hpy` with the word `hpy` as its first
//! argument (`cargo hpy build` → `cargo-hpy hpy build`); running `cargo-hpy build`
//! directly is accepted too.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use crate::options::{BuildArgs, CargoOptions};

/// Build Python extension modules written with hpy-rs.
#[derive(Debug, Parser)]
#[command(name = "cargo-hpy", bin_name = "cargo hpy", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// What the user asked for.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the extension module(s) and name them for Python.
    ///
    /// With the CPython ABI (the default) the module is written as
    /// `<module><EXT_SUFFIX>`, e.g. `pof.cpython-311-x86_64-linux-gnu.so`. With
    /// --universal it is written as `<module>.hpy0.so` together with a loader
    /// stub `<module>.py`; set HPY=debug or HPY=trace when importing to select
    /// the HPy debug or trace mode. A package's python-source files are
    /// copied next to the module.
    Build(BuildCommand),
    /// Build a wheel and install it with pip into a Python environment.
    Develop(DevelopCommand),
    /// Build a wheel (PEP 427) of one extension crate, ready for `pip install`.
    ///
    /// The module name, the package's own Python files and the wheel's
    /// metadata come from `[tool.hpy-rs]` and `[project]` in a pyproject.toml
    /// next to Cargo.toml, else from Cargo.toml (`[package.metadata.hpy]` and
    /// `[package]`). Prints the wheel's path on stdout.
    Wheel(WheelCommand),
    /// Build a source distribution (.tar.gz) that `pip install` builds
    /// through the hpy-rs-build backend. Prints its path on stdout.
    Sdist(SdistCommand),
    /// Create a new extension project, ready to build, import and test.
    New(NewCommand),
    /// Merge CPython-ABI wheels of one distribution, built for different
    /// CPython versions, into one wheel that serves them all.
    ///
    /// Each version's extension keeps its own file name
    /// (`NAME.cpython-3XY-...so`), so Python imports the one that matches;
    /// the merged wheel's tags list every version
    /// (`NAME-VER-cp311.cp314-cp311.cp314-PLATFORM.whl`). This is how
    /// hpy-rs's host, hpy-rs-universal, ships. Prints the merged wheel's path.
    MergeWheels {
        /// Where to write the merged wheel.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Remove the input wheels once merged.
        #[arg(long)]
        remove_inputs: bool,
        /// The wheels to merge.
        #[arg(required = true, value_name = "WHEEL")]
        wheels: Vec<PathBuf>,
    },
    /// Build the sdist and the wheels (release profile), then upload them
    /// to a package index (PyPI by default), as `upload` does.
    Publish(PublishCommand),
    /// Upload wheels and sdists to a package index (PyPI by default)
    /// through its upload API (the one twine uses).
    Upload(UploadCommand),
    /// Run one hook of the hpy-rs-build PEP 517 backend (its Python shim
    /// calls this; pip and build call the shim), or write the backend's own
    /// wheel (`backend-wheel`, for scripts/build-backend-wheel).
    #[command(hide = true)]
    Pep517(Pep517Command),
    /// Print the wheel platform tag of a native file built here
    /// (`manylinux_2_X_<arch>` when it qualifies).
    #[command(hide = true)]
    PlatformTag {
        /// The ELF file (executable or shared library).
        file: PathBuf,
    },
}

/// Options every building command has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct CommonOptions {
    /// Build with the release profile.
    #[arg(short = 'r', long, conflicts_with = "profile")]
    pub release: bool,
    /// Build for the HPy universal ABI (one binary for CPython and PyPy;
    /// enables `hpy/universal`).
    #[arg(long)]
    pub universal: bool,
    /// Build for the CPython ABI even when pyproject.toml's `[tool.hpy-rs]`
    /// says `abi = "universal"`.
    #[arg(long, conflicts_with = "universal")]
    pub cpython: bool,
    /// Package to build.
    #[arg(short = 'p', long = "package", value_name = "SPEC")]
    pub packages: Vec<String>,
    /// Path to Cargo.toml.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Cargo target directory.
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    /// Options passed on to `cargo build`.
    #[command(flatten)]
    pub cargo: CargoOptions,
}

/// `cargo hpy build`.
#[derive(Debug, Clone, Args)]
pub struct BuildCommand {
    #[command(flatten)]
    common: CommonOptions,
    /// Directory for the built module(s) (default:
    /// `<target-dir>/hpy/<profile>/<abi>`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Python interpreter to build for: a path, a command, or a version
    /// (`3.12` is `python3.12` on PATH) [default: $HPY_PYTHON, else
    /// python3]. Not with --universal, which is built without Python.
    #[arg(long, value_name = "PATH|VERSION")]
    python: Option<OsString>,
}

/// `cargo hpy wheel`.
#[derive(Debug, Clone, Args)]
pub struct WheelCommand {
    #[command(flatten)]
    common: CommonOptions,
    /// Directory for the wheel (default: `<target-dir>/wheels`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// CPython to build for (CPython ABI; tagged `cpXY-cpXY-<platform>`):
    /// a path, a command, or a version (`3.12` is `python3.12` on PATH);
    /// repeat it for one wheel per interpreter [default: $HPY_PYTHON, else
    /// python3]. Every one is checked before anything is built. Not with
    /// --universal, whose one wheel is built without Python and serves
    /// them all.
    #[arg(short = 'i', long = "python", value_name = "PATH|VERSION")]
    pythons: Vec<OsString>,
    /// One wheel for each supported CPython (3.11-3.15) found on PATH as
    /// `python3.X`.
    #[arg(long, conflicts_with = "pythons")]
    find_interpreter: bool,
    /// An editable wheel (PEP 660, what `pip install -e` asks the backend
    /// for): the module and the package's Python files are written to
    /// `<target-dir>/hpy/editable/<name>-<tag>/`, and the wheel holds only
    /// a `.pth` file naming that directory. `cargo hpy develop` rebuilds
    /// into it.
    #[arg(long, conflicts_with = "find_interpreter")]
    editable: bool,
    /// With --universal: also write the wheels of the host
    /// `hpy-rs-universal` (the crate `hpy-universal` of the hpy-rs checkout
    /// cargo-hpy was built from), one per CPython, into the same directory,
    /// so that `pip install --find-links DIR NAME` works on CPython as on
    /// PyPy. The CPythons are those of --python, else --find-interpreter's.
    #[arg(long, requires = "universal", conflicts_with = "editable")]
    with_host: bool,
}

/// `cargo hpy develop`.
#[derive(Debug, Clone, Args)]
pub struct DevelopCommand {
    #[command(flatten)]
    common: CommonOptions,
    /// Interpreter to build for and install into [default: $HPY_PYTHON,
    /// else the active virtualenv's or conda environment's python].
    #[arg(long, value_name = "PATH")]
    python: Option<OsString>,
    /// Install with `uv pip install --python PYTHON` instead of the
    /// environment's pip [default: uv for an environment that uv made
    /// (its pyvenv.cfg names uv) and that has no pip].
    #[arg(long)]
    uv: bool,
}

/// Where to upload and with which credentials (`upload`, `publish`): see
/// [`crate::upload`] for the environment variables and `~/.pypirc`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
#[command(next_help_heading = "Upload options")]
pub struct UploadOptions {
    /// The index's upload URL, e.g. `https://test.pypi.org/legacy/`
    /// [env: HPY_RS_REPOSITORY_URL, TWINE_REPOSITORY_URL].
    #[arg(long, value_name = "URL", conflicts_with = "repository")]
    pub repository_url: Option<String>,
    /// A repository of ~/.pypirc (its `repository`, `username` and
    /// `password`), or `pypi`/`testpypi` [env: HPY_RS_REPOSITORY,
    /// TWINE_REPOSITORY] [default: pypi].
    #[arg(short = 'r', long, value_name = "NAME")]
    pub repository: Option<String>,
    /// User name [env: HPY_RS_USERNAME, TWINE_USERNAME] [default:
    /// __token__ when a password is given].
    #[arg(short = 'u', long, value_name = "NAME")]
    pub username: Option<String>,
    /// Password, or an API token (`pypi-...`) [env: HPY_RS_PASSWORD,
    /// TWINE_PASSWORD].
    #[arg(short = 'p', long, value_name = "PASSWORD")]
    pub password: Option<String>,
    /// A file the index already has is skipped instead of being an error.
    #[arg(long)]
    pub skip_existing: bool,
}

impl From<UploadOptions> for crate::upload::Settings {
    fn from(o: UploadOptions) -> crate::upload::Settings {
        crate::upload::Settings {
            repository_url: o.repository_url,
            repository: o.repository,
            username: o.username,
            password: o.password,
            skip_existing: o.skip_existing,
        }
    }
}

/// `cargo hpy upload`.
#[derive(Debug, Clone, Args)]
pub struct UploadCommand {
    /// The wheels (`.whl`) and sdists (`.tar.gz`) to upload.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub upload: UploadOptions,
}

/// `cargo hpy publish`: `sdist`, `wheel`, `upload` in one command. `-p`
/// is the password here (as for maturin and twine): the package is
/// `--package`.
#[derive(Debug, Clone, Args)]
pub struct PublishCommand {
    /// Build with the dev profile instead of release.
    #[arg(long, conflicts_with = "profile")]
    pub debug: bool,
    /// Build the universal wheel (one binary for CPython and PyPy).
    #[arg(long)]
    pub universal: bool,
    /// Build CPython-ABI wheels even when `[tool.hpy-rs]` says `abi =
    /// "universal"`.
    #[arg(long, conflicts_with = "universal")]
    pub cpython: bool,
    /// Package to publish.
    #[arg(long = "package", value_name = "SPEC")]
    pub packages: Vec<String>,
    /// Path to Cargo.toml.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Cargo target directory.
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    /// Directory for the sdist and the wheels (default:
    /// `<target-dir>/wheels`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// CPython to build a CPython-ABI wheel for; repeat it for several.
    #[arg(short = 'i', long = "python", value_name = "PATH|VERSION")]
    pub pythons: Vec<OsString>,
    /// One CPython-ABI wheel for each supported CPython found on PATH.
    #[arg(long, conflicts_with = "pythons")]
    pub find_interpreter: bool,
    /// Upload the wheels only.
    #[arg(long)]
    pub no_sdist: bool,
    /// Options passed on to `cargo build`.
    #[command(flatten)]
    pub cargo: CargoOptions,
    #[command(flatten)]
    pub upload: UploadOptions,
}

/// `cargo hpy sdist`.
#[derive(Debug, Clone, Args)]
pub struct SdistCommand {
    /// Path to the project's Cargo.toml [default: ./Cargo.toml].
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Directory for the sdist (default: `target/sdist` next to Cargo.toml).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `cargo hpy pep517 HOOK`: the engine of the hpy-rs-build PEP 517
/// backend, run by its Python shim (see [`crate::command::pep517`]).
#[derive(Debug, Clone, Args)]
pub struct Pep517Command {
    /// The hook.
    #[arg(value_enum)]
    pub hook: Pep517Hook,
    /// The directory the hook writes its file to.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The interpreter pip runs the hook with (`sys.executable`).
    #[arg(long, value_name = "PATH")]
    pub python: Option<OsString>,
    /// The hook's `config_settings`, as a JSON object.
    #[arg(long, value_name = "JSON", default_value = "{}")]
    pub config_settings: String,
    /// `backend-wheel`: the cargo-hpy binary to pack [default: this one].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
    /// `backend-wheel`: a directory of the SDK crates as `cargo package`
    /// made them (`NAME-VERSION/` each, scripts/package-crates), packed as
    /// `hpy_rs_build/crates/` for `cargo hpy new` to use.
    #[arg(long, value_name = "DIR")]
    pub crates: Option<PathBuf>,
}

/// The hooks `cargo hpy pep517` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Pep517Hook {
    /// `get_requires_for_build_*`: check the settings only.
    CheckSettings,
    /// Print the `cargo hpy wheel` arguments `build-wheel` would run, as a
    /// JSON list (nothing is built).
    WheelArguments,
    /// `build_wheel`.
    BuildWheel,
    /// `build_editable` (PEP 660).
    BuildEditable,
    /// `build_sdist`.
    BuildSdist,
    /// Write the `hpy-rs-build` wheel (the backend with this cargo-hpy).
    BackendWheel,
}

impl Pep517Hook {
    /// The hook's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Pep517Hook::CheckSettings => "check-settings",
            Pep517Hook::WheelArguments => "wheel-arguments",
            Pep517Hook::BuildWheel => "build-wheel",
            Pep517Hook::BuildEditable => "build-editable",
            Pep517Hook::BuildSdist => "build-sdist",
            Pep517Hook::BackendWheel => "backend-wheel",
        }
    }
}

/// `cargo hpy new`.
#[derive(Debug, Clone, Args)]
pub struct NewCommand {
    /// Directory to create; its last component is the project's name (also
    /// the Python module's, with `-` as `_`).
    pub path: PathBuf,
    /// Include an example class (`#[hpy_class]`) besides the functions.
    #[arg(long)]
    pub class: bool,
    /// The hpy-rs `hpy` crate (package `hpy-rs`) the project depends on, as
    /// a path, e.g. the `hpy/` directory of a checkout [default: the crates
    /// the hpy-rs-build wheel carries, else the `hpy/` directory of the
    /// checkout cargo-hpy was built from, when it still exists].
    #[arg(long, value_name = "DIR")]
    pub hpy_path: Option<PathBuf>,
}

/// The options every building command shares, as [`BuildArgs`].
fn from_common(common: CommonOptions) -> BuildArgs {
    BuildArgs {
        release: common.release,
        universal: common.universal,
        cpython: common.cpython,
        packages: common.packages,
        manifest_path: common.manifest_path,
        target_dir: common.target_dir,
        cargo: common.cargo,
        ..BuildArgs::default()
    }
}

impl From<BuildCommand> for BuildArgs {
    fn from(c: BuildCommand) -> BuildArgs {
        BuildArgs {
            out: c.out,
            python: c.python,
            ..from_common(c.common)
        }
    }
}

impl From<WheelCommand> for BuildArgs {
    fn from(c: WheelCommand) -> BuildArgs {
        BuildArgs {
            out: c.out,
            python: c.pythons.first().cloned(),
            pythons: c.pythons,
            find_interpreter: c.find_interpreter,
            editable: c.editable,
            with_host: c.with_host,
            ..from_common(c.common)
        }
    }
}

impl From<DevelopCommand> for BuildArgs {
    fn from(c: DevelopCommand) -> BuildArgs {
        BuildArgs {
            python: c.python,
            uv: c.uv,
            ..from_common(c.common)
        }
    }
}

impl PublishCommand {
    /// The build options of the wheels.
    pub fn build_args(&self) -> BuildArgs {
        BuildArgs {
            release: !self.debug && self.cargo.profile.is_none(),
            universal: self.universal,
            cpython: self.cpython,
            packages: self.packages.clone(),
            manifest_path: self.manifest_path.clone(),
            out: self.out.clone(),
            python: self.pythons.first().cloned(),
            pythons: self.pythons.clone(),
            find_interpreter: self.find_interpreter,
            target_dir: self.target_dir.clone(),
            cargo: self.cargo.clone(),
            ..BuildArgs::default()
        }
    }
}

/// Parses the full argument vector, program name included; `hpy` as the
/// first argument (cargo's way of running a subcommand) is dropped.
pub fn parse(argv: impl IntoIterator<Item = OsString>) -> Result<Cli, clap::Error> {
    let mut argv: Vec<OsString> = argv.into_iter().collect();
    if argv.get(1).is_some_and(|a| a == "hpy") {
        argv.remove(1);
    }
    Cli::try_parse_from(argv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;

    fn parse_strs(args: &[&str]) -> Result<Cli, clap::Error> {
        parse(args.iter().map(OsString::from))
    }

    fn build(args: &[&str]) -> BuildArgs {
        match parse_strs(args).map(|c| c.command) {
            Ok(Command::Build(b)) => b.into(),
            other => panic!("expected a build command, got {other:?}"),
        }
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
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
            "-F",
            "simd",
            "--features=a,b",
            "--no-default-features",
            "--all-features",
            "--target",
            "x86_64-unknown-linux-gnu",
            "--locked",
            "--frozen",
            "--offline",
            "-j4",
            "-vv",
            "--",
            "-C",
            "target-cpu=native",
        ]);
        assert_eq!(
            b,
            BuildArgs {
                release: true,
                universal: true,
                cpython: false,
                packages: vec!["pof".into(), "hello".into(), "third".into()],
                manifest_path: Some("x/Cargo.toml".into()),
                out: Some("dist".into()),
                python: Some("/usr/bin/python3.11".into()),
                pythons: vec![],
                find_interpreter: false,
                editable: false,
                with_host: false,
                uv: false,
                target_dir: Some("tgt".into()),
                cargo: CargoOptions {
                    features: vec!["simd".into(), "a,b".into()],
                    all_features: true,
                    no_default_features: true,
                    target: Some("x86_64-unknown-linux-gnu".into()),
                    profile: None,
                    locked: true,
                    frozen: true,
                    offline: true,
                    jobs: Some("4".into()),
                    verbose: 2,
                    extra: vec!["-C".into(), "target-cpu=native".into()],
                },
            }
        );
        assert!(build(&["cargo-hpy", "build", "-r"]).release);
        let profiled = build(&["cargo-hpy", "build", "--profile", "dev"]);
        assert_eq!(profiled.cargo.profile.as_deref(), Some("dev"));
        assert_eq!(profiled.profile_dir(), "debug");
        assert_eq!(
            build(&["cargo-hpy", "build", "--profile=fast"]).profile_dir(),
            "fast"
        );
        assert_eq!(
            build(&["cargo-hpy", "build", "-r"]).profile_dir(),
            "release"
        );
    }

    #[test]
    fn upload_and_publish_take_maturins_options() {
        let Ok(Command::Upload(u)) = parse_strs(&[
            "cargo-hpy",
            "hpy",
            "upload",
            "a.whl",
            "b.tar.gz",
            "-r",
            "local",
            "-u",
            "me",
            "-p",
            "pw",
            "--skip-existing",
        ])
        .map(|c| c.command) else {
            panic!("not an upload command");
        };
        assert_eq!(u.files, [PathBuf::from("a.whl"), PathBuf::from("b.tar.gz")]);
        assert_eq!(
            crate::upload::Settings::from(u.upload),
            crate::upload::Settings {
                repository_url: None,
                repository: Some("local".into()),
                username: Some("me".into()),
                password: Some("pw".into()),
                skip_existing: true,
            }
        );
        assert!(parse_strs(&["cargo-hpy", "upload"]).is_err());
        assert!(parse_strs(&[
            "cargo-hpy",
            "upload",
            "a.whl",
            "-r",
            "x",
            "--repository-url",
            "http://i/"
        ])
        .is_err());
        // `-p` is the password; the package is `--package`.
        let Ok(Command::Publish(p)) = parse_strs(&[
            "cargo-hpy",
            "publish",
            "--package",
            "demo",
            "-p",
            "pypi-x",
            "--universal",
            "-F",
            "simd",
        ])
        .map(|c| c.command) else {
            panic!("not a publish command");
        };
        assert_eq!(p.upload.password.as_deref(), Some("pypi-x"));
        let b = p.build_args();
        assert!(b.release && b.universal, "{b:?}");
        assert_eq!(
            (b.packages, b.cargo.features),
            (vec!["demo".into()], vec!["simd".into()])
        );
        let Ok(Command::Publish(p)) =
            parse_strs(&["cargo-hpy", "publish", "--debug"]).map(|c| c.command)
        else {
            panic!("not a publish command");
        };
        assert!(!p.build_args().release);
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
        ])
        .map(|c| c.command) else {
            panic!("not a wheel command");
        };
        let w = BuildArgs::from(w);
        assert_eq!(w.pythons, ["py313", "py314", "py315"].map(OsString::from));
        assert_eq!(w.python, Some("py313".into()));
        let Ok(Command::Wheel(w)) =
            parse_strs(&["cargo-hpy", "wheel", "--find-interpreter"]).map(|c| c.command)
        else {
            panic!("not a wheel command");
        };
        assert!(BuildArgs::from(w).find_interpreter);
        assert!(parse_strs(&["cargo-hpy", "wheel", "--find-interpreter", "-i", "3.11"]).is_err());
        let Ok(Command::Wheel(w)) = parse_strs(&[
            "cargo-hpy",
            "wheel",
            "--universal",
            "--with-host",
            "-i",
            "3.12",
        ])
        .map(|c| c.command) else {
            panic!("not a wheel command");
        };
        let w = BuildArgs::from(w);
        assert!(w.with_host && w.universal && w.pythons == ["3.12"]);
        let e = parse_strs(&["cargo-hpy", "wheel", "--with-host"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingRequiredArgument);
        let e = parse_strs(&["cargo-hpy", "wheel", "--universal", "--cpython"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ArgumentConflict);
        // build and develop build for one interpreter
        assert!(parse_strs(&["cargo-hpy", "build", "--python", "a", "--python", "b"]).is_err());
        assert!(parse_strs(&["cargo-hpy", "build", "-i", "a"]).is_err());
    }

    #[test]
    fn develop_new_and_sdist() {
        let Ok(Command::Develop(d)) =
            parse_strs(&["cargo-hpy", "develop", "--python", "py", "-F", "x"]).map(|c| c.command)
        else {
            panic!("not a develop command");
        };
        let d = BuildArgs::from(d);
        assert_eq!(d.python, Some("py".into()));
        assert_eq!(d.cargo.features, ["x"]);
        let Ok(Command::New(n)) =
            parse_strs(&["cargo-hpy", "hpy", "new", "demo", "--class"]).map(|c| c.command)
        else {
            panic!("not a new command");
        };
        assert_eq!(n.path, PathBuf::from("demo"));
        assert!(n.class);
        assert!(matches!(
            parse_strs(&["cargo-hpy", "sdist", "--out", "d"]).map(|c| c.command),
            Ok(Command::Sdist(SdistCommand { out: Some(_), .. }))
        ));
    }

    #[test]
    fn help_and_version() {
        for args in [
            &["cargo-hpy", "hpy", "--help"][..],
            &["cargo-hpy", "hpy", "build", "--help"],
            &["cargo-hpy", "hpy", "help", "wheel"],
        ] {
            assert_eq!(parse_strs(args).unwrap_err().kind(), ErrorKind::DisplayHelp);
        }
        let version = parse_strs(&["cargo-hpy", "hpy", "--version"]).unwrap_err();
        assert_eq!(version.kind(), ErrorKind::DisplayVersion);
        assert!(version.to_string().starts_with("cargo-hpy "));
        let help = parse_strs(&["cargo-hpy", "build", "--help"])
            .unwrap_err()
            .to_string();
        assert!(help.contains("Usage: cargo hpy build"), "{help}");
        assert!(help.contains("--no-default-features"), "{help}");
        let help = parse_strs(&["cargo-hpy", "hpy", "pep517", "--help"])
            .unwrap_err()
            .to_string();
        assert!(help.contains("hpy-rs-build PEP 517 backend"), "{help}");
        assert!(!help.contains("platform tag"), "{help}");
    }

    #[test]
    fn rejects_bad_command_lines() {
        let cases: &[(&[&str], ErrorKind)] = &[
            (
                &["cargo-hpy", "hpy"],
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand,
            ),
            (&["cargo-hpy", "hpy", "frob"], ErrorKind::InvalidSubcommand),
            (
                &["cargo-hpy", "hpy", "develop", "--out", "x"],
                ErrorKind::UnknownArgument,
            ),
            (
                &["cargo-hpy", "hpy", "build", "--frobnicate"],
                ErrorKind::UnknownArgument,
            ),
            (
                &["cargo-hpy", "hpy", "build", "extra"],
                ErrorKind::UnknownArgument,
            ),
            (
                &["cargo-hpy", "hpy", "build", "--out"],
                ErrorKind::InvalidValue,
            ),
            (
                &["cargo-hpy", "hpy", "build", "--release=yes"],
                ErrorKind::TooManyValues,
            ),
            (
                &["cargo-hpy", "hpy", "build", "--out", "a", "--out", "b"],
                ErrorKind::ArgumentConflict,
            ),
            (
                &["cargo-hpy", "hpy", "build", "-r", "--profile", "x"],
                ErrorKind::ArgumentConflict,
            ),
            (
                &["cargo-hpy", "hpy", "new"],
                ErrorKind::MissingRequiredArgument,
            ),
        ];
        for (args, kind) in cases {
            let err = parse_strs(args).unwrap_err();
            assert_eq!(err.kind(), *kind, "for {args:?}: {err}");
        }
    }
}
