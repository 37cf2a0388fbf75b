//! `cargo hpy pep517 HOOK`: the engine of the `hpy_rs_build` PEP 517
//! backend. The backend itself is a thin Python shim
//! ([`BACKEND_SHIM`], `cargo-hpy/python/hpy_rs_build.py`): each hook
//! finds cargo-hpy and runs it with the hook's name, the output directory,
//! pip's interpreter and the config settings as JSON; everything else
//! (which ABI, which profile, which features, the settings' checks) is
//! decided here, and the wheel or sdist is made by the same code as `cargo
//! hpy wheel` and `cargo hpy sdist`. The hooks run in the project's
//! directory, as pip runs them.
//!
//! `backend-wheel` writes the `hpy-rs-build` wheel itself: the shim as the
//! package `hpy_rs_build`, this cargo-hpy binary inside it and as the
//! script `cargo-hpy` (so `pip install hpy-rs-build` puts `cargo hpy` on
//! PATH, as maturin's wheel does with `maturin`).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::command::args::{self, Command, Pep517Command, Pep517Hook};
use crate::error::Error;
use crate::project::compile::read;
use crate::project::target::Platform;
use crate::project::{self, AbiSetting};
use crate::{python, wheel};

pub use crate::wheel::BACKEND_SHIM;

/// The config settings the backend takes (`pip install . -C KEY=VALUE`).
pub const SETTINGS: &[&str] = &["hpy-abi", "hpy-profile", "hpy-features", "build-args"];

const ABIS: &[&str] = &["auto", "universal", "cpython"];
const PROFILES: &[&str] = &["release", "debug"];

/// One setting's value: pip passes a repeated `-C KEY=…` as a list.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum SettingValue {
    One(String),
    Many(Vec<String>),
}

/// The hook's `config_settings`, checked: every key known, every value one
/// of its choices.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// `hpy-abi` (`auto` when not given).
    pub abi: String,
    /// `hpy-profile`, when given.
    pub profile: Option<String>,
    /// Every `hpy-features` value.
    pub features: Vec<String>,
    /// Every `build-args` value, split as a shell would.
    pub build_args: Vec<String>,
}

/// Reads the settings from the JSON object the shim passes.
pub fn parse_settings(json: &str) -> Result<Settings, Error> {
    let bad = |what: String| Error::Setting(format!("hpy_rs_build: {what}"));
    let map: BTreeMap<String, Option<SettingValue>> = serde_json::from_str(json).map_err(|e| {
        bad(format!(
            "config settings are not a JSON object of strings: {e}"
        ))
    })?;
    let unknown: Vec<String> = map
        .keys()
        .filter(|k| !SETTINGS.contains(&k.as_str()))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(Error::UnknownSettings {
            keys: unknown,
            known: SETTINGS,
        });
    }
    let values = |key: &str| -> Vec<String> {
        match map.get(key) {
            Some(Some(SettingValue::One(v))) => vec![v.clone()],
            Some(Some(SettingValue::Many(v))) => v.clone(),
            Some(None) | None => vec![],
        }
    };
    let choice = |key: &str, choices: &'static [&'static str]| -> Result<Option<String>, Error> {
        match values(key).pop() {
            Some(value) if !choices.contains(&value.as_str()) => Err(Error::SettingValue {
                key: key.to_owned(),
                value,
                choices,
            }),
            other => Ok(other),
        }
    };
    let mut build_args = Vec::new();
    for text in values("build-args") {
        build_args.extend(shlex::split(&text).ok_or_else(|| {
            bad(format!(
                "config setting build-args='{text}' is not valid shell words"
            ))
        })?);
    }
    Ok(Settings {
        abi: choice("hpy-abi", ABIS)?.unwrap_or_else(|| "auto".to_owned()),
        profile: choice("hpy-profile", PROFILES)?,
        features: values("hpy-features"),
        build_args,
    })
}

/// The `cargo hpy wheel` arguments for `settings` (no `--out`), for the
/// project in `dir`, built for pip's interpreter `python` whose
/// implementation is `implementation` (asked only when `hpy-abi=auto` and
/// pyproject.toml does not choose).
pub fn wheel_arguments(
    settings: &Settings,
    dir: &Path,
    python: &OsString,
    implementation: impl FnOnce() -> Result<String, Error>,
) -> Result<Vec<OsString>, Error> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(Error::NoManifest {
            dir: dir.to_path_buf(),
        });
    }
    let tool = project::tool_table(dir)?.unwrap_or_default();
    let universal = match settings.abi.as_str() {
        "universal" => true,
        "cpython" => false,
        _ => match tool.abi {
            Some(abi) => abi == AbiSetting::Universal,
            None => implementation()? != "cpython",
        },
    };
    let mut arguments: Vec<OsString> =
        vec!["wheel".into(), "--manifest-path".into(), manifest.into()];
    if universal {
        arguments.push("--universal".into());
    } else {
        arguments.extend(["--cpython".into(), "--python".into(), python.clone()]);
    }
    // Without a setting, [tool.hpy-rs] profile (applied by `wheel`), else release.
    let profile = match (&settings.profile, &tool.profile) {
        (Some(profile), _) => Some(profile.as_str()),
        (None, Some(_)) => None,
        (None, None) => Some("release"),
    };
    if let Some(profile) = profile {
        let cargo_profile = if profile == "release" {
            "release"
        } else {
            "dev"
        };
        arguments.extend(["--profile".into(), cargo_profile.into()]);
    }
    for features in &settings.features {
        arguments.extend(["--features".into(), features.into()]);
    }
    arguments.extend(settings.build_args.iter().map(OsString::from));
    Ok(arguments)
}

/// In an unpacked sdist, gives the vendored crates' files (`hpy-rs-vendor/`)
/// the current time. An sdist's files carry one fixed time (it is
/// reproducible), and cargo names a path dependency's build by its path
/// relative to the workspace: with a shared `CARGO_TARGET_DIR`, a build of
/// another version of the same crates, made earlier, would look up to date
/// and be linked in. Newer sources make cargo rebuild them.
pub fn freshen_vendored_sources(dir: &Path) -> Result<(), Error> {
    let vendor = dir.join(crate::project::vendor::VENDOR_DIR);
    if !dir.join("PKG-INFO").is_file() || !vendor.is_dir() {
        return Ok(());
    }
    let now = std::time::SystemTime::now();
    let mut pending = vec![vendor];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io("read", &dir, e))? {
            let path = entry.map_err(|e| Error::io("read", &dir, e))?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                // The owner may set the time through a read-only handle.
                std::fs::File::open(&path)
                    .and_then(|f| f.set_modified(now))
                    .map_err(|e| Error::io("write", &path, e))?;
            }
        }
    }
    Ok(())
}

/// [`wheel_arguments`] for a hook's settings and interpreter, for the
/// project in the current directory.
fn hook_wheel_arguments(command: &Pep517Command) -> Result<Vec<OsString>, Error> {
    let settings = parse_settings(&command.config_settings)?;
    let python = command
        .python
        .clone()
        .unwrap_or_else(|| python::DEFAULT_PYTHON.into());
    let dir = std::env::current_dir().map_err(|e| Error::io("find", Path::new("."), e))?;
    wheel_arguments(&settings, &dir, &python, || {
        Ok(python::query(&python)?.implementation)
    })
}

/// Runs one hook.
pub fn pep517(command: &Pep517Command) -> Result<(), Error> {
    let out = || -> Result<PathBuf, Error> {
        command.out.clone().ok_or_else(|| Error::NoOutDir {
            hook: command.hook.name(),
        })
    };
    match command.hook {
        Pep517Hook::CheckSettings => parse_settings(&command.config_settings).map(|_| ()),
        Pep517Hook::WheelArguments => {
            let arguments: Vec<String> = hook_wheel_arguments(command)?
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            let json = serde_json::to_string(&arguments).expect("strings serialize");
            println!("{json}");
            Ok(())
        }
        Pep517Hook::BuildWheel | Pep517Hook::BuildEditable => {
            let mut arguments = hook_wheel_arguments(command)?;
            freshen_vendored_sources(Path::new("."))?;
            if command.hook == Pep517Hook::BuildEditable {
                arguments.push("--editable".into());
            }
            arguments.extend(["--out".into(), out()?.into_os_string()]);
            let argv = std::iter::once(OsString::from("cargo-hpy")).chain(arguments);
            eprintln!(
                "hpy_rs_build: running cargo hpy {}",
                argv.clone()
                    .skip(1)
                    .map(|a| a.to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let cli = args::parse(argv).map_err(|e| {
                Error::Setting(format!(
                    "hpy_rs_build: the build arguments are not valid: {e}"
                ))
            })?;
            // `wheel_arguments` starts the arguments with `wheel`.
            let Command::Wheel(wheel_args) = cli.command else {
                return Err(Error::Setting(
                    "hpy_rs_build: the build arguments are not a wheel command".to_owned(),
                ));
            };
            super::wheels::run(wheel_args)
        }
        Pep517Hook::BuildSdist => {
            parse_settings(&command.config_settings)?;
            let path = wheel::sdist::sdist(None, Some(&out()?))?;
            println!("{}", path.display());
            Ok(())
        }
        Pep517Hook::BackendWheel => {
            let binary = match &command.binary {
                Some(binary) => binary.clone(),
                None => std::env::current_exe()
                    .map_err(|e| Error::io("find", Path::new("cargo-hpy"), e))?,
            };
            let crates = match &command.crates {
                Some(dir) => wheel::crate_files(dir)?,
                None => Vec::new(),
            };
            let path = wheel::backend_wheel(&out()?, &read(&binary)?, &crates, Platform::host()?)?;
            println!("{}", path.display());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_by_name_and_value() {
        assert_eq!(
            parse_settings("{}").unwrap(),
            Settings {
                abi: "auto".into(),
                ..Settings::default()
            }
        );
        let s = parse_settings(
            r#"{"hpy-abi": "universal", "hpy-features": ["a", "b c"],
                "build-args": "--features 'x y' --locked", "hpy-profile": "debug"}"#,
        )
        .unwrap();
        assert_eq!(s.abi, "universal");
        assert_eq!(s.profile.as_deref(), Some("debug"));
        assert_eq!(s.features, ["a", "b c"]);
        assert_eq!(s.build_args, ["--features", "x y", "--locked"]);
        let e = parse_settings(r#"{"hpy-abi": "abi3"}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "hpy_rs_build: config setting hpy-abi='abi3' is not one of auto, universal, cpython"
        );
        assert!(matches!(e, Error::SettingValue { .. }));
        let e = parse_settings(r#"{"zz": "1", "aa": "2"}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "hpy_rs_build: unknown config settings 'aa', 'zz' (known: hpy-abi, hpy-profile, \
             hpy-features, build-args)"
        );
        assert!(parse_settings(r#"{"build-args": "'open"}"#).is_err());
        assert!(parse_settings("[1]").is_err());
    }

    #[test]
    fn an_unpacked_sdists_vendored_files_are_made_newer() {
        let dir = std::env::temp_dir().join(format!("cargo-hpy-fresh-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let file = dir.join("hpy-rs-vendor").join("hpy").join("lib.rs");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "").unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1153704088);
        let set_old = || {
            std::fs::File::options()
                .write(true)
                .open(&file)
                .unwrap()
                .set_modified(old)
                .unwrap()
        };
        let mtime = || std::fs::metadata(&file).unwrap().modified().unwrap();
        set_old();
        // Not an sdist (no PKG-INFO): left alone.
        freshen_vendored_sources(&dir).unwrap();
        assert_eq!(mtime(), old);
        std::fs::write(dir.join("PKG-INFO"), "").unwrap();
        freshen_vendored_sources(&dir).unwrap();
        assert!(mtime() > old + std::time::Duration::from_secs(86400));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn wheel_arguments_follow_settings_then_pyproject_then_the_interpreter() {
        let dir = std::env::temp_dir().join(format!("cargo-hpy-pep517-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let python = OsString::from("/venv/bin/python");
        let text = |args: Vec<OsString>| {
            args.iter()
                .map(|a| a.to_string_lossy().replace(&*dir.to_string_lossy(), "D"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let e = wheel_arguments(&Settings::default(), &dir, &python, || unreachable!());
        assert!(e.unwrap_err().to_string().contains("no Cargo.toml in"));
        std::fs::write(dir.join("Cargo.toml"), "").unwrap();
        let auto = parse_settings("{}").unwrap();
        let pypy = wheel_arguments(&auto, &dir, &python, || Ok("pypy".into())).unwrap();
        assert_eq!(
            text(pypy),
            "wheel --manifest-path D/Cargo.toml --universal --profile release"
        );
        let cpython = wheel_arguments(&auto, &dir, &python, || Ok("cpython".into())).unwrap();
        assert_eq!(
            text(cpython),
            "wheel --manifest-path D/Cargo.toml --cpython --python /venv/bin/python \
             --profile release"
        );
        // pyproject.toml decides before the interpreter is asked; its
        // profile is applied by `wheel` itself.
        std::fs::write(
            dir.join("pyproject.toml"),
            "[tool.hpy-rs]\nabi = \"universal\"\nprofile = \"dev\"\n",
        )
        .unwrap();
        let settings = parse_settings(r#"{"hpy-features": "extra"}"#).unwrap();
        let tool = wheel_arguments(&settings, &dir, &python, || unreachable!()).unwrap();
        assert_eq!(
            text(tool),
            "wheel --manifest-path D/Cargo.toml --universal --features extra"
        );
        let settings = parse_settings(r#"{"hpy-abi": "cpython", "hpy-profile": "debug"}"#).unwrap();
        let explicit = wheel_arguments(&settings, &dir, &python, || unreachable!()).unwrap();
        assert_eq!(
            text(explicit),
            "wheel --manifest-path D/Cargo.toml --cpython --python /venv/bin/python --profile dev"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
