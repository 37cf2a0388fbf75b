//! `cargo hpy wheel`: a binary wheel (PEP 427, PEP 491) of one extension crate.
//!
//! Layout of the archive, for `pofpackage.foo` built universal:
//!
//! ```text
//! pofpackage/__init__.py                 from the python-source directory
//! pofpackage/foo.hpy0.so                 the extension
//! pofpackage/foo.py                      its loader stub
//! pofpackage-0.1.0.dist-info/METADATA    core metadata 2.1
//! pofpackage-0.1.0.dist-info/WHEEL       Root-Is-Purelib: false, one Tag
//! pofpackage-0.1.0.dist-info/RECORD      path,sha256=...,size per file
//! ```
//!
//! Tags: a CPython-ABI wheel is `cpXY-cpXY-<platform>` for the interpreter it
//! was built with; a universal wheel is `py3-none-<platform>`, installable on
//! any Python 3 of that platform, and requires hpy-rs's own host
//! `hpy-rs-universal` on CPython only (`platform_python_implementation ==
//! "CPython"`: PyPy brings its own `hpy.universal`), unless the
//! project already requires a host (`hpy` or `hpy-rs-universal`). A universal wheel is built without running
//! Python at all. On Linux the platform tag is `manylinux_2_X_<arch>` when
//! the extension qualifies (see [`crate::wheel::elf`]: only libraries every Linux
//! has, glibc symbols no newer than 2.X), else the plain `linux_<arch>`.

pub mod elf;
pub mod merge;
pub mod sdist;

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::options::BuildArgs;
use crate::project::cargo;
use crate::project::compile::{self, python_files, read, Abi, ArchiveFile, CompiledLibrary};
use crate::project::target::{Platform, Target};
use crate::project::{self, CoreMetadata};
use std::io::Write;

use base64::Engine;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::python;
use crate::python::stub::{self, UNIVERSAL_SUFFIX};

/// The requirement a universal wheel adds: the host that loads it on
/// CPython (the loader stub also takes the `hpy` package's, see
/// [`crate::python::stub`]).
pub const HOST_REQUIREMENT: &str =
    "hpy-rs-universal>=0.1; platform_python_implementation == \"CPython\"";

/// The distributions whose `hpy.universal`/`hpy_rs_universal` the loader
/// stub can use, as normalised names.
const HOST_DISTRIBUTIONS: &[&str] = &["hpy", "hpy-rs-universal"];

/// Builds the wheel and returns its path. Progress goes to stderr.
pub fn wheel(args: &BuildArgs) -> Result<PathBuf, Error> {
    let target = Target::for_args(args)?;
    let platform = target.platform;
    let abi = if args.universal {
        Abi::Universal
    } else {
        Abi::CPython
    };
    let python = compile::target_python(args, abi, &target)?;
    let metadata = cargo::metadata(args.manifest_path.as_deref())?;
    let libraries = compile::compile(args, abi, &target, python.as_ref(), &metadata)?;
    let library = match libraries.as_slice() {
        [one] => one,
        many => {
            return Err(Error::SeveralExtensions {
                modules: many.iter().map(|l| l.full_name.clone()).collect(),
            });
        }
    };
    let package = metadata
        .packages
        .iter()
        .find(|p| p.id == library.package_id)
        .expect("compile() checked the package");
    let project = project::load(package, &library.module_name)?;

    let library_bytes = read(&library.library)?;
    let stub_files = crate::project::stubs::stub_files(
        library,
        &library_bytes,
        &[],
        crate::project::stubs::StubLayout::Wheel,
    );
    let plain_tag = match &python {
        Some(python) => python::platform_tag(&python.platform),
        None => target.plain_platform_tag(),
    };
    let platform_tag = wheel_platform_tag(platform, plain_tag, &library_bytes);
    let (tag, extension_files) = match &python {
        Some(python) => {
            let suffix = python
                .ext_suffix
                .as_deref()
                .expect("checked by target_python");
            (
                python::cpython_wheel_tag(python, &platform_tag),
                vec![(
                    archive_path(library, &format!("{}{suffix}", library.module_name)),
                    library_bytes,
                    0o755,
                )],
            )
        }
        None => (
            format!("py3-none-{platform_tag}"),
            vec![
                (
                    archive_path(
                        library,
                        &format!("{}{UNIVERSAL_SUFFIX}", library.module_name),
                    ),
                    library_bytes,
                    0o755,
                ),
                (
                    archive_path(library, &format!("{}.py", library.module_name)),
                    stub::universal_stub(&library.module_name).into_bytes(),
                    0o644,
                ),
            ],
        ),
    };
    let mut files = match &project.python_source {
        Some(dir) => python_files(dir, library)?,
        None => Vec::new(),
    };
    for (path, _, _) in &extension_files {
        if files.iter().any(|(p, _, _)| p == path) {
            return Err(Error::PythonSourceShadows {
                file: path.clone(),
                module: library.full_name.clone(),
            });
        }
    }
    files.extend(extension_files);
    // The package's own `.pyi`/`py.typed` win over the generated ones.
    let generated: Vec<_> = stub_files
        .into_iter()
        .filter(|(path, _, _)| !files.iter().any(|(p, _, _)| p == path))
        .collect();
    files.extend(generated);

    let mut meta = project.metadata.clone();
    let names_a_host = |r: &String| HOST_DISTRIBUTIONS.contains(&requirement_name(r).as_str());
    if abi == Abi::Universal && !meta.requires_dist.iter().any(names_a_host) {
        meta.requires_dist.push(HOST_REQUIREMENT.to_owned());
    }
    let dist = distribution_name(&meta.name);
    let version = meta.version.replace('-', "_");
    let file_name = format!("{dist}-{version}-{tag}.whl");
    let dist_info = format!("{dist}-{version}.dist-info");
    if args.editable {
        let dir = editable_dir(
            args.target_dir
                .as_deref()
                .unwrap_or(&metadata.target_directory),
            &dist,
            &tag,
        );
        write_editable_tree(&dir, &files)?;
        eprintln!("cargo-hpy: editable build in {}", dir.display());
        files = vec![(
            editable_pth_name(&dist),
            format!("{}\n", dir.display()).into_bytes(),
            0o644,
        )];
    }
    if let Some(entry_points) = entry_points_file(&meta) {
        files.push((
            format!("{dist_info}/entry_points.txt"),
            entry_points.into_bytes(),
            0o644,
        ));
    }
    for (rel, bytes) in &meta.license_files {
        files.push((format!("{dist_info}/licenses/{rel}"), bytes.clone(), 0o644));
    }
    if let Some(data) = &project.data {
        for (rel, bytes, mode) in data_files(data)? {
            files.push((format!("{dist}-{version}.data/data/{rel}"), bytes, mode));
        }
    }

    let out_dir = match &args.out {
        Some(dir) => dir.clone(),
        None => args
            .target_dir
            .as_deref()
            .unwrap_or(&metadata.target_directory)
            .join("wheels"),
    };
    fs::create_dir_all(&out_dir).map_err(|e| Error::io("create", &out_dir, e))?;
    let path = out_dir.join(file_name);
    write_wheel(&path, &files, &dist_info, &meta, &tag)?;
    eprintln!(
        "cargo-hpy: wrote {} ({} ABI, module {})",
        path.display(),
        abi.name(),
        library.full_name
    );
    Ok(path)
}

/// The wheel's platform tag: on Linux `manylinux_2_X_<arch>` if the built
/// extension qualifies, else the `plain` one (`linux_<arch>`, saying why).
pub fn wheel_platform_tag(platform: Platform, plain: String, library: &[u8]) -> String {
    let Some(arch) = plain
        .strip_prefix("linux_")
        .filter(|_| platform == Platform::Linux)
    else {
        return plain;
    };
    let verdict = crate::wheel::elf::needs(library)
        .map_err(|e| e.to_string())
        .and_then(|needs| crate::wheel::elf::manylinux_tag(&needs, arch));
    match verdict {
        Ok(tag) => tag,
        Err(why) => {
            eprintln!(
                "cargo-hpy: tagged {plain}, not manylinux: {why}\n\
                 cargo-hpy: {}",
                BUNDLING_STEP
            );
            plain
        }
    }
}

/// What to do when an extension needs a shared library outside the
/// manylinux policy: cargo-hpy does not copy libraries into wheels itself.
pub const BUNDLING_STEP: &str = "to ship the libraries it needs inside the wheel (and get a \
    manylinux tag), run `auditwheel repair WHEEL` (pip install auditwheel): it copies them \
    into the wheel and points the extension at the copies";

/// The platform tag of this machine, without asking a Python and without
/// looking at the extension: `linux_x86_64`, `linux_aarch64`,
/// `macosx_11_0_arm64`, ... (see [`Target::plain_platform_tag`]).
pub fn host_platform_tag(platform: Platform) -> String {
    Target::native(platform).plain_platform_tag()
}

/// The name as it appears in wheel and dist-info names: lower case, runs of
/// `-`, `_` and `.` replaced by one `_` (PEP 503 normalisation, then PEP 427
/// escaping).
pub fn distribution_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('_') {
                out.push('_');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The distribution a requirement names (checked when the project was
/// loaded), normalised.
fn requirement_name(requirement: &str) -> String {
    project::requirement_name(requirement).unwrap_or_default()
}

fn archive_path(library: &CompiledLibrary, file_name: &str) -> String {
    let mut parts = library.package_path();
    parts.push(file_name);
    parts.join("/")
}

/// Where an editable install of `dist` with wheel tag `tag` keeps its
/// module and Python files: `<target-dir>/hpy/editable/<dist>-<tag>`.
pub fn editable_dir(target_dir: &Path, dist: &str, tag: &str) -> PathBuf {
    target_dir
        .join("hpy")
        .join("editable")
        .join(format!("{dist}-{tag}"))
}

/// The `.pth` file of an editable wheel of `dist` (what `develop` looks
/// for in site-packages).
pub fn editable_pth_name(dist: &str) -> String {
    format!("_hpy_rs_editable_{dist}.pth")
}

/// Replaces the editable directory's contents with `files`.
fn write_editable_tree(dir: &Path, files: &[ArchiveFile]) -> Result<(), Error> {
    let _ = fs::remove_dir_all(dir);
    for (rel, data, _) in files {
        let path = rel.split('/').fold(dir.to_path_buf(), |d, p| d.join(p));
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        // A new file (never rewritten in place): a process that has the
        // old module loaded keeps its mapping.
        let temp = path.with_extension("cargo-hpy-tmp");
        fs::write(&temp, data)
            .and_then(|()| fs::rename(&temp, &path))
            .map_err(|e| Error::io("write", &path, e))?;
    }
    Ok(())
}

/// The files of the `[tool.hpy-rs] data` directory, relative to it with
/// `/`, sorted; executables keep their mode.
fn data_files(dir: &Path) -> Result<Vec<ArchiveFile>, Error> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let entries = fs::read_dir(&path).map_err(|e| Error::io("read", &path, e))?;
        for entry in entries {
            let child = entry.map_err(|e| Error::io("read", &path, e))?.path();
            if child.is_dir() {
                pending.push(child);
                continue;
            }
            let executable = child
                .metadata()
                .is_ok_and(|m| m.permissions().mode() & 0o111 != 0);
            let rel = child.strip_prefix(dir).unwrap_or(&child);
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let mode = if executable { 0o755 } else { 0o644 };
            out.push((rel.join("/"), read(&child)?, mode));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The `METADATA` file of a wheel, and the `PKG-INFO` of an sdist (core
/// metadata 2.4: `License-Expression` and `License-File` are PEP 639's).
/// Fields are written in the order of the specification; the long
/// description is the body.
pub fn metadata_file(meta: &CoreMetadata) -> String {
    let mut text = format!(
        "Metadata-Version: 2.4\nName: {}\nVersion: {}\n",
        meta.name, meta.version
    );
    let mut field = |key: &str, value: &str| {
        // A value never spans lines in these fields; fold stray newlines.
        text.push_str(&format!("{key}: {}\n", value.replace('\n', " ")));
    };
    let mut list = |key: &str, values: &[String]| {
        if !values.is_empty() {
            field(key, &values.join(", "));
        }
    };
    if let Some(summary) = &meta.summary {
        list("Summary", std::slice::from_ref(summary));
    }
    if !meta.keywords.is_empty() {
        list("Keywords", &[meta.keywords.join(",")]);
    }
    list("Author", &meta.authors);
    list("Author-email", &meta.author_emails);
    list("Maintainer", &meta.maintainers);
    list("Maintainer-email", &meta.maintainer_emails);
    let mut field = |key: &str, value: &str| {
        text.push_str(&format!("{key}: {}\n", value.replace('\n', " ")));
    };
    if let Some(license) = &meta.license {
        let key = if meta.license_is_expression {
            "License-Expression"
        } else {
            "License"
        };
        field(key, license);
    }
    for (path, _) in &meta.license_files {
        field("License-File", path);
    }
    for classifier in &meta.classifiers {
        field("Classifier", classifier);
    }
    for url in &meta.urls {
        field("Project-URL", url);
    }
    if let Some(requires) = &meta.requires_python {
        field("Requires-Python", requires);
    }
    for requirement in &meta.requires_dist {
        field("Requires-Dist", requirement);
    }
    for extra in &meta.provides_extra {
        field("Provides-Extra", extra);
    }
    if let Some((body, content_type)) = &meta.description {
        field("Description-Content-Type", content_type);
        text.push('\n');
        text.push_str(body);
        if !body.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}

/// The `entry_points.txt` of a wheel, if the project has entry points.
pub fn entry_points_file(meta: &CoreMetadata) -> Option<String> {
    if meta.entry_points.is_empty() {
        return None;
    }
    let mut text = String::new();
    for (group, entries) in &meta.entry_points {
        text.push_str(&format!("[{group}]\n"));
        for (name, reference) in entries {
            text.push_str(&format!("{name} = {reference}\n"));
        }
        text.push('\n');
    }
    Some(text)
}

/// The `WHEEL` file.
pub fn wheel_file(tag: &str) -> String {
    wheel_file_tags(&[tag.to_owned()])
}

/// The `WHEEL` file of a wheel with several tags, one `Tag` line each.
pub fn wheel_file_tags(tags: &[String]) -> String {
    let mut text = format!(
        "Wheel-Version: 1.0\nGenerator: cargo-hpy {}\nRoot-Is-Purelib: false\n",
        env!("CARGO_PKG_VERSION")
    );
    for tag in tags {
        text.push_str(&format!("Tag: {tag}\n"));
    }
    text
}

/// A RECORD line field, quoted the way Python's `csv` module writes it.
fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// `sha256=<urlsafe base64 without padding>`, the RECORD hash of `data`.
pub fn record_hash(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    format!(
        "sha256={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
    )
}

/// The `hpy_rs_build` PEP 517 backend: a shim that runs `cargo hpy pep517`
/// (see [`crate::command::pep517`]).
pub const BACKEND_SHIM: &str = include_str!("../../python/hpy_rs_build.py");

/// Writes the `hpy-rs-build` wheel into `out_dir` and returns its path:
/// the PEP 517 backend's shim as the package `hpy_rs_build`, the cargo-hpy
/// `binary` inside it (where the shim looks first) and as the script
/// `cargo-hpy` (pip puts it on the environment's PATH). Tagged
/// `py3-none-<platform>`: the binary runs under any Python 3 here.
///
/// `crates` (from [`crate_files`]) go under `hpy_rs_build/crates/`, where
/// `cargo hpy new` finds them (see `command::new`).
pub fn backend_wheel(
    out_dir: &Path,
    binary: &[u8],
    crates: &[ArchiveFile],
    platform: Platform,
) -> Result<PathBuf, Error> {
    let version = env!("CARGO_PKG_VERSION");
    let meta = CoreMetadata {
        name: "hpy-rs-build".to_owned(),
        version: version.to_owned(),
        summary: Some(
            "PEP 517 build backend for hpy-rs extension modules, with cargo-hpy".to_owned(),
        ),
        requires_python: Some(">=3.8".to_owned()),
        license: Some("MIT".to_owned()),
        license_is_expression: true,
        ..CoreMetadata::default()
    };
    let plain = host_platform_tag(platform);
    let tag = format!("py3-none-{}", wheel_platform_tag(platform, plain, binary));
    let mut files: Vec<ArchiveFile> = vec![
        (
            "hpy_rs_build/__init__.py".to_owned(),
            BACKEND_SHIM.as_bytes().to_vec(),
            0o644,
        ),
        (
            "hpy_rs_build/bin/cargo-hpy".to_owned(),
            binary.to_vec(),
            0o755,
        ),
        (
            format!("hpy_rs_build-{version}.data/scripts/cargo-hpy"),
            binary.to_vec(),
            0o755,
        ),
    ];
    files.extend(
        crates
            .iter()
            .map(|(rel, data, mode)| (format!("hpy_rs_build/crates/{rel}"), data.clone(), *mode)),
    );
    fs::create_dir_all(out_dir).map_err(|e| Error::io("create", out_dir, e))?;
    let path = out_dir.join(format!("hpy_rs_build-{version}-{tag}.whl"));
    write_wheel(
        &path,
        &files,
        &format!("hpy_rs_build-{version}.dist-info"),
        &meta,
        &tag,
    )?;
    Ok(path)
}

/// Every file under `dir` (the unpacked SDK crates), by its path relative
/// to `dir` with `/` separators, in a stable order.
pub fn crate_files(dir: &Path) -> Result<Vec<ArchiveFile>, Error> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = fs::read_dir(&current).map_err(|e| Error::io("read", &current, e))?;
        for entry in entries {
            let path = entry.map_err(|e| Error::io("read", &current, e))?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("found under dir");
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let data = fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
                files.push((rel.join("/"), data, 0o644));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Writes `files` plus the dist-info files (METADATA, WHEEL, RECORD) as a
/// deflate-compressed ZIP archive straight into the file `path` (through a
/// temporary file next to it, renamed when complete).
pub fn write_wheel(
    path: &Path,
    files: &[ArchiveFile],
    dist_info: &str,
    meta: &CoreMetadata,
    tag: &str,
) -> Result<(), Error> {
    let mut all = files.to_vec();
    all.push((
        format!("{dist_info}/METADATA"),
        metadata_file(meta).into_bytes(),
        0o644,
    ));
    all.push((
        format!("{dist_info}/WHEEL"),
        wheel_file(tag).into_bytes(),
        0o644,
    ));
    write_archive(path, &all, dist_info)
}

/// Writes `files` (the dist-info's METADATA and WHEEL among them) and a
/// RECORD listing them as a deflate-compressed ZIP archive straight into
/// the file `path` (through a temporary file next to it, renamed when
/// complete).
pub fn write_archive(path: &Path, files: &[ArchiveFile], dist_info: &str) -> Result<(), Error> {
    crate::files::replace_file(path, |temp| {
        let failed = |e: &dyn std::fmt::Display| {
            Error::io("write", temp, std::io::Error::other(e.to_string()))
        };
        let file = fs::File::create(temp).map_err(|e| failed(&e))?;
        let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
        let mut record = String::new();
        let add = |zip: &mut ZipWriter<_>, name: &str, data: &[u8], mode: u32| {
            let options = SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .unix_permissions(mode)
                .large_file(data.len() > u32::MAX as usize);
            zip.start_file(name, options).map_err(|e| failed(&e))?;
            zip.write_all(data).map_err(|e| failed(&e))?;
            Ok::<(), Error>(())
        };
        for (name, data, mode) in files {
            add(&mut zip, name, data, *mode)?;
            record.push_str(&format!(
                "{},{},{}\n",
                csv_field(name),
                record_hash(data),
                data.len()
            ));
        }
        let record_path = format!("{dist_info}/RECORD");
        record.push_str(&format!("{},,\n", csv_field(&record_path)));
        add(&mut zip, &record_path, record.as_bytes(), 0o644)?;
        let mut out = zip.finish().map_err(|e| failed(&e))?;
        out.flush().map_err(|e| failed(&e))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(distribution_name("Pof-Package"), "pof_package");
        assert_eq!(distribution_name("a.b__c"), "a_b_c");
        assert!(host_platform_tag(Platform::Linux).starts_with("linux_"));
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("plain/path.py"), "plain/path.py");
    }

    #[test]
    fn metadata_text() {
        let meta = CoreMetadata {
            name: "pofpackage".into(),
            version: "0.1.0".into(),
            summary: Some("Pof".into()),
            requires_dist: vec![HOST_REQUIREMENT.into()],
            ..CoreMetadata::default()
        };
        assert_eq!(
            metadata_file(&meta),
            "Metadata-Version: 2.4\nName: pofpackage\nVersion: 0.1.0\nSummary: Pof\n\
             Requires-Dist: hpy-rs-universal>=0.1; platform_python_implementation == \"CPython\"\n"
        );
        let mut entry_points = std::collections::BTreeMap::new();
        entry_points.insert(
            "console_scripts".to_owned(),
            [("pof".to_owned(), "pofpackage:main".to_owned())].into(),
        );
        let full = CoreMetadata {
            name: "p".into(),
            version: "1".into(),
            keywords: vec!["a".into(), "b".into()],
            authors: vec!["Ann".into(), "Bob".into()],
            license: Some("MIT OR Apache-2.0".into()),
            license_is_expression: true,
            license_files: vec![("LICENSE".into(), b"x".to_vec())],
            classifiers: vec!["Programming Language :: Rust".into()],
            provides_extra: vec!["fast".into()],
            description: Some(("# P\n\nText".into(), "text/markdown".into())),
            entry_points,
            ..CoreMetadata::default()
        };
        assert_eq!(
            metadata_file(&full),
            "Metadata-Version: 2.4\nName: p\nVersion: 1\nKeywords: a,b\nAuthor: Ann, Bob\n\
             License-Expression: MIT OR Apache-2.0\nLicense-File: LICENSE\n\
             Classifier: Programming Language :: Rust\nProvides-Extra: fast\n\
             Description-Content-Type: text/markdown\n\n# P\n\nText\n"
        );
        assert_eq!(
            entry_points_file(&full).unwrap(),
            "[console_scripts]\npof = pofpackage:main\n\n"
        );
    }

    #[test]
    fn requirement_names() {
        for (requirement, name) in [
            ("hpy>=0.9", "hpy"),
            ("hpy-rs-universal", "hpy-rs-universal"),
            (
                " HPy_RS.universal >= 1; python_version > '3'",
                "hpy-rs-universal",
            ),
            ("hpy[dev]==0.9.0", "hpy"),
            ("hpyfoo", "hpyfoo"),
            ("six", "six"),
        ] {
            assert_eq!(requirement_name(requirement), name, "{requirement}");
        }
        assert!(!HOST_DISTRIBUTIONS.contains(&requirement_name("hpyfoo").as_str()));
    }

    /// RECORD lists every file with its hash and size, and itself without;
    /// the entries are compressed.
    #[test]
    fn record_lists_everything() {
        let meta = CoreMetadata {
            name: "p".into(),
            version: "1".into(),
            ..CoreMetadata::default()
        };
        let big = "print('hello')\n".repeat(1000).into_bytes();
        let files = vec![
            ("p/__init__.py".to_owned(), b"".to_vec(), 0o644),
            ("p/big.py".to_owned(), big.clone(), 0o644),
        ];
        let dir = std::env::temp_dir().join(format!("cargo-hpy-wheel-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p-1-py3-none-any.whl");
        write_wheel(&path, &files, "p-1.dist-info", &meta, "py3-none-any").unwrap();
        let mut archive = zip::ZipArchive::new(fs::File::open(&path).unwrap()).unwrap();
        let mut read = |name: &str| {
            let mut entry = archive.by_name(name).unwrap();
            let compressed = entry.compression() == CompressionMethod::Deflated;
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut text).unwrap();
            (text, compressed, entry.compressed_size(), entry.unix_mode())
        };
        let (data, compressed, stored, mode) = read("p/big.py");
        assert_eq!(data, big);
        assert!(compressed && stored < big.len() as u64 / 10, "{stored}");
        assert_eq!(mode.map(|m| m & 0o777), Some(0o644));
        let record = String::from_utf8(read("p-1.dist-info/RECORD").0).unwrap();
        assert!(
            record.contains("p/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n")
        );
        assert!(record.contains(&format!("p/big.py,{},{}\n", record_hash(&big), big.len())));
        assert!(record.ends_with("p-1.dist-info/RECORD,,\n"));
        assert!(record.contains("p-1.dist-info/WHEEL,sha256="));
        assert_eq!(record.lines().count(), 5);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn record_hashes() {
        // Known SHA-256 digests (FIPS 180-2 "abc") in RECORD's spelling.
        assert_eq!(
            record_hash(b"abc"),
            "sha256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
        );
    }

    #[test]
    fn a_library_outside_the_policy_keeps_the_plain_tag_and_names_the_bundling_step() {
        // An extension that links a shared library of its own (here
        // libhpyrsextra.so, built next to it) cannot be manylinux: the wheel
        // keeps `linux_<arch>`, the reason names the library, and the step
        // printed with it is auditwheel's repair.
        if !cfg!(all(target_os = "linux", target_pointer_width = "64")) {
            eprintln!("skipped: not a 64-bit Linux");
            return;
        }
        let dir = std::env::temp_dir().join(format!("cargo-hpy-bundle-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("extra.c"), "int extra(void) { return 1; }\n").unwrap();
        fs::write(
            dir.join("ext.c"),
            "int extra(void);\nint uses_extra(void) { return extra(); }\n",
        )
        .unwrap();
        let gcc = |args: &[&str]| {
            std::process::Command::new("gcc")
                .current_dir(&dir)
                .args(args)
                .status()
        };
        let built = gcc(&["-shared", "-fPIC", "-o", "libhpyrsextra.so", "extra.c"]).and_then(|s| {
            if s.success() {
                gcc(&[
                    "-shared",
                    "-fPIC",
                    "-o",
                    "ext.so",
                    "ext.c",
                    "-L.",
                    "-lhpyrsextra",
                ])
            } else {
                Ok(s)
            }
        });
        if !matches!(built, Ok(s) if s.success()) {
            eprintln!("skipped: no gcc that builds shared libraries here ({built:?})");
            return;
        }
        let library = fs::read(dir.join("ext.so")).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        let arch = std::env::consts::ARCH;
        let needs = crate::wheel::elf::needs(&library).unwrap();
        let why = crate::wheel::elf::manylinux_tag(&needs, arch).unwrap_err();
        assert!(why.contains("libhpyrsextra.so"), "{why}");
        let plain = format!("linux_{arch}");
        assert_eq!(
            wheel_platform_tag(Platform::Linux, plain.clone(), &library),
            plain
        );
        assert!(BUNDLING_STEP.contains("auditwheel repair WHEEL"));
    }
}
