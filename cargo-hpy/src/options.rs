//! The options of a build, shared by the commands, the compile step and the
//! wheel writer: a leaf module, so that none of them imports another for
//! its vocabulary.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Args;

/// The options of `cargo build` that cargo-hpy passes on unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
#[command(next_help_heading = "Cargo options (passed to cargo build)")]
pub struct CargoOptions {
    /// Space or comma separated list of features to activate.
    #[arg(short = 'F', long = "features", value_name = "FEATURES")]
    pub features: Vec<String>,
    /// Activate all available features.
    #[arg(long)]
    pub all_features: bool,
    /// Do not activate the `default` feature.
    #[arg(long)]
    pub no_default_features: bool,
    /// Build for the target triple, e.g. `aarch64-unknown-linux-gnu` (a
    /// cross build: the universal ABI needs no Python, the CPython ABI an
    /// interpreter of the target given with --python).
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// Build with the given cargo profile.
    #[arg(long, value_name = "PROFILE-NAME")]
    pub profile: Option<String>,
    /// Assert that `Cargo.lock` will remain unchanged.
    #[arg(long)]
    pub locked: bool,
    /// Equivalent to --locked and --offline.
    #[arg(long)]
    pub frozen: bool,
    /// Run without accessing the network.
    #[arg(long)]
    pub offline: bool,
    /// Number of parallel jobs.
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<String>,
    /// Use verbose output (-vv very verbose).
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Flags for rustc, after `--` (`-- -C target-cpu=native`): given to the
    /// extension crate only, through `cargo rustc` (as maturin does).
    #[arg(last = true, value_name = "RUSTC-FLAGS")]
    pub extra: Vec<OsString>,
}

/// The options of a build, as the commands share them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildArgs {
    /// `--release`: use cargo's release profile.
    pub release: bool,
    /// `--universal`: build for the HPy universal ABI instead of the CPython ABI.
    pub universal: bool,
    /// `--cpython`: the CPython ABI whatever pyproject.toml says.
    pub cpython: bool,
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
    /// `cargo hpy wheel --find-interpreter`.
    pub find_interpreter: bool,
    /// `cargo hpy wheel --editable`.
    pub editable: bool,
    /// `cargo hpy wheel --universal --with-host`.
    pub with_host: bool,
    /// `cargo hpy develop --uv`: install with uv instead of pip.
    pub uv: bool,
    /// `--target-dir`: forwarded to cargo.
    pub target_dir: Option<PathBuf>,
    /// Passed on to cargo.
    pub cargo: CargoOptions,
}

impl BuildArgs {
    /// The cargo profile's output directory name: `--profile`, else
    /// `release` or `debug` (`dev` builds into `debug`).
    pub fn profile_dir(&self) -> &str {
        match self.cargo.profile.as_deref() {
            Some("dev" | "test") => "debug",
            Some("bench") => "release",
            Some(profile) => profile,
            None if self.release => "release",
            None => "debug",
        }
    }
}
