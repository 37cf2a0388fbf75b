//! `cargo hpy upload FILES...` and `cargo hpy publish`: the files, or the
//! project's sdist and wheels built first, sent to a package index
//! ([`crate::upload`]).

use std::path::PathBuf;

use crate::command::args::{PublishCommand, UploadCommand};
use crate::error::Error;
use crate::upload::{self, Settings, Target};
use crate::{project, wheel};

/// Where to upload, from the command line, the environment and `~/.pypirc`.
fn target(settings: &Settings) -> Result<Target, Error> {
    let env = |name: &str| std::env::var(name).ok();
    let pypirc = upload::pypirc::default_path();
    Ok(upload::resolve(settings, &env, pypirc.as_deref())?)
}

/// Runs `cargo hpy upload`.
pub fn upload(command: &UploadCommand) -> Result<(), Error> {
    let settings = Settings::from(command.upload.clone());
    let target = target(&settings)?;
    upload::upload(&command.files, &target, settings.skip_existing)?;
    Ok(())
}

/// Runs `cargo hpy publish`: the credentials are resolved first (so that a
/// missing repository fails before anything is built), then the wheels
/// (as `cargo hpy wheel` builds them, release profile unless `--debug`),
/// the sdist of each selected project, and one upload of all of them.
pub fn publish(command: &PublishCommand) -> Result<(), Error> {
    let settings = Settings::from(command.upload.clone());
    let target = target(&settings)?;
    let mut build_args = command.build_args();
    project::apply_build_options(&mut build_args)?;
    super::build::refuse_python_with_universal(&build_args)?;
    let mut files = super::wheels::wheels(&build_args)?;
    if !command.no_sdist {
        let manifests: Vec<PathBuf> = if build_args.packages.is_empty() {
            vec![build_args
                .manifest_path
                .clone()
                .unwrap_or_else(|| PathBuf::from("Cargo.toml"))]
        } else {
            project::selected_package_dirs(
                build_args.manifest_path.as_deref(),
                &build_args.packages,
            )?
            .into_iter()
            .map(|dir| dir.join("Cargo.toml"))
            .collect()
        };
        for manifest in manifests {
            files.insert(
                0,
                wheel::sdist::sdist(Some(&manifest), build_args.out.as_deref())?,
            );
        }
    }
    upload::upload(&files, &target, settings.skip_existing)?;
    Ok(())
}
