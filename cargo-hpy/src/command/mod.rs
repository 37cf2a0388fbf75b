//! The commands of `cargo hpy`: [`run`] dispatches the parsed command line
//! to them.

pub mod args;
pub mod build;
pub mod develop;
pub mod new;
pub mod pep517;
pub mod publish;
pub mod wheels;

use crate::error::Error;
use crate::options::BuildArgs;
use crate::project::target::Platform;
use crate::{project, wheel};
use args::Command;

/// Runs one command of `cargo hpy`.
pub fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Build(build_args) => {
            let mut build_args = BuildArgs::from(build_args);
            project::apply_build_options(&mut build_args)?;
            build::refuse_python_with_universal(&build_args)?;
            build::build(&build_args).map(|_| ())
        }
        Command::Wheel(wheel_args) => wheels::run(wheel_args),
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
            wheels: inputs,
        } => {
            let merged = wheel::merge::merge_wheels(&inputs, &out)?;
            if remove_inputs {
                wheels::remove_merged(&inputs, &merged)?;
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
