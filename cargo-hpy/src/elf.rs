//! Just enough of ELF to tag a Linux wheel `manylinux_2_X` (PEP 600): the
//! shared libraries an extension needs (`DT_NEEDED`) and the symbol versions
//! it needs from them (`.gnu.version_r`).
//!
//! A wheel may carry a manylinux tag when its extension links only libraries
//! every manylinux system has (libc, libm, libpthread, libgcc_s, ...) and needs
//! no glibc symbol newer than 2.X; pip then installs it on any Linux with
//! glibc 2.X or later, and PyPI accepts it. Anything else (another library, a
//! `GLIBC_PRIVATE` symbol, an unknown version family) keeps the plain
//! `linux_<arch>` tag, which pip installs only on the machine kind it was
//! built for and PyPI refuses; `cargo hpy wheel` says why.

use std::fmt;

/// What an ELF shared object needs from others.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// `DT_NEEDED`: the libraries, by soname.
    pub libraries: Vec<String>,
    /// `.gnu.version_r`: (library, version name) pairs, e.g.
    /// `("libc.so.6", "GLIBC_2.34")`.
    pub versions: Vec<(String, String)>,
}

/// Why a file could not be read as a 64-bit little-endian ELF object.
#[derive(Debug, PartialEq, Eq)]
pub struct ElfError(pub String);

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const SHT_DYNAMIC: u32 = 6;
const SHT_GNU_VERNEED: u32 = 0x6fff_fffe;
const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;

/// Bounds-checked little-endian reads.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn bytes(&self, at: u64, len: u64) -> Result<&[u8], ElfError> {
        let start = usize::try_from(at).map_err(|_| bad("offset"))?;
        let len = usize::try_from(len).map_err(|_| bad("size"))?;
        let end = start.checked_add(len).ok_or_else(|| bad("offset"))?;
        self.0.get(start..end).ok_or_else(|| bad("truncated file"))
    }

    fn u16(&self, at: u64) -> Result<u16, ElfError> {
        let b = self.bytes(at, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&self, at: u64) -> Result<u32, ElfError> {
        let b = self.bytes(at, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&self, at: u64) -> Result<u64, ElfError> {
        let b = self.bytes(at, 8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// The NUL-terminated string at `at`.
    fn str(&self, at: u64) -> Result<String, ElfError> {
        let start = usize::try_from(at).map_err(|_| bad("string offset"))?;
        let rest = self.0.get(start..).ok_or_else(|| bad("string offset"))?;
        let end = rest
            .iter()
            .position(|&c| c == 0)
            .ok_or_else(|| bad("unterminated string"))?;
        Ok(String::from_utf8_lossy(&rest[..end]).into_owned())
    }
}

fn bad(what: &str) -> ElfError {
    ElfError(format!("not a readable 64-bit ELF file ({what})"))
}

struct Section {
    kind: u32,
    offset: u64,
    size: u64,
    link: u32,
    info: u32,
}

/// Reads what a 64-bit little-endian ELF shared object needs.
pub fn needs(data: &[u8]) -> Result<Needs, ElfError> {
    let r = Reader(data);
    if r.bytes(0, 4)? != b"\x7fELF" {
        return Err(bad("no ELF magic"));
    }
    if r.bytes(4, 2)? != [2, 1] {
        return Err(bad("not 64-bit little-endian"));
    }
    let shoff = r.u64(0x28)?;
    let shentsize = u64::from(r.u16(0x3a)?);
    let shnum = u64::from(r.u16(0x3c)?);
    if shentsize < 64 {
        return Err(bad("section header size"));
    }
    let sections = (0..shnum)
        .map(|i| {
            let at = shoff + i * shentsize;
            Ok(Section {
                kind: r.u32(at + 4)?,
                offset: r.u64(at + 24)?,
                size: r.u64(at + 32)?,
                link: r.u32(at + 40)?,
                info: r.u32(at + 44)?,
            })
        })
        .collect::<Result<Vec<_>, ElfError>>()?;
    let strings_of = |s: &Section| -> Result<u64, ElfError> {
        let table = sections
            .get(s.link as usize)
            .ok_or_else(|| bad("string table index"))?;
        Ok(table.offset)
    };

    let mut needs = Needs::default();
    for s in &sections {
        match s.kind {
            SHT_DYNAMIC => {
                let strings = strings_of(s)?;
                for i in 0..s.size / 16 {
                    let tag = r.u64(s.offset + i * 16)?;
                    if tag == DT_NULL {
                        break;
                    }
                    if tag == DT_NEEDED {
                        let name = r.u64(s.offset + i * 16 + 8)?;
                        needs.libraries.push(r.str(strings + name)?);
                    }
                }
            }
            SHT_GNU_VERNEED => {
                let strings = strings_of(s)?;
                let mut entry = s.offset;
                for _ in 0..s.info {
                    let count = r.u16(entry + 2)?;
                    let file = r.str(strings + u64::from(r.u32(entry + 4)?))?;
                    let mut aux = entry + u64::from(r.u32(entry + 8)?);
                    for _ in 0..count {
                        let name = r.str(strings + u64::from(r.u32(aux + 8)?))?;
                        needs.versions.push((file.clone(), name));
                        aux += u64::from(r.u32(aux + 12)?);
                    }
                    entry += u64::from(r.u32(entry + 12)?);
                }
            }
            _ => {}
        }
    }
    Ok(needs)
}

/// Libraries every manylinux system provides (the PEP 599/600 policy list,
/// less the X11/GL ones an extension module has no business linking).
const ALLOWED_LIBRARIES: &[&str] = &[
    "libc.so.6",
    "libm.so.6",
    "libdl.so.2",
    "librt.so.1",
    "libpthread.so.0",
    "libutil.so.1",
    "libresolv.so.2",
    "libgcc_s.so.1",
    "libstdc++.so.6",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
];

/// The oldest glibc a manylinux tag may name for these architectures.
const OLDEST_GLIBC_MINOR: u32 = 17;

/// `manylinux_2_X_<arch>` for an extension with these needs, or why not.
pub fn manylinux_tag(needs: &Needs, arch: &str) -> Result<String, String> {
    if let Some(lib) = needs
        .libraries
        .iter()
        .find(|l| !ALLOWED_LIBRARIES.contains(&l.as_str()))
    {
        return Err(format!(
            "it links {lib}, which manylinux systems need not have"
        ));
    }
    let mut glibc_minor = OLDEST_GLIBC_MINOR;
    for (lib, version) in &needs.versions {
        if let Some(v) = version.strip_prefix("GLIBC_") {
            let minor = match v.split_once('.') {
                Some(("2", minor)) => minor.split('.').next().and_then(|m| m.parse::<u32>().ok()),
                _ => None,
            };
            match minor {
                Some(m) => glibc_minor = glibc_minor.max(m),
                None => return Err(format!("it needs {version} from {lib}")),
            }
        } else if !(version.starts_with("GCC_")
            || version.starts_with("GLIBCXX_")
            || version.starts_with("CXXABI_"))
        {
            return Err(format!("it needs the symbol version {version} from {lib}"));
        }
    }
    Ok(format!("manylinux_2_{glibc_minor}_{arch}"))
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
        }
    }

    #[test]
    fn tag_follows_the_newest_glibc_symbol() {
        let n = needs_of(
            &["libc.so.6", "libgcc_s.so.1"],
            &[
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
            "manylinux_2_17_x86_64"
        );
    }

    #[test]
    fn foreign_libraries_and_private_symbols_refuse() {
        let lib = needs_of(&["libc.so.6", "libpython3.11.so.1.0"], &[]);
        assert!(manylinux_tag(&lib, "x86_64")
            .unwrap_err()
            .contains("libpython3.11"));
        let private = needs_of(&["libc.so.6"], &[("libc.so.6", "GLIBC_PRIVATE")]);
        assert!(manylinux_tag(&private, "x86_64")
            .unwrap_err()
            .contains("GLIBC_PRIVATE"));
    }

    #[test]
    fn reads_this_test_binary() {
        // The test executable itself is an ELF file on Linux: it needs libc
        // with versioned symbols.
        if !cfg!(all(
            target_os = "linux",
            target_endian = "little",
            target_pointer_width = "64"
        )) {
            return;
        }
        let exe = std::env::current_exe().unwrap();
        let n = needs(&std::fs::read(exe).unwrap()).unwrap();
        assert!(n.libraries.iter().any(|l| l == "libc.so.6"), "{n:?}");
        assert!(
            n.versions
                .iter()
                .any(|(l, v)| l == "libc.so.6" && v.starts_with("GLIBC_2.")),
            "{n:?}"
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(needs(b"not an elf file").is_err());
        assert!(needs(b"\x7fELF\x02\x01").is_err());
    }
}
