//! `cargo hpy`: builds Python extension modules written with hpy-rs.
//!
//! Installed as the `cargo-hpy` binary, it runs as a cargo subcommand:
//!
//! ```text
//! cargo hpy build [--release] [--universal] [-p PKG | --manifest-path PATH]
//!                 [--out DIR] [--python PATH] [--target-dir DIR]
//! ```
//!
//! `build` compiles the extension crate's `cdylib` with cargo and writes it
//! where Python can import it: `<module><EXT_SUFFIX>` for the CPython ABI, or
//! `<module>.hpy0.so` plus a loader stub `<module>.py` for the HPy universal
//! ABI. See `cargo hpy build --help`.

#![forbid(unsafe_code)]

mod args;
mod build;
mod cargo;
mod error;
mod json;
mod python;
mod stub;

use std::process::ExitCode;

use args::Command;
use error::Error;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cargo-hpy: error: {error}");
            // Exit codes are small positive numbers by construction.
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(1))
        }
    }
}

fn run() -> Result<(), Error> {
    match args::parse(std::env::args_os())? {
        Command::Print(text) => {
            print!("{text}");
            Ok(())
        }
        Command::Build(build_args) => build::build(&build_args).map(|_| ()),
    }
}
