//! The `cargo-hpy` binary: parses the command line and runs the command
//! (see the library, [`cargo_hpy`]).

use std::process::ExitCode;

use cargo_hpy::command;

fn main() -> ExitCode {
    // A bug in cargo-hpy is reported in one line, without a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("cargo-hpy: internal error: {info}; please report it to hpy-rs");
    }));
    let cli = match command::args::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match command::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cargo-hpy: error: {error}");
            // Exit codes are small positive numbers by construction.
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(1))
        }
    }
}
