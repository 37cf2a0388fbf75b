//! `cargo hpy sdist`: a source distribution (PEP 517/625 `.tar.gz`) of one
//! extension project, which `pip install` builds through the project's
//! build backend (hpy-rs-build) on any machine with Rust.
//!
//! The archive is `NAME-VERSION.tar.gz` holding `NAME-VERSION/` with
//! `PKG-INFO` (core metadata), `pyproject.toml`, `Cargo.toml`, `Cargo.lock`
//! and every other file of the project's directory except what
//! `.gitignore` files ignore, build output (`target/`, `dist/`),
//! virtualenvs, hidden directories and byte code. Path dependencies outside the
//! project (hpy-rs's own crates among them) are copied in and the
//! manifests rewritten ([`crate::project::vendor`]); the tree is put together in a
//! staging directory, where `cargo metadata` checks that it resolves on its
//! own and writes its `Cargo.lock` (from the project's or its workspace's
//! lock file when there is one, so versions stay as they were built).

use std::fs;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::error::Error;
use crate::project::cargo;
use crate::project::vendor;
use crate::project::{self, HpyRsTable};
use crate::wheel::{self, distribution_name};

/// Directories never packed.
const SKIPPED_DIRS: &[&str] = &["target", "dist", "__pycache__", "venv", "node_modules"];

/// Builds the sdist of the project of `manifest_path` (default
/// `./Cargo.toml`) into `out` (default `target/sdist` next to it) and
/// returns its path.
pub fn sdist(manifest_path: Option<&Path>, out: Option<&Path>) -> Result<PathBuf, Error> {
    let manifest = manifest_path.map_or_else(|| PathBuf::from("Cargo.toml"), Path::to_path_buf);
    let manifest = fs::canonicalize(&manifest).map_err(|e| Error::io("find", &manifest, e))?;
    let dir = manifest.parent().unwrap_or(Path::new("/")).to_path_buf();
    let pyproject = project::read_pyproject(&dir)?.ok_or_else(|| Error::NoPyproject {
        path: dir.join("pyproject.toml"),
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
        return Err(Error::NoBuildBackend {
            path: dir.join("pyproject.toml"),
        });
    }
    let crates = vendor::sdist_crates(&dir)?;
    let metadata = project::core_metadata(&manifest)?;
    let (name, version) = (metadata.name.clone(), metadata.version.clone());

    let base = format!("{}-{version}", distribution_name(&name));
    let out_dir = out.map_or_else(|| dir.join("target").join("sdist"), Path::to_path_buf);
    fs::create_dir_all(&out_dir).map_err(|e| Error::io("create", &out_dir, e))?;
    let out_dir = fs::canonicalize(&out_dir).unwrap_or(out_dir);
    let path = out_dir.join(format!("{base}.tar.gz"));
    let staging = out_dir.join(format!(".{base}.cargo-hpy-staging"));
    let result = stage(&staging, &dir, &out_dir, &crates).and_then(|()| {
        crate::files::replace_file(&path, |temp| {
            write_archive(temp, &staging, &base, &wheel::metadata_file(&metadata))
        })
    });
    let _ = fs::remove_dir_all(&staging);
    result?;
    let vendored: Vec<String> = crates
        .iter()
        .filter(|c| c.vendored)
        .map(|c| c.dest.display().to_string())
        .collect();
    if !vendored.is_empty() {
        eprintln!(
            "cargo-hpy: copied path dependencies: {}",
            vendored.join(", ")
        );
    }
    eprintln!("cargo-hpy: wrote {}", path.display());
    Ok(path)
}

/// Puts the sdist's tree together in `staging`: each crate's files, its
/// rewritten manifest, and a `Cargo.lock` that `cargo metadata` checked.
fn stage(
    staging: &Path,
    project_dir: &Path,
    out_dir: &Path,
    crates: &[vendor::SdistCrate],
) -> Result<(), Error> {
    let _ = fs::remove_dir_all(staging);
    let failed = |path: &Path, e: std::io::Error| Error::io("write", path, e);
    let tool = project::tool_table(project_dir)?.unwrap_or_default();
    for krate in crates {
        let dest_dir = staging.join(&krate.dest);
        let patterns = krate.dest.as_os_str().is_empty().then_some(&tool);
        for rel in crate_files(&krate.source, out_dir, krate.vendored, patterns)? {
            let target = dest_dir.join(&rel);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|e| failed(parent, e))?;
            }
            fs::copy(krate.source.join(&rel), &target).map_err(|e| failed(&target, e))?;
        }
        for (file, rel) in &krate.extra_files {
            let target = dest_dir.join(rel);
            fs::create_dir_all(&dest_dir).map_err(|e| failed(&dest_dir, e))?;
            fs::copy(file, &target).map_err(|e| failed(&target, e))?;
        }
        let manifest = dest_dir.join("Cargo.toml");
        fs::create_dir_all(&dest_dir).map_err(|e| failed(&dest_dir, e))?;
        let text = toml::to_string(&krate.manifest)
            .map_err(|e| Error::io("write", &manifest, std::io::Error::other(e)))?;
        fs::write(&manifest, text).map_err(|e| failed(&manifest, e))?;
    }
    // The project's lock file, else its workspace's: the versions it was
    // built with. `cargo metadata` drops what the sdist does not use and
    // adds what is missing (generating the file when there is none).
    let lock = project_dir
        .ancestors()
        .map(|d| d.join("Cargo.lock"))
        .find(|l| l.is_file());
    if let Some(lock) = lock {
        let target = staging.join("Cargo.lock");
        fs::copy(&lock, &target).map_err(|e| failed(&target, e))?;
    }
    cargo::resolve(&staging.join("Cargo.toml")).map_err(|e| Error::SdistUnresolved(Box::new(e)))
}

/// The files of the crate in `dir` to pack, relative to it, sorted:
/// `.gitignore` files are honoured (as git would, also outside a
/// repository); build output, virtualenvs, hidden directories, byte code and
/// `out_dir` are left out, and for a copied crate its tests, benchmarks
/// and examples too. For the project, `[tool.hpy-rs]` `exclude` leaves
/// out more and `include` brings back what a `.gitignore` left out.
fn crate_files(
    dir: &Path,
    out_dir: &Path,
    vendored: bool,
    patterns: Option<&HpyRsTable>,
) -> Result<Vec<PathBuf>, Error> {
    let exclude = matcher(dir, patterns.map_or(&[][..], |t| &t.exclude))?;
    let include = matcher(dir, patterns.map_or(&[][..], |t| &t.include))?;
    let mut files = walk(dir, out_dir, vendored, true, &exclude)?;
    if !include.is_empty() {
        for rel in walk(dir, out_dir, vendored, false, &exclude)? {
            if include.matched_path_or_any_parents(&rel, false).is_ignore() {
                files.push(rel);
            }
        }
        files.sort();
        files.dedup();
    }
    Ok(files)
}

/// A gitignore-syntax matcher of `patterns`, relative to `dir`.
fn matcher(dir: &Path, patterns: &[String]) -> Result<ignore::gitignore::Gitignore, Error> {
    let mut builder = ignore::gitignore::GitignoreBuilder::new(dir);
    for pattern in patterns {
        builder
            .add_line(None, pattern)
            .map_err(|source| Error::IncludePattern {
                path: dir.join("pyproject.toml"),
                pattern: Some(pattern.clone()),
                source,
            })?;
    }
    builder.build().map_err(|source| Error::IncludePattern {
        path: dir.join("pyproject.toml"),
        pattern: None,
        source,
    })
}

fn walk(
    dir: &Path,
    out_dir: &Path,
    vendored: bool,
    honour_gitignore: bool,
    exclude: &ignore::gitignore::Gitignore,
) -> Result<Vec<PathBuf>, Error> {
    let top_skipped: &[&str] = if vendored {
        vendor::VENDORED_SKIPPED_DIRS
    } else {
        &[]
    };
    let root = dir.to_path_buf();
    let out_dir = out_dir.to_path_buf();
    let exclude = exclude.clone();
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .git_ignore(honour_gitignore)
        .parents(honour_gitignore)
        .require_git(false)
        .follow_links(true)
        .filter_entry(move |entry| {
            let name = entry.file_name().to_string_lossy();
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let top_level = entry.depth() == 1;
            let rel = entry.path().strip_prefix(&root).unwrap_or(entry.path());
            !(entry.path().starts_with(&out_dir)
                || (entry.depth() > 0 && exclude.matched(rel, is_dir).is_ignore())
                || (is_dir && (name.starts_with('.') || SKIPPED_DIRS.contains(&name.as_ref())))
                || (is_dir && top_level && top_skipped.contains(&name.as_ref()))
                || (is_dir && top_level && name == vendor::VENDOR_DIR)
                || (!is_dir && (name.ends_with(".pyc") || name == "PKG-INFO"))
                // `cargo package`'s copy of the manifest as written (with
                // the workspace's relative paths), in crates it packaged.
                || (!is_dir && vendored && name == "Cargo.toml.orig"))
        })
        .build();
    let mut files = Vec::new();
    for entry in walker {
        let entry = entry.map_err(|e| Error::io("read", dir, std::io::Error::other(e)))?;
        if entry.file_type().is_some_and(|t| t.is_file()) {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            files.push(rel.to_path_buf());
        }
    }
    files.sort();
    Ok(files)
}

/// Writes the `.tar.gz`: PKG-INFO, then every file of `staging` (sorted),
/// under `base/`, with fixed times and modes.
fn write_archive(path: &Path, staging: &Path, base: &str, pkg_info: &str) -> Result<(), Error> {
    let failed = |e: std::io::Error| Error::io("write", path, e);
    let file = fs::File::create(path).map_err(failed)?;
    let mut tar = tar::Builder::new(GzEncoder::new(file, Compression::default()));
    tar.mode(tar::HeaderMode::Deterministic);
    let mut header = tar::Header::new_gnu();
    header.set_size(pkg_info.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(0);
    tar.append_data(&mut header, format!("{base}/PKG-INFO"), pkg_info.as_bytes())
        .map_err(failed)?;
    let mut files = Vec::new();
    let mut pending = vec![staging.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).map_err(failed)? {
            let entry = entry.map_err(failed)?;
            if entry.file_type().map_err(failed)?.is_dir() {
                pending.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    for file in files {
        let rel = file.strip_prefix(staging).unwrap_or(&file);
        tar.append_path_with_name(&file, Path::new(base).join(rel))
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
                 [project]\nname = \"Demo-Ext\"\ndependencies = [\"six\"]\n\
                 [tool.hpy-rs]\ninclude = [\"/notes/\"]\nexclude = [\"gen/drop.rs\"]\n",
            ),
            ("src/lib.rs", "// code\n"),
            (".gitignore", "/secret.txt\nnotes/\n"),
            ("secret.txt", "x"),
            ("notes/n.md", "x"),
            ("src/notes/n.md", "x"),
            ("gen/keep.rs", "x"),
            ("gen/drop.rs", "x"),
            ("target/debug/junk", "x"),
            (".git/HEAD", "x"),
            ("python/__pycache__/a.pyc", "x"),
        ] {
            let path = dir.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let out = dir.join("out");
        let path = sdist(Some(&dir.join("Cargo.toml")), Some(&out)).unwrap();
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
                "demo_ext-1.0.0rc1/.gitignore",
                "demo_ext-1.0.0rc1/Cargo.lock",
                "demo_ext-1.0.0rc1/Cargo.toml",
                "demo_ext-1.0.0rc1/gen/keep.rs",
                "demo_ext-1.0.0rc1/notes/n.md",
                "demo_ext-1.0.0rc1/pyproject.toml",
                "demo_ext-1.0.0rc1/src/lib.rs",
            ]
        );
        assert_eq!(
            pkg_info,
            "Metadata-Version: 2.4\nName: Demo-Ext\nVersion: 1.0.0rc1\nRequires-Dist: six\n"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
