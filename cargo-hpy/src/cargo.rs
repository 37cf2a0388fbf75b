//! Running cargo and reading its JSON output.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::Error;
use crate::json::Json;

/// The cargo to run: `$CARGO` (set by cargo for its subcommands), else `cargo`.
pub fn cargo_program() -> OsString {
    std::env::var_os("CARGO")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "cargo".into())
}

/// The options of one `cargo build` run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildInvocation {
    /// `--release`.
    pub release: bool,
    /// `-p` specs, forwarded unchanged.
    pub packages: Vec<String>,
    /// `--manifest-path`.
    pub manifest_path: Option<PathBuf>,
    /// `--target-dir`.
    pub target_dir: Option<PathBuf>,
    /// Values for `--features`.
    pub features: Vec<String>,
}

impl BuildInvocation {
    /// The arguments after `cargo`: a library-only build whose messages come
    /// as JSON on stdout while diagnostics are rendered for humans on stderr.
    pub fn args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec![
            "build".into(),
            "--lib".into(),
            "--message-format=json-render-diagnostics".into(),
        ];
        if self.release {
            args.push("--release".into());
        }
        for package in &self.packages {
            args.push("--package".into());
            args.push(package.into());
        }
        if let Some(path) = &self.manifest_path {
            args.push("--manifest-path".into());
            args.push(path.into());
        }
        if let Some(dir) = &self.target_dir {
            args.push("--target-dir".into());
            args.push(dir.into());
        }
        if !self.features.is_empty() {
            args.push("--features".into());
            args.push(self.features.join(",").into());
        }
        args
    }
}

/// One `"reason":"compiler-artifact"` message: a target cargo built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompilerArtifact {
    /// The package id, in the same format as `cargo metadata` uses.
    pub package_id: String,
    /// The target's name; for a library, the crate name (`-` already `_`).
    pub target_name: String,
    /// The target's kinds, e.g. `["cdylib", "rlib"]`.
    pub kinds: Vec<String>,
    /// Every file cargo produced for the target.
    pub filenames: Vec<PathBuf>,
}

impl CompilerArtifact {
    /// Whether this target is a `cdylib`, the crate type of an extension module.
    pub fn is_cdylib(&self) -> bool {
        self.kinds.iter().any(|k| k == "cdylib")
    }

    /// The shared library among [`filenames`](Self::filenames), recognised by
    /// the given file extension (`so`, `dylib` or `dll`).
    pub fn shared_library(&self, extension: &str) -> Option<&Path> {
        self.filenames
            .iter()
            .map(PathBuf::as_path)
            .find(|p| p.extension().is_some_and(|e| e == extension))
    }
}

/// Reads one line of cargo's JSON message stream; `None` unless it is a
/// well-formed compiler-artifact message.
pub fn parse_artifact_message(line: &str) -> Option<CompilerArtifact> {
    let message = Json::parse(line).ok()?;
    if message.get("reason")?.as_str()? != "compiler-artifact" {
        return None;
    }
    let target = message.get("target")?;
    Some(CompilerArtifact {
        package_id: message.get("package_id")?.as_str()?.to_owned(),
        target_name: target.get("name")?.as_str()?.to_owned(),
        kinds: target.get("kind")?.str_items().map(str::to_owned).collect(),
        filenames: message
            .get("filenames")?
            .str_items()
            .map(PathBuf::from)
            .collect(),
    })
}

/// Runs `cargo build` with `invocation`, letting cargo's stderr through, and
/// returns the artifacts it reported. A failed build is [`Error::Cargo`].
pub fn run_build(
    invocation: &BuildInvocation,
    envs: &[(&str, OsString)],
) -> Result<Vec<CompilerArtifact>, Error> {
    let program = cargo_program();
    let mut command = Command::new(&program);
    command
        .args(invocation.args())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (key, value) in envs {
        command.env(key, value);
    }
    let mut child = command.spawn().map_err(|e| {
        Error::failed(format!(
            "could not run `{}`: {e}",
            program.to_string_lossy()
        ))
    })?;
    let stdout = child.stdout.take().expect("stdout was piped");
    let mut artifacts = Vec::new();
    let mut read_error = None;
    for line in BufReader::new(stdout).lines() {
        match line {
            Ok(line) => artifacts.extend(parse_artifact_message(&line)),
            Err(e) => {
                read_error = Some(e);
                break;
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| Error::failed(format!("waiting for cargo failed: {e}")))?;
    if !status.success() {
        return Err(Error::Cargo {
            code: status.code(),
        });
    }
    if let Some(e) = read_error {
        return Err(Error::failed(format!("reading cargo's output failed: {e}")));
    }
    Ok(artifacts)
}

/// The parts of `cargo metadata --no-deps` that a build needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// Where cargo puts build output (honours `CARGO_TARGET_DIR` and config).
    pub target_directory: PathBuf,
    /// Ids of the workspace members, matching [`CompilerArtifact::package_id`].
    pub workspace_members: Vec<String>,
    /// The workspace's packages.
    pub packages: Vec<Package>,
}

/// One package from `cargo metadata`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Package id.
    pub id: String,
    /// Package name as written in `Cargo.toml`.
    pub name: String,
    /// Absolute path of its `Cargo.toml`.
    pub manifest_path: PathBuf,
    /// Whether one of its targets is a `cdylib`.
    pub has_cdylib: bool,
    /// `version` from Cargo.toml.
    pub version: String,
    /// `description`, if set.
    pub description: Option<String>,
    /// `license` (an SPDX expression), if set.
    pub license: Option<String>,
    /// `authors`, each as written (`Name <email>`).
    pub authors: Vec<String>,
    /// `homepage`, if set.
    pub homepage: Option<String>,
    /// `repository`, if set.
    pub repository: Option<String>,
    /// `[package.metadata.hpy] module`: the dotted Python module name.
    pub hpy_module: Option<String>,
    /// `[package.metadata.hpy] python-source`: the directory of the package's
    /// own Python files, relative to the manifest's directory.
    pub hpy_python_source: Option<String>,
}

/// Runs `cargo metadata --no-deps` for the workspace `manifest_path` belongs to
/// (or the one around the current directory).
pub fn metadata(manifest_path: Option<&Path>) -> Result<Metadata, Error> {
    let program = cargo_program();
    let mut command = Command::new(&program);
    command.args(["metadata", "--no-deps", "--format-version", "1"]);
    if let Some(path) = manifest_path {
        command.arg("--manifest-path").arg(path);
    }
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| {
            Error::failed(format!(
                "could not run `{}`: {e}",
                program.to_string_lossy()
            ))
        })?;
    if !output.status.success() {
        return Err(Error::Cargo {
            code: output.status.code(),
        });
    }
    parse_metadata(&String::from_utf8_lossy(&output.stdout))
}

/// Extracts [`Metadata`] from the JSON document `cargo metadata` printed.
pub fn parse_metadata(text: &str) -> Result<Metadata, Error> {
    let bad = |what: &str| Error::failed(format!("unexpected `cargo metadata` output: {what}"));
    let doc = Json::parse(text.trim()).map_err(|e| bad(&e.to_string()))?;
    let target_directory = doc
        .get("target_directory")
        .and_then(Json::as_str)
        .ok_or_else(|| bad("no target_directory"))?;
    let workspace_members = doc
        .get("workspace_members")
        .ok_or_else(|| bad("no workspace_members"))?
        .str_items()
        .map(str::to_owned)
        .collect();
    let mut packages = Vec::new();
    for package in doc
        .get("packages")
        .and_then(Json::as_array)
        .ok_or_else(|| bad("no packages"))?
    {
        let field = |key: &str| package.get(key).and_then(Json::as_str);
        let (Some(id), Some(name), Some(manifest_path)) =
            (field("id"), field("name"), field("manifest_path"))
        else {
            return Err(bad("a package without id, name or manifest_path"));
        };
        let has_cdylib = package
            .get("targets")
            .and_then(Json::as_array)
            .unwrap_or(&[])
            .iter()
            .any(|t| {
                t.get("kind")
                    .is_some_and(|k| k.str_items().any(|k| k == "cdylib"))
            });
        let hpy = |key: &str| {
            package
                .get("metadata")
                .and_then(|m| m.get("hpy"))
                .and_then(|h| h.get(key))
                .and_then(Json::as_str)
                .map(str::to_owned)
        };
        packages.push(Package {
            id: id.to_owned(),
            name: name.to_owned(),
            manifest_path: manifest_path.into(),
            has_cdylib,
            version: field("version").unwrap_or("0.0.0").to_owned(),
            description: field("description").map(str::to_owned),
            license: field("license").map(str::to_owned),
            authors: package
                .get("authors")
                .map(|a| a.str_items().map(str::to_owned).collect())
                .unwrap_or_default(),
            homepage: field("homepage").map(str::to_owned),
            repository: field("repository").map(str::to_owned),
            hpy_module: hpy("module"),
            hpy_python_source: hpy("python-source"),
        });
    }
    Ok(Metadata {
        target_directory: target_directory.into(),
        workspace_members,
        packages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CDYLIB_LINE: &str = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/examples/pof#0.1.0","manifest_path":"/w/examples/pof/Cargo.toml","target":{"kind":["cdylib","rlib"],"crate_types":["cdylib","rlib"],"name":"pof","src_path":"/w/examples/pof/src/lib.rs","edition":"2021","doc":true,"doctest":true,"test":true},"profile":{"opt_level":"0","debuginfo":2,"debug_assertions":true,"overflow_checks":true,"test":false},"features":[],"filenames":["/w/target/debug/libpof.so","/w/target/debug/libpof.rlib"],"executable":null,"fresh":false}"#;

    #[test]
    fn reads_a_cdylib_artifact() {
        let artifact = parse_artifact_message(CDYLIB_LINE).unwrap();
        assert_eq!(artifact.package_id, "path+file:///w/examples/pof#0.1.0");
        assert_eq!(artifact.target_name, "pof");
        assert!(artifact.is_cdylib());
        assert_eq!(
            artifact.shared_library("so"),
            Some(Path::new("/w/target/debug/libpof.so"))
        );
        assert_eq!(artifact.shared_library("dylib"), None);
    }

    #[test]
    fn reads_an_rlib_artifact() {
        let line = r#"{"reason":"compiler-artifact","package_id":"registry+https://github.com/rust-lang/crates.io-index#cc@1.0.0","target":{"kind":["lib"],"name":"cc"},"filenames":["/t/deps/libcc-1.rlib","/t/deps/libcc-1.rmeta"],"fresh":true}"#;
        let artifact = parse_artifact_message(line).unwrap();
        assert!(!artifact.is_cdylib());
        assert_eq!(artifact.kinds, ["lib"]);
    }

    #[test]
    fn ignores_other_lines() {
        for line in [
            r#"{"reason":"build-finished","success":true}"#,
            r#"{"reason":"build-script-executed","package_id":"x","out_dir":"/o"}"#,
            r#"{"reason":"compiler-artifact"}"#,
            "not json at all",
            "",
        ] {
            assert_eq!(parse_artifact_message(line), None, "{line}");
        }
    }

    #[test]
    fn build_arguments() {
        let plain = BuildInvocation::default().args();
        assert_eq!(
            plain,
            ["build", "--lib", "--message-format=json-render-diagnostics"]
        );
        let full = BuildInvocation {
            release: true,
            packages: vec!["pof".into(), "hello".into()],
            manifest_path: Some("m/Cargo.toml".into()),
            target_dir: Some("t".into()),
            features: vec!["hpy/universal".into()],
        }
        .args();
        assert_eq!(
            full,
            [
                "build",
                "--lib",
                "--message-format=json-render-diagnostics",
                "--release",
                "--package",
                "pof",
                "--package",
                "hello",
                "--manifest-path",
                "m/Cargo.toml",
                "--target-dir",
                "t",
                "--features",
                "hpy/universal",
            ]
        );
    }

    #[test]
    fn reads_metadata() {
        let text = r#"{"packages":[
            {"name":"pof","version":"0.1.0","id":"path+file:///w/examples/pof#0.1.0",
             "description":"An example","authors":["A <a@x.org>"],
             "metadata":{"hpy":{"module":"pkg.pof","python-source":"py"}},
             "targets":[{"kind":["cdylib","rlib"],"name":"pof"}],
             "manifest_path":"/w/examples/pof/Cargo.toml"},
            {"name":"hpy-sys","id":"path+file:///w/hpy-sys#0.1.0",
             "targets":[{"kind":["lib"],"name":"hpy_sys"},{"kind":["custom-build"],"name":"build-script-build"}],
             "manifest_path":"/w/hpy-sys/Cargo.toml"}],
          "workspace_members":["path+file:///w/examples/pof#0.1.0","path+file:///w/hpy-sys#0.1.0"],
          "resolve":null,"target_directory":"/w/target","version":1,"workspace_root":"/w"}"#;
        let metadata = parse_metadata(text).unwrap();
        assert_eq!(metadata.target_directory, PathBuf::from("/w/target"));
        assert_eq!(metadata.workspace_members.len(), 2);
        assert_eq!(metadata.packages[0].name, "pof");
        assert!(metadata.packages[0].has_cdylib);
        assert_eq!(metadata.packages[0].version, "0.1.0");
        assert_eq!(
            metadata.packages[0].description.as_deref(),
            Some("An example")
        );
        assert_eq!(metadata.packages[0].authors, ["A <a@x.org>"]);
        assert_eq!(metadata.packages[0].hpy_module.as_deref(), Some("pkg.pof"));
        assert_eq!(
            metadata.packages[0].hpy_python_source.as_deref(),
            Some("py")
        );
        assert_eq!(metadata.packages[1].hpy_module, None);
        assert_eq!(metadata.packages[1].name, "hpy-sys");
        assert!(!metadata.packages[1].has_cdylib);
        assert!(parse_metadata("{}").is_err());
        assert!(parse_metadata("garbage").is_err());
    }
}
