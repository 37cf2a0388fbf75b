//! `cargo hpy sdist`: a source distribution (PEP 517/625 `.tar.gz`) of one
//! extension project, which `pip install` builds through the project's
//! build backend (hpy-rs-build).
//!
//! The archive is `NAME-VERSION.tar.gz` holding `NAME-VERSION/` with
//! `PKG-INFO` (core metadata 2.1), `pyproject.toml`, `Cargo.toml`,
//! `Cargo.lock` if there is one, and every other file of the project's
//! directory except build output (`target/`, `dist/`), virtualenvs, VCS and
//! hidden directories and byte code. Path dependencies are not copied: a
//! relative one that leaves the directory is reported, because the sdist
//! would not build anywhere else.

use std::fs;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::args::SdistCommand;
use crate::error::Error;
use crate::project::{self, PyProject};
use crate::wheel::distribution_name;

/// Directories never packed.
const SKIPPED_DIRS: &[&str] = &["target", "dist", "__pycache__", "venv", "node_modules"];

/// Builds the sdist and returns its path.
pub fn sdist(args: &SdistCommand) -> Result<PathBuf, Error> {
    let manifest = args
        .manifest_path
        .clone()
        .unwrap_or_else(|| PathBuf::from("Cargo.toml"));
    let manifest = fs::canonicalize(&manifest)
        .map_err(|e| Error::failed(format!("could not find {}: {e}", manifest.display())))?;
    let dir = manifest.parent().unwrap_or(Path::new("/")).to_path_buf();
    let pyproject = project::read_pyproject(&dir)?.ok_or_else(|| {
        Error::failed(format!(
            "{} has no pyproject.toml: pip needs one (with [build-system] naming \
             hpy-rs-build) to build an sdist; `cargo hpy new` writes one",
            dir.display()
        ))
    })?;
    let build_system = pyproject.build_system.as_ref();
    let backend = build_system.and_then(|b| b.build_backend.as_deref());
    if let Some(b) = build_system.filter(|_| backend == Some("hpy_rs_build")) {
        let names_it = b
            .requires
            .iter()
            .any(|r| project::requirement_name(r).is_ok_and(|name| name == "hpy-rs-build"));
        if !names_it && b.backend_path.is_empty() {
            eprintln!(
                "cargo-hpy: warning: [build-system] requires does not name hpy-rs-build, \
                 which provides the backend hpy_rs_build"
            );
        }
    }
    if backend.is_none() {
        return Err(Error::failed(format!(
            "{}: [build-system] names no build-backend, so pip would not build the sdist \
             with cargo-hpy; add `requires = [\"hpy-rs-build\"]` and \
             `build-backend = \"hpy_rs_build\"`",
            dir.join("pyproject.toml").display()
        )));
    }
    let cargo = read_cargo_toml(&manifest)?;
    let (name, version) = name_and_version(&pyproject, &cargo, &manifest)?;
    warn_about_path_dependencies(&cargo, &dir);

    let base = format!("{}-{version}", distribution_name(&name));
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| dir.join("target").join("sdist"));
    fs::create_dir_all(&out_dir)
        .map_err(|e| Error::failed(format!("could not create {}: {e}", out_dir.display())))?;
    let path = out_dir.join(format!("{base}.tar.gz"));
    let temp = out_dir.join(format!(".{base}.tar.gz.cargo-hpy-tmp"));
    let result = write_archive(
        &temp,
        &dir,
        &out_dir,
        &base,
        &pkg_info(&pyproject, &name, &version),
    )
    .and_then(|()| {
        fs::rename(&temp, &path)
            .map_err(|e| Error::failed(format!("could not write {}: {e}", path.display())))
    });
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result?;
    eprintln!("cargo-hpy: wrote {}", path.display());
    Ok(path)
}

fn read_cargo_toml(manifest: &Path) -> Result<toml::Table, Error> {
    let text = fs::read_to_string(manifest)
        .map_err(|e| Error::failed(format!("could not read {}: {e}", manifest.display())))?;
    toml::from_str(&text)
        .map_err(|e| Error::failed(format!("could not read {}: {e}", manifest.display())))
}

/// `[project]` name and version, else Cargo.toml's (the version as PEP 440).
fn name_and_version(
    pyproject: &PyProject,
    cargo: &toml::Table,
    manifest: &Path,
) -> Result<(String, String), Error> {
    let package = cargo.get("package");
    let cargo_str = |key: &str| package.and_then(|p| p.get(key)).and_then(|v| v.as_str());
    let project = pyproject.project.as_ref();
    let name = project
        .map(|p| p.name.clone())
        .or(cargo_str("name").map(str::to_owned))
        .ok_or_else(|| Error::failed(format!("{} has no package name", manifest.display())))?;
    let version = match project.and_then(|p| p.version.clone()) {
        Some(v) => v,
        None => {
            let semver = cargo_str("version").ok_or_else(|| {
                Error::failed(format!(
                    "no version: set [project] version, or [package] version in {} \
                     (workspace-inherited versions are not read)",
                    manifest.display()
                ))
            })?;
            project::pep440_from_semver(semver).map_err(Error::failed)?
        }
    };
    Ok((name, version))
}

fn warn_about_path_dependencies(cargo: &toml::Table, dir: &Path) {
    for table in ["dependencies", "build-dependencies"] {
        let Some(deps) = cargo.get(table).and_then(|d| d.as_table()) else {
            continue;
        };
        for (dep, spec) in deps {
            let Some(path) = spec.get("path").and_then(|p| p.as_str()) else {
                continue;
            };
            let leaves = Path::new(path).is_relative()
                && !fs::canonicalize(dir.join(path)).is_ok_and(|p| p.starts_with(dir));
            if leaves {
                eprintln!(
                    "cargo-hpy: warning: the path dependency `{dep}` ({path}) lies outside \
                     the project and is not in the sdist, which will not build elsewhere; \
                     use an absolute path, a git or a registry dependency"
                );
            }
        }
    }
}

/// `PKG-INFO`: core metadata 2.1 from `[project]`.
fn pkg_info(pyproject: &PyProject, name: &str, version: &str) -> String {
    let mut text = format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n");
    if let Some(project) = &pyproject.project {
        if let Some(summary) = &project.description {
            let summary = summary.split_whitespace().collect::<Vec<_>>().join(" ");
            text.push_str(&format!("Summary: {summary}\n"));
        }
        if let Some(requires) = &project.requires_python {
            text.push_str(&format!("Requires-Python: {requires}\n"));
        }
        for requirement in &project.dependencies {
            text.push_str(&format!("Requires-Dist: {requirement}\n"));
        }
    }
    text
}

/// The project's files to pack, relative to `dir`, sorted.
fn project_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let full = dir.join(&rel);
        let entries = fs::read_dir(&full)
            .map_err(|e| Error::failed(format!("could not read {}: {e}", full.display())))?;
        for entry in entries {
            let entry = entry
                .map_err(|e| Error::failed(format!("could not read {}: {e}", full.display())))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = rel.join(&name);
            let kind = entry
                .file_type()
                .map_err(|e| Error::failed(format!("could not read {}: {e}", full.display())))?;
            if kind.is_dir() || (kind.is_symlink() && dir.join(&child).is_dir()) {
                let skipped = name.starts_with('.') || SKIPPED_DIRS.contains(&name.as_str());
                if !skipped {
                    pending.push(child);
                }
            } else if !name.ends_with(".pyc") && name != "PKG-INFO" && name != ".DS_Store" {
                out.push(child);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn write_archive(
    path: &Path,
    dir: &Path,
    out_dir: &Path,
    base: &str,
    pkg_info: &str,
) -> Result<(), Error> {
    let failed =
        |e: std::io::Error| Error::failed(format!("could not write {}: {e}", path.display()));
    let file = fs::File::create(path).map_err(failed)?;
    let mut tar = tar::Builder::new(GzEncoder::new(file, Compression::default()));
    tar.mode(tar::HeaderMode::Deterministic);
    tar.follow_symlinks(true);
    let mut header = tar::Header::new_gnu();
    header.set_size(pkg_info.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(0);
    tar.append_data(&mut header, format!("{base}/PKG-INFO"), pkg_info.as_bytes())
        .map_err(failed)?;
    let out_dir = fs::canonicalize(out_dir).unwrap_or_else(|_| out_dir.to_path_buf());
    for rel in project_files(dir)? {
        if dir.join(&rel).starts_with(&out_dir) {
            continue; // earlier sdists, and this one
        }
        let inside = Path::new(base).join(&rel);
        tar.append_path_with_name(dir.join(&rel), inside)
            .map_err(failed)?;
    }
    tar.into_inner()
        .and_then(|gz| gz.finish())
        .map_err(failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_the_project_with_pkg_info() {
        let dir = std::env::temp_dir().join(format!("cargo-hpy-sdist-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for (rel, text) in [
            (
                "Cargo.toml",
                "[package]\nname = \"demo-ext\"\nversion = \"1.0.0-rc.1\"\n",
            ),
            (
                "pyproject.toml",
                "[build-system]\nrequires = [\"hpy-rs-build\"]\nbuild-backend = \"hpy_rs_build\"\n\
                 [project]\nname = \"Demo-Ext\"\ndependencies = [\"six\"]\n",
            ),
            ("src/lib.rs", "// code\n"),
            ("target/debug/junk", "x"),
            (".git/HEAD", "x"),
            ("python/__pycache__/a.pyc", "x"),
        ] {
            let path = dir.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let out = dir.join("out");
        let path = sdist(&SdistCommand {
            manifest_path: Some(dir.join("Cargo.toml")),
            out: Some(out.clone()),
        })
        .unwrap();
        assert_eq!(path, out.join("demo_ext-1.0.0rc1.tar.gz"));
        let mut archive =
            tar::Archive::new(flate2::read::GzDecoder::new(fs::File::open(&path).unwrap()));
        let mut names = Vec::new();
        let mut pkg_info = String::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let name = entry.path().unwrap().to_string_lossy().into_owned();
            if name.ends_with("PKG-INFO") {
                std::io::Read::read_to_string(&mut entry, &mut pkg_info).unwrap();
            }
            names.push(name);
        }
        assert_eq!(
            names,
            [
                "demo_ext-1.0.0rc1/PKG-INFO",
                "demo_ext-1.0.0rc1/Cargo.toml",
                "demo_ext-1.0.0rc1/pyproject.toml",
                "demo_ext-1.0.0rc1/src/lib.rs",
            ]
        );
        assert_eq!(
            pkg_info,
            "Metadata-Version: 2.1\nName: Demo-Ext\nVersion: 1.0.0rc1\nRequires-Dist: six\n"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
