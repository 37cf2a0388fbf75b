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
//! cargo hpy upload FILES... [--repository-url URL | -r NAME] [-u USER] [-p PASSWORD]
//!                  [--skip-existing]
//! cargo hpy publish [--universal | -i PYTHON...] [--debug] [--no-sdist]
//!                   [--package SPEC | --manifest-path PATH] (upload's options)
//! ```
//!
//! The command line is parsed by clap ([`command::args`]); the cargo options are passed
//! on to `cargo build` ([`project::cargo::BuildInvocation`]).
//!
//! `build` compiles the extension crate's `cdylib` with cargo and writes it
//! where Python can import it: `<module><EXT_SUFFIX>` for the CPython ABI, or
//! `<module>.hpy0.so` plus a loader stub `<module>.py` for the HPy universal
//! ABI. See `cargo hpy build --help`. A dotted module name (`pkg.mod`, see
//! [`project`]) puts the files in the package's directory under the output.
//!
//! `wheel` packs one crate's module, its package's own Python files and
//! metadata into a wheel ([`wheel`], tagged manylinux from auditwheel's
//! policy data, [`wheel::elf`]); `develop` builds that wheel and installs it with
//! pip into `--python`, `$HPY_PYTHON` or the active virtualenv
//! ([`command::develop`]); `sdist` packs the project's sources for pip and the
//! hpy-rs-build backend ([`wheel::sdist`]); `new` creates a project
//! ([`command::new`]); `upload` sends wheels and sdists to a package index,
//! and `publish` builds the sdist and the wheels first ([`upload`],
//! [`command::publish`]).
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
//!
//! As a library, the crate is grouped by what it works on, with imports
//! running one way (`command` → `wheel` → `project` → `python`):
//! - [`command`]: the command line ([`command::args`]) and one module per
//!   command (`build`, `wheels` for `wheel`, `develop`, `new`, `pep517`,
//!   `publish`), [`command::run`] dispatching them;
//! - [`project`]: a project's Cargo and pyproject metadata, path dependencies
//!   for sdists, and compiling its crate with cargo ([`project::compile`]);
//! - [`wheel`]: wheels, sdists, and the ELF checks behind the platform tag;
//! - [`python`]: interpreters ([`hpy_build_config`]'s query) and the
//!   universal loader stub;
//! - [`upload`]: the package index's upload API, `~/.pypirc` and
//!   credentials (a leaf: it reads the files it sends itself);
//! - [`options`], [`files`] and [`Error`]: the build options, the one way
//!   files are replaced, and the error type, which all of them share.

#![forbid(unsafe_code)]

pub mod command;
pub mod error;
pub mod files;
pub mod options;
pub mod project;
pub mod python;
pub mod upload;
pub mod wheel;

pub use error::Error;
