//! Running cargo and reading its JSON output.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::Error;
use cargo_metadata::Artifact;

use crate::options::CargoOptions;

/// The package name of hpy-rs's `hpy` crate (its library is still `hpy`):
/// the name `hpy` on crates.io belongs to an unrelated crate, so hpy-rs's
/// releases use this one, and a project depends on it as
/// `hpy = { package = "hpy-rs", ... }`. A package's dependency on hpy-rs is
/// found by this name, whatever key the manifest gives it.
pub const HPY_PACKAGE: &str = "hpy-rs";

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
    /// Features cargo-hpy adds itself (`hpy/universal`), before the user's.
    pub features: Vec<String>,
    /// The user's cargo options, passed on.
    pub cargo: CargoOptions,
}

impl BuildInvocation {
    /// The arguments after `cargo`: a library-only build whose messages come
    /// as JSON on stdout while diagnostics are rendered for humans on stderr,
    /// then the user's options. The `--` extras are rustc's, as with
    /// maturin: with any, the command is `cargo rustc … -- EXTRAS`, which
    /// gives them to the extension crate only (not its dependencies).
    pub fn args(&self) -> Vec<OsString> {
        let command = if self.cargo.extra.is_empty() {
            "build"
        } else {
            "rustc"
        };
        let mut args: Vec<OsString> = vec![
            command.into(),
            "--lib".into(),
            "--message-format=json-render-diagnostics".into(),
        ];
        let mut push = |items: &[&dyn AsRef<std::ffi::OsStr>]| {
            args.extend(items.iter().map(|i| i.as_ref().to_os_string()));
        };
        if self.release {
            push(&[&"--release"]);
        }
        for package in &self.packages {
            push(&[&"--package", package]);
        }
        if let Some(path) = &self.manifest_path {
            push(&[&"--manifest-path", path]);
        }
        if let Some(dir) = &self.target_dir {
            push(&[&"--target-dir", dir]);
        }
        let features: Vec<&str> = self
            .features
            .iter()
            .chain(&self.cargo.features)
            .map(String::as_str)
            .collect();
        if !features.is_empty() {
            push(&[&"--features", &features.join(",")]);
        }
        let c = &self.cargo;
        for (on, flag) in [
            (c.all_features, "--all-features"),
            (c.no_default_features, "--no-default-features"),
            (c.locked, "--locked"),
            (c.frozen, "--frozen"),
            (c.offline, "--offline"),
        ] {
            if on {
                push(&[&flag]);
            }
        }
        if let Some(target) = &c.target {
            push(&[&"--target", target]);
        }
        if let Some(profile) = &c.profile {
            push(&[&"--profile", profile]);
        }
        if let Some(jobs) = &c.jobs {
            push(&[&"--jobs", jobs]);
        }
        for _ in 0..c.verbose {
            push(&[&"--verbose"]);
        }
        if !c.extra.is_empty() {
            args.push("--".into());
            args.extend(c.extra.iter().cloned());
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

/// Reads one line of cargo's message stream: `Ok(Some)` for a
/// compiler-artifact message, `Ok(None)` for other messages and for lines
/// that are not JSON, and an error for a JSON line cargo_metadata cannot
/// read (cargo's message format changed: better to stop than to miss an
/// artifact).
pub fn parse_artifact_message(line: &str) -> Result<Option<CompilerArtifact>, Error> {
    if !line.trim_start().starts_with('{') {
        return Ok(None);
    }
    let unreadable = |e: serde_json::Error| {
        Error::CargoOutput(format!(
            "could not read a message of `cargo build` ({e}); is this cargo newer than \
             cargo-hpy understands? The message: {line}"
        ))
    };
    // Messages of other kinds, including kinds a newer cargo may add, are
    // not ours to read.
    let message: serde_json::Value = serde_json::from_str(line).map_err(unreadable)?;
    if message.get("reason").and_then(|r| r.as_str()) != Some("compiler-artifact") {
        return Ok(None);
    }
    let artifact: Artifact = serde_json::from_value(message).map_err(unreadable)?;
    Ok(Some(CompilerArtifact {
        package_id: artifact.package_id.repr,
        target_name: artifact.target.name,
        kinds: artifact.target.kind.iter().map(|k| k.to_string()).collect(),
        filenames: artifact.filenames.into_iter().map(PathBuf::from).collect(),
    }))
}

/// Runs `cargo build` with `invocation`, letting cargo's stderr through, and
/// returns the artifacts it reported. A failed build is [`Error::Cargo`].
pub fn run_build(
    invocation: &BuildInvocation,
    envs: &[(&str, OsString)],
) -> Result<Vec<CompilerArtifact>, Error> {
    let program = cargo_program();
    let mut args = invocation.args();
    // Cargo's stderr goes through us (so that a diagnostic hpy-rs can
    // explain gets its advice); it keeps its colours on a terminal. (Before
    // any `--`, which would give it to rustc.)
    if std::io::stderr().is_terminal() {
        args.insert(1, "--color=always".into());
    }
    let mut command = Command::new(&program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in envs {
        command.env(key, value);
    }
    let mut child = command.spawn().map_err(|source| Error::Spawn {
        program: program.to_string_lossy().into_owned(),
        source,
    })?;
    let stderr = child.stderr.take().expect("stderr was piped");
    let relay = std::thread::spawn(move || relay_diagnostics(stderr));
    let stdout = child.stdout.take().expect("stdout was piped");
    let mut artifacts = Vec::new();
    let mut read_error = None;
    for line in BufReader::new(stdout).lines() {
        match line {
            Ok(line) => match parse_artifact_message(&line) {
                Ok(artifact) => artifacts.extend(artifact),
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(e);
                }
            },
            Err(e) => {
                read_error = Some(e);
                break;
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| Error::CargoOutput(format!("waiting for cargo failed: {e}")))?;
    let advice = relay.join().unwrap_or_default();
    if !status.success() {
        for text in advice {
            eprintln!("{text}");
        }
        return Err(Error::Cargo {
            code: status.code(),
        });
    }
    if let Some(e) = read_error {
        return Err(Error::CargoOutput(format!(
            "reading cargo's output failed: {e}"
        )));
    }
    Ok(artifacts)
}

/// Copies cargo's stderr to ours as it comes and returns the advice hpy-rs
/// has for the diagnostics it saw (see [`DiagnosticAdvice`]).
fn relay_diagnostics(stderr: impl Read) -> Vec<&'static str> {
    let mut advice = DiagnosticAdvice::default();
    let mut reader = BufReader::new(stderr);
    let mut line = Vec::new();
    let mut out = std::io::stderr();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                let _ = out.write_all(&line);
                advice.read_line(&String::from_utf8_lossy(&line));
            }
        }
    }
    advice.finish()
}

/// Advice for the compiler's diagnostics that hpy-rs can say more about
/// than rustc does, where no trait or attribute can put it into the error
/// itself: printed by `cargo hpy` after cargo's own output when a build
/// fails.
#[derive(Debug, Default)]
pub struct DiagnosticAdvice {
    /// Inside an `error[E0521]` diagnostic (borrowed data escapes).
    in_escape: bool,
    /// An escape to `'static` was seen: a handle kept in a static or a
    /// `thread_local!`.
    static_escape: bool,
}

/// What to write instead of a handle kept past its call.
pub const STATIC_ESCAPE_ADVICE: &str = "\
hpy-rs: \"borrowed data escapes ... must outlive `'static`\" above: if it is a \
`Handle` kept in a `static` or a `thread_local!` (`Handle<'static>`), note that a \
handle lasts only as long as its call. Keep the object in a `hpy::Global` (a \
`static` listed in `hpy_module!`'s `globals`: `GLOBAL.store(&handle)?`, later \
`GLOBAL.load(ctx)?`) or in a `hpy::Field` of an instance, and keep plain Rust \
data (numbers, `String`, `Vec<f64>` extracted from the object) in a \
`thread_local!` instead.";

impl DiagnosticAdvice {
    /// Reads one line of cargo's rendered diagnostics (ANSI colours allowed).
    pub fn read_line(&mut self, line: &str) {
        let plain = strip_ansi(line);
        let text = plain.trim_start();
        if text.starts_with("error") || text.starts_with("warning") {
            self.in_escape = text.starts_with("error[E0521]");
        } else if self.in_escape && text.contains("outlive `'static`") {
            self.static_escape = true;
        }
    }

    /// The advice for what was read, each text once.
    pub fn finish(self) -> Vec<&'static str> {
        let mut advice = Vec::new();
        if self.static_escape {
            advice.push(STATIC_ESCAPE_ADVICE);
        }
        advice
    }
}

/// `text` without ANSI escape sequences (`ESC [ ... letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
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
    /// The name of its library target (`-` as `_`), if it has one.
    pub lib_name: Option<String>,
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
    /// The name under which the package depends on `hpy` (`hpy`, or the
    /// new name of a renamed dependency), if it does.
    pub hpy_dependency: Option<String>,
}

/// Runs `cargo metadata --no-deps` for the workspace `manifest_path` belongs to
/// (or the one around the current directory). Cargo's own message, if it
/// fails, is passed on.
pub fn metadata(manifest_path: Option<&Path>) -> Result<Metadata, Error> {
    let mut command = cargo_metadata::MetadataCommand::new();
    command.cargo_path(cargo_program()).no_deps();
    if let Some(path) = manifest_path {
        command.manifest_path(path);
    }
    let metadata = command.exec().map_err(|e| match e {
        cargo_metadata::Error::CargoMetadata { stderr } => {
            Error::CargoOutput(format!("`cargo metadata` failed:\n{}", stderr.trim_end()))
        }
        other => Error::CargoOutput(format!("`cargo metadata` failed: {other}")),
    })?;
    Ok(from_cargo_metadata(metadata))
}

/// Runs `cargo metadata` (dependencies resolved) for `manifest_path`:
/// checks that its crates resolve, and writes their `Cargo.lock`. The
/// error holds cargo's message.
pub fn resolve(manifest_path: &Path) -> Result<(), Error> {
    let output = Command::new(cargo_program())
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(manifest_path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|source| Error::Spawn {
            program: cargo_program().to_string_lossy().into_owned(),
            source,
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(Error::CargoOutput(
            String::from_utf8_lossy(&output.stderr)
                .trim_end()
                .to_owned(),
        ))
    }
}

/// Keeps what a build needs of `cargo metadata`'s answer.
pub fn from_cargo_metadata(metadata: cargo_metadata::Metadata) -> Metadata {
    let packages = metadata
        .packages
        .into_iter()
        .map(|package| {
            let hpy = |key: &str| package.metadata["hpy"][key].as_str().map(str::to_owned);
            Package {
                has_cdylib: package
                    .targets
                    .iter()
                    .any(|t| t.kind.iter().any(|k| k == "cdylib")),
                lib_name: package
                    .targets
                    .iter()
                    .find(|t| t.kind.iter().any(|k| k == "cdylib"))
                    .map(|t| t.name.replace('-', "_")),
                hpy_module: hpy("module"),
                hpy_python_source: hpy("python-source"),
                hpy_dependency: package
                    .dependencies
                    .iter()
                    .find(|d| d.name == HPY_PACKAGE)
                    .map(|d| d.rename.clone().unwrap_or_else(|| d.name.clone())),
                id: package.id.repr,
                name: package.name.to_string(),
                manifest_path: package.manifest_path.into(),
                version: package.version.to_string(),
                description: package.description,
                license: package.license,
                authors: package.authors,
                homepage: package.homepage,
                repository: package.repository,
            }
        })
        .collect();
    Metadata {
        target_directory: metadata.target_directory.into(),
        workspace_members: metadata
            .workspace_members
            .into_iter()
            .map(|id| id.repr)
            .collect(),
        packages,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn advice_for_a_handle_kept_in_a_thread_local() {
        // rustc 1.95's rendering of tests/ui/handle_in_static.rs, coloured.
        let rendered = "\x1b[0m\x1b[1m\x1b[38;5;9merror[E0521]\x1b[0m\x1b[0m\x1b[1m: borrowed data escapes outside of function\x1b[0m
  --> src/lib.rs:13:5
12 | fn keep<'ctx>(x: &Handle<'ctx>) {
13 |     KEPT.with(|slot| *slot.borrow_mut() = Some(x.dup()));
   |     argument requires that `'ctx` must outlive `'static`
";
        let mut advice = DiagnosticAdvice::default();
        for line in rendered.lines() {
            advice.read_line(line);
        }
        assert_eq!(advice.finish(), [STATIC_ESCAPE_ADVICE]);
    }

    #[test]
    fn no_advice_for_other_diagnostics() {
        let mut advice = DiagnosticAdvice::default();
        // An E0521 that is not about 'static, then a 'static in another error.
        for line in [
            "error[E0521]: borrowed data escapes outside of closure",
            "   |     argument requires that `'a` must outlive `'b`",
            "error[E0597]: `x` does not live long enough",
            "   |     argument requires that `x` must outlive `'static`",
            "warning: unused variable",
        ] {
            advice.read_line(line);
        }
        assert!(advice.finish().is_empty());
    }

    use super::*;

    const CDYLIB_LINE: &str = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/examples/pof#0.1.0","manifest_path":"/w/examples/pof/Cargo.toml","target":{"kind":["cdylib","rlib"],"crate_types":["cdylib","rlib"],"name":"pof","src_path":"/w/examples/pof/src/lib.rs","edition":"2021","doc":true,"doctest":true,"test":true},"profile":{"opt_level":"0","debuginfo":2,"debug_assertions":true,"overflow_checks":true,"test":false},"features":[],"filenames":["/w/target/debug/libpof.so","/w/target/debug/libpof.rlib"],"executable":null,"fresh":false}"#;

    #[test]
    fn reads_a_cdylib_artifact() {
        let artifact = parse_artifact_message(CDYLIB_LINE).unwrap().unwrap();
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
    fn ignores_other_messages_and_refuses_unreadable_ones() {
        for line in [
            r#"{"reason":"build-finished","success":true}"#,
            r#"{"reason":"a-message-of-a-newer-cargo","x":1}"#,
            "not json at all",
            "",
        ] {
            assert_eq!(parse_artifact_message(line).unwrap(), None, "{line}");
        }
        // A compiler-artifact message without the fields cargo-hpy needs:
        // cargo's format changed, which must not lose the artifact silently.
        let e = parse_artifact_message(r#"{"reason":"compiler-artifact"}"#).unwrap_err();
        assert!(e.to_string().contains("could not read a message"), "{e}");
    }

    fn strings(args: Vec<OsString>) -> Vec<String> {
        args.into_iter().map(|a| a.into_string().unwrap()).collect()
    }

    #[test]
    fn build_arguments() {
        let plain = strings(BuildInvocation::default().args());
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
            cargo: CargoOptions::default(),
        }
        .args();
        assert_eq!(
            strings(full),
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
    fn cargo_options_pass_through() {
        let invocation = BuildInvocation {
            features: vec!["hpy/universal".into()],
            cargo: CargoOptions {
                features: vec!["simd".into(), "a b".into()],
                all_features: true,
                no_default_features: true,
                target: Some("x86_64-unknown-linux-gnu".into()),
                profile: Some("fast".into()),
                locked: true,
                frozen: true,
                offline: true,
                jobs: Some("3".into()),
                verbose: 2,
                extra: vec!["-C".into(), "target-cpu=native".into()],
            },
            ..BuildInvocation::default()
        };
        assert_eq!(
            strings(invocation.args()),
            [
                "rustc",
                "--lib",
                "--message-format=json-render-diagnostics",
                "--features",
                "hpy/universal,simd,a b",
                "--all-features",
                "--no-default-features",
                "--locked",
                "--frozen",
                "--offline",
                "--target",
                "x86_64-unknown-linux-gnu",
                "--profile",
                "fast",
                "--jobs",
                "3",
                "--verbose",
                "--verbose",
                "--",
                "-C",
                "target-cpu=native",
            ]
        );
        // The user's features alone.
        let only_user = BuildInvocation {
            cargo: CargoOptions {
                features: vec!["simd".into()],
                ..CargoOptions::default()
            },
            ..BuildInvocation::default()
        };
        assert_eq!(strings(only_user.args())[3..], ["--features", "simd"]);
    }

    #[test]
    fn reads_metadata() {
        let text = r#"{"packages":[
            {"name":"pof","version":"0.1.0","id":"path+file:///w/examples/pof#0.1.0",
             "description":"An example","authors":["A <a@x.org>"],"license":null,"license_file":null,
             "source":null,"dependencies":[{"name":"hpy-rs","source":null,"req":"*","kind":null,"rename":"my_hpy",
               "optional":false,"uses_default_features":true,"features":[],"target":null,"registry":null,"path":"/w/hpy"}],"features":{},"edition":"2021","keywords":[],"categories":[],
             "readme":null,"repository":null,"homepage":null,"documentation":null,"links":null,"publish":null,
             "metadata":{"hpy":{"module":"pkg.pof","python-source":"py"}},
             "targets":[{"kind":["cdylib","rlib"],"crate_types":["cdylib","rlib"],"name":"pof","src_path":"/w/examples/pof/src/lib.rs","edition":"2021","doc":true,"doctest":true,"test":true}],
             "manifest_path":"/w/examples/pof/Cargo.toml"},
            {"name":"hpy-sys","version":"0.1.0","id":"path+file:///w/hpy-sys#0.1.0",
             "source":null,"dependencies":[],"features":{},"edition":"2021","authors":[],"metadata":null,
             "targets":[{"kind":["lib"],"crate_types":["lib"],"name":"hpy_sys","src_path":"/w/hpy-sys/src/lib.rs","edition":"2021"},{"kind":["custom-build"],"crate_types":["bin"],"name":"build-script-build","src_path":"/w/hpy-sys/build.rs","edition":"2021"}],
             "manifest_path":"/w/hpy-sys/Cargo.toml"}],
          "workspace_members":["path+file:///w/examples/pof#0.1.0","path+file:///w/hpy-sys#0.1.0"],
          "resolve":null,"target_directory":"/w/target","version":1,"workspace_root":"/w"}"#;
        let metadata = from_cargo_metadata(serde_json::from_str(text).unwrap());
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
        // A renamed dependency: `cargo hpy build --universal` enables `my_hpy/universal`.
        assert_eq!(
            metadata.packages[0].hpy_dependency.as_deref(),
            Some("my_hpy")
        );
        assert_eq!(metadata.packages[1].hpy_dependency, None);
        assert_eq!(
            metadata.packages[0].hpy_python_source.as_deref(),
            Some("py")
        );
        assert_eq!(metadata.packages[1].hpy_module, None);
        assert_eq!(metadata.packages[1].name, "hpy-sys");
        assert!(!metadata.packages[1].has_cdylib);
    }
}
