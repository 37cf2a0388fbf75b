//! What an extension is built for: the machine cargo-hpy runs on, or the
//! target triple of `--target` (or `[tool.hpy-rs] target`), a cross build.
//!
//! A cross build needs three things this machine may lack, each checked
//! before cargo runs so that the error names the command that installs it:
//! the target's standard library (`rustup target add TRIPLE`), a linker for
//! it (Debian's cross gcc, `aarch64-linux-gnu-gcc` for
//! `aarch64-unknown-linux-gnu`, passed to cargo as
//! `CARGO_TARGET_<TRIPLE>_LINKER` unless that is set already) and, for the
//! CPython ABI only, an interpreter of the target (its version and
//! `EXT_SUFFIX` name the module; it may run under emulation). The universal
//! ABI needs no Python: one cross-built `NAME.hpy0.so` serves every Python of
//! the target.
//!
//! Cross builds are implemented from Linux to Linux with glibc (the
//! manylinux tags); another pair is refused with the reason.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

use crate::error::Error;
use crate::options::BuildArgs;
use crate::python::{self, PythonInfo};

/// The operating systems cargo-hpy knows how to name artifacts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Tested.
    Linux,
    /// Implemented from documentation only; never run.
    MacOs,
}

impl Platform {
    /// The platform cargo-hpy runs on, or an error for platforms where
    /// building would need steps cargo-hpy does not implement (a cross
    /// build's platform comes from its triple: [`Target`]).
    pub fn host() -> Result<Platform, Error> {
        match std::env::consts::OS {
            "linux" => Ok(Platform::Linux),
            "macos" => Ok(Platform::MacOs),
            "windows" => Err(Error::UntestedPlatform {
                os: "windows".to_owned(),
            }),
            other => Err(Error::UntestedPlatform {
                os: other.to_owned(),
            }),
        }
    }

    /// File extension cargo gives a `cdylib` here.
    pub fn cdylib_extension(self) -> &'static str {
        match self {
            Platform::Linux => "so",
            Platform::MacOs => "dylib",
        }
    }
}

/// The operating system and architecture an extension is built for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The triple passed to cargo as `--target`; `None` builds for this
    /// machine.
    pub triple: Option<String>,
    /// The operating system.
    pub platform: Platform,
    /// The architecture as wheel tags and `sysconfig.get_platform()` spell
    /// it on Linux: `x86_64`, `aarch64`, `i686`, ...
    pub arch: String,
}

impl Target {
    /// This machine, or an error for an operating system cargo-hpy cannot
    /// build on.
    pub fn host() -> Result<Target, Error> {
        Ok(Target::native(Platform::host()?))
    }

    /// This machine's architecture on `platform`.
    pub fn native(platform: Platform) -> Target {
        Target {
            triple: None,
            platform,
            arch: wheel_arch(std::env::consts::ARCH).to_owned(),
        }
    }

    /// What `--target` (or `[tool.hpy-rs] target`) asks for, else this
    /// machine. A triple naming this machine is still passed to cargo (it
    /// changes cargo's output directory) but is no cross build.
    pub fn for_args(args: &BuildArgs) -> Result<Target, Error> {
        match &args.cargo.target {
            Some(triple) => Target::from_triple(triple),
            None => Target::host(),
        }
    }

    /// Parses a Rust target triple (`aarch64-unknown-linux-gnu`).
    pub fn from_triple(triple: &str) -> Result<Target, Error> {
        let unsupported = |why: &str| Error::UnsupportedTarget {
            target: triple.to_owned(),
            why: why.to_owned(),
        };
        let parts: Vec<&str> = triple.split('-').collect();
        let (arch, rest) = match parts.as_slice() {
            [arch, rest @ ..] if !arch.is_empty() && !rest.is_empty() => (*arch, rest),
            _ => {
                return Err(unsupported(
                    "it is not a target triple (ARCH-VENDOR-OS[-ENV])",
                ))
            }
        };
        let platform = if rest.contains(&"linux") {
            match rest.last() {
                Some(env) if env.starts_with("gnu") => Platform::Linux,
                Some(env) if env.starts_with("musl") => {
                    return Err(unsupported(
                        "musl: cargo-hpy tags Linux wheels manylinux (glibc) and has no \
                         musllinux tags",
                    ))
                }
                _ => {
                    return Err(unsupported(
                        "cargo-hpy builds for Linux with glibc (...-linux-gnu)",
                    ))
                }
            }
        } else if rest.contains(&"darwin") {
            Platform::MacOs
        } else if rest.contains(&"windows") {
            return Err(Error::UntestedPlatform {
                os: "windows".to_owned(),
            });
        } else {
            return Err(unsupported(
                "cargo-hpy builds for Linux (...-linux-gnu) and, untested, macOS",
            ));
        };
        Ok(Target {
            triple: Some(triple.to_owned()),
            platform,
            arch: wheel_arch(arch).to_owned(),
        })
    }

    /// True when the target is another machine than this one.
    pub fn is_cross(&self) -> bool {
        self.triple.is_some()
            && (Some(self.platform) != Platform::host().ok()
                || self.arch != wheel_arch(std::env::consts::ARCH))
    }

    /// The platform tag of the target without looking at the extension:
    /// `linux_x86_64`, `linux_aarch64`, `macosx_11_0_arm64`, ...
    pub fn plain_platform_tag(&self) -> String {
        match self.platform {
            Platform::Linux => format!("linux_{}", self.arch),
            Platform::MacOs => format!(
                "macosx_11_0_{}",
                if self.arch == "aarch64" {
                    "arm64"
                } else {
                    &self.arch
                }
            ),
        }
    }

    /// Checks that `python` (the interpreter a CPython-ABI module, or a
    /// `develop` install, is for) runs on the target: a module built for
    /// one architecture and named for another would not load.
    pub fn check_python(&self, python: &PythonInfo) -> Result<(), Error> {
        if self.platform != Platform::Linux || !python.platform.starts_with("linux-") {
            return Ok(());
        }
        let python_tag = python::platform_tag(&python.platform);
        if python_tag == self.plain_platform_tag() {
            return Ok(());
        }
        let python_arch = python_tag.trim_start_matches("linux_").to_owned();
        Err(Error::PythonNotForTarget {
            python: python.executable.clone(),
            python_arch: python_arch.clone(),
            target: self
                .triple
                .clone()
                .unwrap_or_else(|| format!("this machine ({})", self.arch)),
            hint: match &self.triple {
                None => format!(
                    "to cross-build for it, add `--target {}`",
                    linux_triple(&python_arch)
                ),
                Some(_) => {
                    "name an interpreter of the target with --python (or HPY_PYTHON)".to_owned()
                }
            },
        })
    }

    /// For a cross build: checks that the target's standard library and a
    /// linker are installed, and returns the environment cargo needs (the
    /// linker). Nothing for a native build.
    pub fn cargo_env(&self) -> Result<Vec<(String, OsString)>, Error> {
        let Some(triple) = self.triple.as_deref().filter(|_| self.is_cross()) else {
            return Ok(Vec::new());
        };
        if Platform::host().ok() != Some(Platform::Linux) || self.platform != Platform::Linux {
            return Err(Error::UnsupportedTarget {
                target: triple.to_owned(),
                why: "cross builds are implemented from Linux to Linux only".to_owned(),
            });
        }
        if !std_installed(triple) {
            return Err(Error::TargetStdMissing {
                target: triple.to_owned(),
            });
        }
        let variable = linker_variable(triple);
        if std::env::var_os(&variable).is_some_and(|v| !v.is_empty()) {
            return Ok(Vec::new());
        }
        let gcc = cross_gcc(triple);
        match find_on_path(&gcc) {
            Some(path) => {
                eprintln!(
                    "cargo-hpy: cross build for {triple}, linking with {} (set {variable} \
                     to use another linker)",
                    path.display()
                );
                Ok(vec![(variable, path.into_os_string())])
            }
            None => Err(Error::NoCrossLinker {
                target: triple.to_owned(),
                package: format!("gcc-{}", gcc.trim_end_matches("-gcc").replace('_', "-")),
                linker: gcc,
                variable,
            }),
        }
    }
}

/// A Rust architecture name as wheel tags spell it.
fn wheel_arch(rust_arch: &str) -> &str {
    match rust_arch {
        "x86" | "i586" | "i686" => "i686",
        "powerpc64le" => "ppc64le",
        "riscv64gc" => "riscv64",
        "armv7" => "armv7l",
        other => other,
    }
}

/// The Rust triple of Linux with glibc on a wheel architecture.
fn linux_triple(arch: &str) -> String {
    match arch {
        "i686" => "i686-unknown-linux-gnu".to_owned(),
        "ppc64le" => "powerpc64le-unknown-linux-gnu".to_owned(),
        "riscv64" => "riscv64gc-unknown-linux-gnu".to_owned(),
        "armv7l" => "armv7-unknown-linux-gnueabihf".to_owned(),
        other => format!("{other}-unknown-linux-gnu"),
    }
}

/// `CARGO_TARGET_<TRIPLE>_LINKER`, the variable cargo reads a target's
/// linker from.
fn linker_variable(triple: &str) -> String {
    format!(
        "CARGO_TARGET_{}_LINKER",
        triple.to_ascii_uppercase().replace(['-', '.'], "_")
    )
}

/// The name Debian (and most distributions) give the cross gcc of a Linux
/// triple: `aarch64-unknown-linux-gnu` → `aarch64-linux-gnu-gcc`.
fn cross_gcc(triple: &str) -> String {
    let mut parts: Vec<&str> = triple.split('-').collect();
    if parts.len() == 4 {
        parts.remove(1); // the vendor
    }
    let arch = match parts[0] {
        "riscv64gc" => "riscv64",
        "armv7" => "arm",
        "i586" | "i686" => "i686",
        other => other,
    };
    parts[0] = arch;
    format!("{}-gcc", parts.join("-"))
}

/// True when rustc has the standard library of `triple` (rustup puts it
/// under the sysroot's `lib/rustlib/<triple>/lib`).
fn std_installed(triple: &str) -> bool {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(out) = Command::new(rustc)
        .args(["--print", "target-libdir", "--target", triple])
        .output()
    else {
        return false;
    };
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    out.status.success()
        && std::fs::read_dir(&dir).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("libstd-") && name.ends_with(".rlib")
            })
        })
}

/// The first executable file `name` on PATH.
fn find_on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| {
            candidate
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triples_are_parsed() {
        let t = Target::from_triple("aarch64-unknown-linux-gnu").unwrap();
        assert_eq!(t.platform, Platform::Linux);
        assert_eq!(t.arch, "aarch64");
        assert_eq!(t.plain_platform_tag(), "linux_aarch64");
        let mac = Target::from_triple("aarch64-apple-darwin").unwrap();
        assert_eq!(mac.plain_platform_tag(), "macosx_11_0_arm64");
        let musl = Target::from_triple("x86_64-unknown-linux-musl").unwrap_err();
        assert!(musl.to_string().contains("musllinux"), "{musl}");
        let windows = Target::from_triple("x86_64-pc-windows-msvc").unwrap_err();
        assert!(windows.to_string().contains("windows"), "{windows}");
        assert!(Target::from_triple("aarch64").is_err());
        assert!(Target::from_triple("wasm32-unknown-unknown").is_err());
    }

    #[test]
    fn cross_linkers_are_named_as_debian_names_them() {
        assert_eq!(
            cross_gcc("aarch64-unknown-linux-gnu"),
            "aarch64-linux-gnu-gcc"
        );
        assert_eq!(
            cross_gcc("x86_64-unknown-linux-gnu"),
            "x86_64-linux-gnu-gcc"
        );
        assert_eq!(
            cross_gcc("armv7-unknown-linux-gnueabihf"),
            "arm-linux-gnueabihf-gcc"
        );
        assert_eq!(
            linker_variable("aarch64-unknown-linux-gnu"),
            "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER"
        );
        assert_eq!(linux_triple("aarch64"), "aarch64-unknown-linux-gnu");
    }

    #[test]
    fn a_triple_of_this_machine_is_no_cross_build() {
        let host = Target::host().unwrap();
        let triple = linux_triple(&host.arch);
        if host.platform == Platform::Linux {
            let same = Target::from_triple(&triple).unwrap();
            assert!(!same.is_cross());
            assert!(same.cargo_env().unwrap().is_empty());
        }
        assert!(!host.is_cross());
    }

    #[test]
    fn a_missing_standard_library_names_rustup() {
        // No rustup installs the standard library of a made-up target.
        assert!(!std_installed("aarch64-unknown-linux-gnuhpyrs"));
        let e = Error::TargetStdMissing {
            target: "aarch64-unknown-linux-gnu".into(),
        }
        .to_string();
        assert!(
            e.contains("rustup target add aarch64-unknown-linux-gnu"),
            "{e}"
        );
    }
}
