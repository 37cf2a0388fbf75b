//! The manylinux platform tag of a Linux wheel (PEP 600), decided from
//! auditwheel's published policy data.
//!
//! An extension may carry `manylinux_2_X_<arch>` when it links only the
//! libraries that policy allows (`DT_NEEDED`) and needs only symbol versions
//! it lists (`.gnu.version_r`: `GLIBC_2.17`, `GLIBCXX_3.4.19`, `CXXABI_1.3.7`,
//! `GCC_4.8.0`, ...). pip then installs the wheel on every Linux with that
//! glibc or newer, and PyPI accepts it. The policies come from
//! `data/manylinux-policy.json`, which holds auditwheel's
//! `manylinux-policy.json` reduced to those facts (its first key names the
//! source and version). The most compatible policy the extension satisfies
//! wins; an extension that violates every policy keeps the plain
//! `linux_<arch>` tag, which pip installs only on the kind of machine it was
//! built on and PyPI refuses, and `cargo hpy wheel` prints why.
//!
//! The dynamic loader (`ld-linux-x86-64.so.2`, ...) is part of glibc and is
//! allowed like libc, as auditwheel does (its library tree treats the
//! loader apart); its symbol versions are checked as GLIBC ones.
//!
//! auditwheel's per-library symbol blacklist (a handful of glibc symbols
//! that manylinux systems may lack despite their version) is checked
//! against every undefined dynamic symbol that is not weak, whichever
//! needed library it will come from. Not checked: the libraries a bundled dependency would need
//! (cargo-hpy bundles nothing).

use std::collections::BTreeMap;

use object::elf::FileHeader64;
use object::read::elf::ElfFile;
use object::{Endianness, FileKind, Object, ObjectSymbol};
use serde::Deserialize;

/// The glibc dynamic loaders: always present where glibc is.
const DYNAMIC_LOADERS: &[&str] = &[
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
    "ld-linux.so.2",
];

/// The policy data, compiled in.
const POLICY_JSON: &str = include_str!("../../data/manylinux-policy.json");

/// What an ELF shared object needs from others.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// `DT_NEEDED`: the libraries, by soname.
    pub libraries: Vec<String>,
    /// `.gnu.version_r`: (library, version name) pairs, e.g.
    /// `("libc.so.6", "GLIBC_2.34")`.
    pub versions: Vec<(String, String)>,
    /// The undefined, not weak, dynamic symbols: what other libraries must
    /// provide.
    pub symbols: Vec<String>,
}

/// Reads what a 64-bit ELF shared object needs, or says why it cannot.
pub fn needs(data: &[u8]) -> Result<Needs, String> {
    let bad = |e: object::Error| format!("not a readable ELF file ({e})");
    match FileKind::parse(data).map_err(bad)? {
        FileKind::Elf64 => {}
        other => return Err(format!("not a 64-bit ELF file ({other:?})")),
    }
    let file = ElfFile::<FileHeader64<Endianness>>::parse(data).map_err(bad)?;
    let endian = file.endian();
    let sections = file.elf_section_table();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let mut needs = Needs::default();
    if let Some((entries, link)) = sections.dynamic(endian, data).map_err(bad)? {
        let strings = sections.strings(endian, data, link).map_err(bad)?;
        for entry in entries {
            let tag = entry.d_tag.get(endian);
            if tag == object::elf::DT_NULL {
                break;
            }
            if tag == object::elf::DT_NEEDED {
                let offset = u32::try_from(entry.d_val.get(endian))
                    .map_err(|_| "not a readable ELF file (string offset)".to_owned())?;
                needs.libraries.push(text(
                    strings
                        .get(offset)
                        .map_err(|()| "not a readable ELF file (DT_NEEDED name)".to_owned())?,
                ));
            }
        }
    }
    for symbol in file.dynamic_symbols() {
        // A weak reference (Rust's std takes __cxa_thread_atexit_impl
        // weakly, falling back when it is missing) needs nothing.
        if symbol.is_undefined() && !symbol.is_weak() {
            if let Ok(name) = symbol.name() {
                if !name.is_empty() {
                    needs.symbols.push(name.to_owned());
                }
            }
        }
    }
    if let Some((mut files, link)) = sections.gnu_verneed(endian, data).map_err(bad)? {
        let strings = sections.strings(endian, data, link).map_err(bad)?;
        while let Some((file, mut versions)) = files.next().map_err(bad)? {
            let library = text(file.file(endian, strings).map_err(bad)?);
            while let Some(version) = versions.next().map_err(bad)? {
                let name = text(version.name(endian, strings).map_err(bad)?);
                needs.versions.push((library.clone(), name));
            }
        }
    }
    Ok(needs)
}

/// auditwheel's facts about one manylinux tag.
#[derive(Debug, Deserialize)]
struct Policy {
    name: String,
    /// Higher is more compatible (an older glibc).
    priority: u32,
    /// The libraries an extension may link.
    libraries: Vec<String>,
    /// Library → symbols an extension must not use from it.
    blacklist: BTreeMap<String, Vec<String>>,
    /// Architecture → symbol version family (`GLIBC`) → allowed versions.
    symbol_versions: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

#[derive(Debug, Deserialize)]
struct PolicyFile {
    #[allow(dead_code)] // documentation for readers of the data file
    source: String,
    policies: Vec<Policy>,
}

/// The policies, most compatible first.
fn policies() -> Vec<Policy> {
    let file: PolicyFile =
        serde_json::from_str(POLICY_JSON).expect("data/manylinux-policy.json is valid");
    let mut policies = file.policies;
    policies.sort_by_key(|p| std::cmp::Reverse(p.priority));
    policies
}

impl Policy {
    /// Why `needs` breaks this policy on `arch`, if it does.
    fn violation(&self, needs: &Needs, arch: &str) -> Option<String> {
        let Some(families) = self.symbol_versions.get(arch) else {
            return Some(format!("{} has no policy for {arch}", self.name));
        };
        let allowed =
            |l: &&String| self.libraries.contains(l) || DYNAMIC_LOADERS.contains(&l.as_str());
        if let Some(lib) = needs.libraries.iter().find(|l| !allowed(l)) {
            return Some(format!(
                "it links {lib}, which {} does not allow",
                self.name
            ));
        }
        for lib in &needs.libraries {
            let banned = self.blacklist.get(lib).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(symbol) = needs.symbols.iter().find(|s| banned.contains(s)) {
                return Some(format!(
                    "it uses {symbol}, which {} does not allow from {lib}",
                    self.name
                ));
            }
        }
        for (lib, version) in &needs.versions {
            // `GLIBC_2.17`, `CXXABI_TM_1`, `GLIBC_PRIVATE`: the family is the
            // part before the first `_`.
            let (family, number) = version.split_once('_').unwrap_or((version, ""));
            let allowed = families
                .get(family)
                .is_some_and(|versions| versions.iter().any(|v| v == number));
            if !allowed {
                return Some(format!(
                    "it needs {version} from {lib}, which {} does not allow",
                    self.name
                ));
            }
        }
        None
    }
}

/// `manylinux_2_X_<arch>` (PEP 600 form; the legacy alias such as
/// `manylinux2014` is not added) for an extension with these needs, or why
/// no policy fits: the reason the newest policy refuses it.
pub fn manylinux_tag(needs: &Needs, arch: &str) -> Result<String, String> {
    let policies = policies();
    let mut last_reason = format!("auditwheel's data has no manylinux policy for {arch}");
    for policy in &policies {
        match policy.violation(needs, arch) {
            None => return Ok(format!("{}_{arch}", policy.name)),
            Some(reason) => last_reason = reason,
        }
    }
    let newest = policies.last().map(|p| p.name.as_str()).unwrap_or("none");
    Err(format!(
        "{last_reason} (nor does any older policy; the newest known is {newest})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs_of(libs: &[&str], versions: &[(&str, &str)]) -> Needs {
        Needs {
            libraries: libs.iter().map(|s| s.to_string()).collect(),
            versions: versions
                .iter()
                .map(|(l, v)| (l.to_string(), v.to_string()))
                .collect(),
            symbols: Vec::new(),
        }
    }

    #[test]
    fn the_data_is_auditwheels() {
        let policies = policies();
        assert!(POLICY_JSON.contains("auditwheel"));
        assert_eq!(policies[0].name, "manylinux_2_5");
        assert!(POLICY_JSON.contains("\"manylinux2014\""));
        assert!(policies
            .iter()
            .all(|p| p.libraries.iter().any(|l| l == "libc.so.6")));
    }

    #[test]
    fn tag_follows_the_newest_glibc_symbol() {
        let n = needs_of(
            &["libc.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2"],
            &[
                ("ld-linux-x86-64.so.2", "GLIBC_2.3"),
                ("libc.so.6", "GLIBC_2.2.5"),
                ("libc.so.6", "GLIBC_2.34"),
                ("libgcc_s.so.1", "GCC_3.0"),
            ],
        );
        assert_eq!(
            manylinux_tag(&n, "x86_64").unwrap(),
            "manylinux_2_34_x86_64"
        );
        let old = needs_of(&["libc.so.6"], &[("libc.so.6", "GLIBC_2.3")]);
        assert_eq!(
            manylinux_tag(&old, "x86_64").unwrap(),
            "manylinux_2_5_x86_64"
        );
        let v17 = needs_of(&["libc.so.6"], &[("libc.so.6", "GLIBC_2.14")]);
        assert_eq!(
            manylinux_tag(&v17, "x86_64").unwrap(),
            "manylinux_2_17_x86_64"
        );
    }

    #[test]
    fn a_newer_glibcxx_raises_the_tag() {
        // glibc 2.17 alone would be manylinux_2_17, but GLIBCXX_3.4.30 is
        // GCC 12's libstdc++: first allowed by manylinux_2_35.
        let n = needs_of(
            &["libstdc++.so.6", "libc.so.6"],
            &[
                ("libc.so.6", "GLIBC_2.17"),
                ("libstdc++.so.6", "GLIBCXX_3.4.30"),
            ],
        );
        assert_eq!(
            manylinux_tag(&n, "x86_64").unwrap(),
            "manylinux_2_35_x86_64"
        );
        let cxxabi = needs_of(&["libstdc++.so.6"], &[("libstdc++.so.6", "CXXABI_1.3.13")]);
        assert_ne!(
            manylinux_tag(&cxxabi, "x86_64").unwrap(),
            "manylinux_2_17_x86_64"
        );
    }

    #[test]
    fn blacklisted_symbols_refuse() {
        let mut n = needs_of(&["libc.so.6"], &[("libc.so.6", "GLIBC_2.2.5")]);
        n.symbols = vec!["malloc".into()];
        assert_eq!(manylinux_tag(&n, "x86_64").unwrap(), "manylinux_2_5_x86_64");
        // Banned from libc up to manylinux_2_17.
        n.symbols.push("__cxa_thread_atexit_impl".into());
        assert_eq!(
            manylinux_tag(&n, "x86_64").unwrap(),
            "manylinux_2_24_x86_64"
        );
        // Banned from libz by every policy.
        let mut z = needs_of(&["libz.so.1"], &[]);
        z.symbols = vec!["zcalloc".into()];
        let why = manylinux_tag(&z, "x86_64").unwrap_err();
        assert!(
            why.starts_with("it uses zcalloc, which manylinux_2_"),
            "{why}"
        );
    }

    #[test]
    fn violating_every_policy_says_why() {
        let lib = needs_of(&["libc.so.6", "libpython3.11.so.1.0"], &[]);
        let why = manylinux_tag(&lib, "x86_64").unwrap_err();
        assert!(
            why.starts_with("it links libpython3.11.so.1.0, which manylinux_2_"),
            "{why}"
        );
        let private = needs_of(&["libc.so.6"], &[("libc.so.6", "GLIBC_PRIVATE")]);
        assert!(manylinux_tag(&private, "x86_64")
            .unwrap_err()
            .contains("GLIBC_PRIVATE"));
        let future = needs_of(&["libstdc++.so.6"], &[("libstdc++.so.6", "GLIBCXX_3.4.99")]);
        assert!(manylinux_tag(&future, "x86_64")
            .unwrap_err()
            .contains("GLIBCXX_3.4.99"));
        assert!(manylinux_tag(&needs_of(&[], &[]), "sparc").is_err());
    }

    #[test]
    fn reads_this_test_binary() {
        // The test executable itself is an ELF file on Linux: it needs libc
        // with versioned symbols.
        if !cfg!(all(target_os = "linux", target_pointer_width = "64")) {
            eprintln!("skipped: not a 64-bit Linux");
            return;
        }
        let exe = std::env::current_exe().unwrap();
        let n = needs(&std::fs::read(exe).unwrap()).unwrap();
        assert!(n.libraries.iter().any(|l| l == "libc.so.6"), "{n:?}");
        assert!(n.symbols.iter().any(|s| s == "malloc"), "{n:?}");
        assert!(
            n.versions
                .iter()
                .any(|(l, v)| l == "libc.so.6" && v.starts_with("GLIBC_2.")),
            "{n:?}"
        );
    }

    #[test]
    fn a_real_library_needing_glibcxx_3_4_30_is_not_manylinux_2_17() {
        // std::condition_variable::wait(unique_lock&) has the version
        // GLIBCXX_3.4.30 in GCC 12's libstdc++.
        let dir = std::env::temp_dir().join(format!("cargo-hpy-elf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let source = dir.join("wait.cpp");
        std::fs::write(
            &source,
            "#include <condition_variable>\n#include <mutex>\n\
             extern \"C\" void wait_once(std::condition_variable &cv, std::mutex &m) {\n\
             std::unique_lock<std::mutex> lock(m); cv.wait(lock); }\n",
        )
        .unwrap();
        let library = dir.join("libwait.so");
        let built = std::process::Command::new("g++")
            .args(["-shared", "-fPIC", "-o"])
            .arg(&library)
            .arg(&source)
            .status();
        if !matches!(built, Ok(s) if s.success()) {
            eprintln!("skipped: no g++ that builds a shared C++ library here ({built:?})");
            return;
        }
        let n = needs(&std::fs::read(&library).unwrap()).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(n.libraries.iter().any(|l| l == "libstdc++.so.6"), "{n:?}");
        let newest_glibcxx = n
            .versions
            .iter()
            .filter_map(|(_, v)| v.strip_prefix("GLIBCXX_3.4."))
            .filter_map(|minor| minor.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        if newest_glibcxx <= 19 {
            eprintln!("skipped: this g++ (libstdc++ GLIBCXX_3.4.{newest_glibcxx}) is old enough for manylinux_2_17");
            return;
        }
        match manylinux_tag(&n, std::env::consts::ARCH) {
            Ok(tag) => {
                assert_ne!(
                    tag,
                    format!("manylinux_2_17_{}", std::env::consts::ARCH),
                    "{n:?}"
                );
                let minor: u32 = tag["manylinux_2_".len()..]
                    .split('_')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(minor >= 24, "{tag} for {n:?}");
            }
            Err(why) => assert!(why.contains("GLIBCXX_3.4."), "{why}"),
        }
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(needs(b"not an elf file").is_err());
        assert!(needs(b"\x7fELF\x02\x01").is_err());
    }
}
