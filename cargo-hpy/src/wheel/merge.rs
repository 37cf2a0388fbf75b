//! One wheel for several CPython versions: the per-version CPython-ABI
//! wheels of one distribution merged into a single archive.
//!
//! This is how hpy-rs's host, `hpy-rs-universal`, ships: its binary calls
//! CPython's C API directly (a per-version build, so that a call through the
//! host costs what it costs in the CPython ABI), and Python's import system
//! picks the file whose suffix matches the running interpreter
//! (`hpy_rs_universal.cpython-311-x86_64-linux-gnu.so` beside
//! `...cpython-314-...so`). One file on an index then serves every CPython
//! a universal wheel can run on, and a universal wheel's dependency
//! resolves wherever pip runs.
//!
//! The file name carries compressed tag sets (PEP 425):
//! `hpy_rs_universal-0.1.0-cp311.cp314-cp311.cp314-manylinux_2_34_x86_64.whl`;
//! the `WHEEL` file lists the matching pairs only (`cp311-cp311-...`,
//! `cp314-cp314-...`). The platform tag is the most demanding of the
//! merged wheels' (the newest manylinux, or plain `linux_<arch>` if any
//! wheel has it), so that every file in the archive runs where pip
//! installs it.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::project::compile::ArchiveFile;

/// The parts of a wheel's file name (no build tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelName {
    /// The distribution, as normalised in file names (`hpy_rs_universal`).
    pub dist: String,
    /// The version.
    pub version: String,
    /// The interpreter tags (`cp311`), one or more.
    pub python: Vec<String>,
    /// The ABI tags.
    pub abi: Vec<String>,
    /// The platform tags.
    pub platform: Vec<String>,
}

impl WheelName {
    /// Parses `DIST-VERSION-PY-ABI-PLATFORM.whl`.
    pub fn parse(file_name: &str) -> Option<WheelName> {
        let stem = file_name.strip_suffix(".whl")?;
        let parts: Vec<&str> = stem.split('-').collect();
        let [dist, version, python, abi, platform] = parts.as_slice() else {
            return None;
        };
        let set = |s: &str| s.split('.').map(str::to_owned).collect::<Vec<_>>();
        Some(WheelName {
            dist: (*dist).to_owned(),
            version: (*version).to_owned(),
            python: set(python),
            abi: set(abi),
            platform: set(platform),
        })
    }

    /// The file name, tag sets joined with `.`.
    pub fn file_name(&self) -> String {
        format!(
            "{}-{}-{}-{}-{}.whl",
            self.dist,
            self.version,
            self.python.join("."),
            self.abi.join("."),
            self.platform.join(".")
        )
    }
}

fn refuse(reason: String) -> Error {
    Error::MergeWheels { reason }
}

/// A platform tag's demand, for picking the most demanding one: plain
/// `linux_<arch>` demands most (it promises nothing), then manylinux by
/// glibc version.
fn platform_demand(tag: &str) -> Option<(String, u32, u32)> {
    if let Some(arch) = tag.strip_prefix("linux_") {
        return Some((arch.to_owned(), u32::MAX, u32::MAX));
    }
    let rest = tag.strip_prefix("manylinux_")?;
    let mut it = rest.splitn(3, '_');
    let major = it.next()?.parse().ok()?;
    let minor = it.next()?.parse().ok()?;
    Some((it.next()?.to_owned(), major, minor))
}

/// Reads every entry of the wheel at `path`: (name, data, unix mode).
fn read_entries(path: &Path) -> Result<Vec<ArchiveFile>, Error> {
    let file = fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    let bad = |e: &dyn std::fmt::Display| refuse(format!("{} is no wheel: {e}", path.display()));
    let mut zip = zip::ZipArchive::new(file).map_err(|e| bad(&e))?;
    let mut entries = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| bad(&e))?;
        if entry.is_dir() {
            continue;
        }
        let mut data = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut data).map_err(|e| bad(&e))?;
        let mode = entry.unix_mode().unwrap_or(0o644) & 0o777;
        entries.push((entry.name().to_owned(), data, mode));
    }
    Ok(entries)
}

/// Merges the CPython-ABI `wheels` (one distribution and version, built
/// for different CPython versions) into one wheel in `out_dir` and returns
/// its path. Files present in several wheels must be identical (the Python
/// files and METADATA); the extension modules differ by their suffixes.
pub fn merge_wheels(wheels: &[PathBuf], out_dir: &Path) -> Result<PathBuf, Error> {
    let mut names = Vec::with_capacity(wheels.len());
    for path in wheels {
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let name = WheelName::parse(file_name)
            .ok_or_else(|| refuse(format!("{file_name} is not a wheel's file name")))?;
        names.push(name);
    }
    let first = names
        .first()
        .ok_or_else(|| refuse("no wheel to merge".to_owned()))?
        .clone();
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut demand: Option<(String, u32, u32, String)> = None;
    for name in &names {
        if (name.dist.as_str(), name.version.as_str())
            != (first.dist.as_str(), first.version.as_str())
        {
            return Err(refuse(format!(
                "{} {} and {} {} are different distributions",
                first.dist, first.version, name.dist, name.version
            )));
        }
        let ([python], [abi], [platform]) = (
            name.python.as_slice(),
            name.abi.as_slice(),
            name.platform.as_slice(),
        ) else {
            return Err(refuse(format!(
                "{} is already a multi-tag wheel",
                name.file_name()
            )));
        };
        if !python.starts_with("cp") || abi == "none" {
            return Err(refuse(format!(
                "{} is not a CPython-ABI wheel (tag {python}-{abi})",
                name.file_name()
            )));
        }
        if pairs.iter().any(|(p, _)| p == python) {
            return Err(refuse(format!("two wheels for {python}")));
        }
        pairs.push((python.clone(), abi.clone()));
        let (arch, major, minor) = platform_demand(platform)
            .ok_or_else(|| refuse(format!("unknown platform tag {platform}")))?;
        match &demand {
            Some((a, ..)) if *a != arch => {
                return Err(refuse(format!(
                    "wheels for different architectures ({a} and {arch})"
                )))
            }
            Some((_, ma, mi, _)) if (*ma, *mi) >= (major, minor) => {}
            _ => demand = Some((arch, major, minor, platform.clone())),
        }
    }
    pairs.sort_by_key(|(python, _)| python_order(python));
    let platform = demand.expect("at least one wheel").3;
    let dist_info = format!("{}-{}.dist-info", first.dist, first.version);

    let mut files: BTreeMap<String, (Vec<u8>, u32)> = BTreeMap::new();
    for (path, name) in wheels.iter().zip(&names) {
        for (entry, data, mode) in read_entries(path)? {
            let generated = [format!("{dist_info}/RECORD"), format!("{dist_info}/WHEEL")];
            if generated.contains(&entry) {
                continue;
            }
            match files.get(&entry) {
                Some((seen, _)) if *seen != data => {
                    return Err(refuse(format!(
                        "{entry} differs between the wheels (in {})",
                        name.file_name()
                    )));
                }
                Some(_) => {}
                None => {
                    files.insert(entry, (data, mode));
                }
            }
        }
    }
    if !files.contains_key(&format!("{dist_info}/METADATA")) {
        return Err(refuse(format!("no {dist_info}/METADATA in the wheels")));
    }
    let merged = WheelName {
        python: pairs.iter().map(|(p, _)| p.clone()).collect(),
        abi: pairs.iter().map(|(_, a)| a.clone()).collect(),
        platform: vec![platform.clone()],
        ..first
    };
    let tags: Vec<String> = pairs
        .iter()
        .map(|(python, abi)| format!("{python}-{abi}-{platform}"))
        .collect();
    let mut archive: Vec<ArchiveFile> = files
        .into_iter()
        .map(|(entry, (data, mode))| (entry, data, mode))
        .collect();
    archive.push((
        format!("{dist_info}/WHEEL"),
        super::wheel_file_tags(&tags).into_bytes(),
        0o644,
    ));
    fs::create_dir_all(out_dir).map_err(|e| Error::io("create", out_dir, e))?;
    let path = out_dir.join(merged.file_name());
    super::write_archive(&path, &archive, &dist_info)?;
    Ok(path)
}

/// `cp39` before `cp311`: by the version's number, not its spelling.
fn python_order(tag: &str) -> (u32, u32) {
    let digits = tag.trim_start_matches(|c: char| !c.is_ascii_digit());
    let (major, minor) = digits.split_at(digits.len().min(1));
    (major.parse().unwrap_or(0), minor.parse().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty directory of the test's own; the test removes it when it
    /// passes (a failing one leaves it to look at).
    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cargo-hpy-merge-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn wheel(dir: &Path, python: &str, platform: &str, extra: &[(&str, &[u8])]) -> PathBuf {
        let dist_info = "host-1.0.dist-info";
        let mut files: Vec<ArchiveFile> = vec![
            (
                format!("host.cpython-{}-x86_64-linux-gnu.so", &python[2..]),
                python.as_bytes().to_vec(),
                0o755,
            ),
            (
                format!("{dist_info}/METADATA"),
                b"Metadata-Version: 2.1\nName: host\nVersion: 1.0\n".to_vec(),
                0o644,
            ),
        ];
        for (name, data) in extra {
            files.push(((*name).to_owned(), data.to_vec(), 0o644));
        }
        let tag = format!("{python}-{python}-{platform}");
        files.push((
            format!("{dist_info}/WHEEL"),
            super::super::wheel_file_tags(std::slice::from_ref(&tag)).into_bytes(),
            0o644,
        ));
        let path = dir.join(format!("host-1.0-{tag}.whl"));
        super::super::write_archive(&path, &files, dist_info).unwrap();
        path
    }

    #[test]
    fn names_round_trip() {
        let name = WheelName::parse("a_b-1.0-cp311.cp312-cp311.cp312-linux_x86_64.whl").unwrap();
        assert_eq!(name.python, ["cp311", "cp312"]);
        assert_eq!(
            name.file_name(),
            "a_b-1.0-cp311.cp312-cp311.cp312-linux_x86_64.whl"
        );
        assert!(WheelName::parse("a-1.0-py3-none.whl").is_none());
    }

    #[test]
    fn merges_versions_under_the_most_demanding_platform() {
        let dir = scratch("ok");
        let shared: &[(&str, &[u8])] = &[("host/__init__.py", b"x = 1\n")];
        let a = wheel(&dir, "cp314", "manylinux_2_17_x86_64", shared);
        let b = wheel(&dir, "cp311", "manylinux_2_34_x86_64", shared);
        let out = merge_wheels(&[a, b], &dir.join("out")).unwrap();
        assert_eq!(
            out.file_name().unwrap().to_str().unwrap(),
            "host-1.0-cp311.cp314-cp311.cp314-manylinux_2_34_x86_64.whl"
        );
        let entries = read_entries(&out).unwrap();
        let names: Vec<&str> = entries.iter().map(|(n, _, _)| n.as_str()).collect();
        assert!(names.contains(&"host.cpython-311-x86_64-linux-gnu.so"));
        assert!(names.contains(&"host.cpython-314-x86_64-linux-gnu.so"));
        assert_eq!(
            names.iter().filter(|n| **n == "host/__init__.py").count(),
            1
        );
        let wheel_file = entries
            .iter()
            .find(|(n, _, _)| n == "host-1.0.dist-info/WHEEL")
            .unwrap();
        let text = String::from_utf8(wheel_file.1.clone()).unwrap();
        assert!(
            text.contains("Tag: cp311-cp311-manylinux_2_34_x86_64\n"),
            "{text}"
        );
        assert!(
            text.contains("Tag: cp314-cp314-manylinux_2_34_x86_64\n"),
            "{text}"
        );
        let record = entries
            .iter()
            .find(|(n, _, _)| n == "host-1.0.dist-info/RECORD")
            .unwrap();
        let record = String::from_utf8(record.1.clone()).unwrap();
        assert_eq!(record.lines().count(), entries.len(), "{record}");
        let so = entries.iter().find(|(n, _, _)| n.ends_with(".so")).unwrap();
        assert_eq!(so.2, 0o755);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_what_cannot_be_one_wheel() {
        let dir = scratch("bad");
        let a = wheel(&dir, "cp311", "linux_x86_64", &[("host/x.py", b"1")]);
        let b = wheel(&dir, "cp312", "linux_x86_64", &[("host/x.py", b"2")]);
        let e = merge_wheels(&[a.clone(), b], &dir).unwrap_err().to_string();
        assert!(e.contains("host/x.py differs"), "{e}");
        let e = merge_wheels(&[a.clone(), a.clone()], &dir)
            .unwrap_err()
            .to_string();
        assert!(e.contains("two wheels for cp311"), "{e}");
        let c = wheel(&dir, "cp313", "linux_aarch64", &[("host/x.py", b"1")]);
        let e = merge_wheels(&[a, c], &dir).unwrap_err().to_string();
        assert!(e.contains("different architectures"), "{e}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
