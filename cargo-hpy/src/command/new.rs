//! `cargo hpy new NAME [--class]`: a new extension project that builds,
//! imports and passes its test in both ABIs as generated.
//!
//! ```text
//! NAME/Cargo.toml        cdylib crate depending on hpy (a path dependency)
//! NAME/src/lib.rs        two functions (and with --class a class)
//! NAME/tests/test_MODULE.py
//! NAME/pyproject.toml    [build-system] hpy-rs-build, [project], [tool.hpy-rs]
//! NAME/README.md         how to build, test and install it
//! NAME/.gitignore
//! ```
//!
//! hpy-rs is not on crates.io, so the `hpy` dependency is a path: `--hpy-path
//! DIR`, else the `hpy/` directory of the hpy-rs checkout cargo-hpy was
//! built from. The path is absolute; `cargo hpy sdist` copies the crates
//! it names into the sdist ([`crate::project::vendor`]), so the sdist builds
//! anywhere. `[features] universal = ["hpy/universal"]` makes `cargo build
//! --features universal` build the universal binary.

use std::fs;
use std::path::{Path, PathBuf};

use crate::command::args::NewCommand;
use crate::error::Error;
use crate::python::module_name_problem;

/// The `hpy/` crate of the checkout this cargo-hpy was built from.
fn built_in_hpy_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("hpy")
}

/// Where the new project gets hpy-rs from.
#[derive(Debug, Clone, PartialEq)]
enum HpySource {
    /// The `hpy/` directory of a checkout (absolute): a path dependency.
    Path(PathBuf),
    /// The crates the hpy-rs-build wheel carries (`hpy_rs_build/crates/`,
    /// each as `cargo package` made it): the dependency is the versioned
    /// one a release will take from crates.io, and `[patch.crates-io]`
    /// points each crate at its copy in the wheel.
    Wheel {
        /// `hpy-rs`'s version.
        version: String,
        /// Package name and absolute directory of every crate.
        crates: Vec<(String, PathBuf)>,
    },
}

/// Runs `cargo hpy new`.
pub fn new(args: &NewCommand) -> Result<(), Error> {
    let dir = &args.path;
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::NoProjectName { path: dir.clone() })?
        .to_owned();
    let module = name.replace('-', "_");
    if let Some(problem) = module_name_problem(&module) {
        return Err(Error::NewName { name, problem });
    }
    if dir.exists() {
        return Err(Error::DestinationExists { path: dir.clone() });
    }
    let hpy = hpy_source(args.hpy_path.as_deref())?;
    for (rel, text) in files(&name, &module, &hpy, args.class) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        fs::write(&path, text).map_err(|e| Error::io("write", &path, e))?;
    }
    eprintln!(
        "cargo-hpy: created `{name}` (module `{module}`{}) in {}\n\
         next: cd {} && cargo hpy build   (see its README.md)",
        if args.class { ", with a class" } else { "" },
        dir.display(),
        dir.display()
    );
    Ok(())
}

/// The package name and version of the crate in `dir`, if it has a manifest.
fn package_of(dir: &Path) -> Option<(String, String)> {
    let text = fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let table = toml::from_str::<toml::Table>(&text).ok()?;
    let package = table.get("package")?;
    let name = package.get("name")?.as_str()?.to_owned();
    let version = package
        .get("version")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_owned();
    Some((name, version))
}

/// The `hpy_rs_build/crates/` directory of the wheel this cargo-hpy was
/// installed from: next to the binary inside the package
/// (`hpy_rs_build/bin/cargo-hpy`), or, for the copy pip puts on PATH
/// (`PREFIX/bin/cargo-hpy`), in `PREFIX/lib/python3.*/site-packages/`.
fn wheel_crates_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?;
    let prefix = bin.parent()?;
    let mut candidates = vec![prefix.join("crates")];
    if let Ok(entries) = fs::read_dir(prefix.join("lib")) {
        let mut libs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        libs.sort();
        candidates.extend(
            libs.iter()
                .map(|lib| lib.join("site-packages/hpy_rs_build/crates")),
        );
    }
    candidates.into_iter().find(|dir| dir.is_dir())
}

/// The crates of a wheel's `crates/` directory, if `hpy-rs` is among them.
fn wheel_source(crates_dir: &Path) -> Option<HpySource> {
    let mut crates = Vec::new();
    let mut version = None;
    let mut entries: Vec<PathBuf> = fs::read_dir(crates_dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for dir in entries {
        if let Some((name, crate_version)) = package_of(&dir) {
            if name == crate::project::HPY_PACKAGE {
                version = Some(crate_version);
            }
            crates.push((name, fs::canonicalize(&dir).ok()?));
        }
    }
    Some(HpySource::Wheel {
        version: version?,
        crates,
    })
}

/// Where hpy-rs comes from: `--hpy-path`, else the wheel's crates, else
/// the checkout cargo-hpy was built from.
fn hpy_source(explicit: Option<&Path>) -> Result<HpySource, Error> {
    if explicit.is_none() {
        if let Some(source) = wheel_crates_dir().as_deref().and_then(wheel_source) {
            return Ok(source);
        }
    }
    hpy_path(explicit).map(HpySource::Path)
}

/// The absolute path of the `hpy` crate, checked to be it.
fn hpy_path(explicit: Option<&Path>) -> Result<PathBuf, Error> {
    let candidate = explicit
        .map(Path::to_path_buf)
        .unwrap_or_else(built_in_hpy_path);
    let is_hpy =
        package_of(&candidate).is_some_and(|(name, _)| name == crate::project::HPY_PACKAGE);
    if !is_hpy {
        return Err(Error::NotHpyCrate {
            path: candidate.to_path_buf(),
        });
    }
    fs::canonicalize(&candidate).map_err(|e| Error::io("resolve", &candidate, e))
}

/// TOML's basic string for `text` (paths may hold `"` or `\`).
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// The project's files, relative to its directory.
fn files(name: &str, module: &str, hpy: &HpySource, class: bool) -> Vec<(&'static str, String)> {
    let (dependency, patch) = match hpy {
        HpySource::Path(path) => (
            format!(
                "# hpy-rs is not on crates.io yet: a path to the hpy/ directory of an\n\
                 # hpy-rs checkout (package `hpy-rs`, library `hpy`). `cargo hpy sdist`\n\
                 # copies it (and the crates it needs) into the sdist, which then builds\n\
                 # anywhere.\n\
                 hpy = {{ package = \"hpy-rs\", path = {} }}\n",
                toml_string(&path.to_string_lossy())
            ),
            String::new(),
        ),
        HpySource::Wheel { version, crates } => (
            format!(
                "# hpy-rs's `hpy` crate, released as `hpy-rs` (`hpy` on crates.io is\n\
                 # another crate); its library is `hpy`.\n\
                 hpy = {{ package = \"hpy-rs\", version = \"{version}\" }}\n"
            ),
            format!(
                "\n\
                 # hpy-rs is not on crates.io yet: its crates come from the\n\
                 # hpy-rs-build wheel that installed cargo-hpy. Delete this table once\n\
                 # they are published.\n\
                 [patch.crates-io]\n{}",
                crates
                    .iter()
                    .map(|(name, dir)| format!(
                        "{name} = {{ path = {} }}\n",
                        toml_string(&dir.to_string_lossy())
                    ))
                    .collect::<String>()
            ),
        ),
    };
    let lib_name = if module == name {
        String::new()
    } else {
        format!("name = \"{module}\"\n")
    };
    let cargo_toml = format!(
        "[package]\n\
         name = \"{name}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         \n\
         [lib]\n\
         {lib_name}crate-type = [\"cdylib\"]\n\
         \n\
         [dependencies]\n\
         {dependency}\
         \n\
         [features]\n\
         # `cargo build --features universal` builds the HPy universal binary, as\n\
         # `cargo hpy build --universal` does.\n\
         universal = [\"hpy/universal\"]\n\
         \n\
         # A project of its own, even when created inside another workspace.\n\
         [workspace]\n\
         {patch}"
    );
    let (class_use, class_code, class_types, class_test) = if class {
        (
            ", hpy_class, hpy_methods",
            "\n\
             /// A counter that starts at a given value.\n\
             #[hpy_class(module = \"MODULE\")]\n\
             struct Counter {\n\
             \x20   value: i64,\n\
             }\n\
             \n\
             #[hpy_methods]\n\
             impl Counter {\n\
             \x20   #[new]\n\
             \x20   fn new(start: i64) -> Self {\n\
             \x20       Counter { value: start }\n\
             \x20   }\n\
             \n\
             \x20   /// Adds one and returns the new value.\n\
             \x20   fn increment(&mut self) -> i64 {\n\
             \x20       self.value += 1;\n\
             \x20       self.value\n\
             \x20   }\n\
             \n\
             \x20   /// The current value.\n\
             \x20   #[getter]\n\
             \x20   fn value(&self) -> i64 {\n\
             \x20       self.value\n\
             \x20   }\n\
             }\n"
            .replace("MODULE", module),
            "    types: [Counter],\n",
            format!(
                "\n\ndef test_counter():\n\
                 \x20   counter = {module}.Counter(41)\n\
                 \x20   assert counter.increment() == 42\n\
                 \x20   assert counter.value == 42\n"
            ),
        )
    } else {
        ("", String::new(), "", String::new())
    };
    let lib_rs = format!(
        "//! The `{module}` extension module.\n\
         \n\
         #![forbid(unsafe_code)]\n\
         \n\
         use hpy::{{hpy_method, hpy_module{class_use}}};\n\
         \n\
         /// Returns the sum of two integers.\n\
         #[hpy_method]\n\
         fn add(a: i64, b: i64) -> i64 {{\n\
         \x20   a + b\n\
         }}\n\
         \n\
         /// Returns a greeting for `name`.\n\
         #[hpy_method]\n\
         fn greet(name: &str) -> String {{\n\
         \x20   format!(\"Hello, {{name}}!\")\n\
         }}\n\
         {class_code}\n\
         hpy_module! {{\n\
         \x20   /// {module}: written in Rust with hpy-rs.\n\
         \x20   methods: [add, greet],\n\
         {class_types}\
         }}\n"
    );
    let test_py = format!(
        "import {module}\n\
         \n\n\
         def test_add():\n\
         \x20   assert {module}.add(1, 2) == 3\n\
         \n\n\
         def test_greet():\n\
         \x20   assert {module}.greet(\"world\") == \"Hello, world!\"\n\
         {class_test}"
    );
    let pyproject = format!(
        "[build-system]\n\
         # The hpy-rs build backend: its wheel carries cargo-hpy, so `pip install .`\n\
         # needs only Rust (cargo) besides it. Build it with hpy-rs's\n\
         # scripts/build-backend-wheel DIR and let pip find it with\n\
         # `--find-links DIR` (or PIP_FIND_LINKS).\n\
         requires = [\"hpy-rs-build\"]\n\
         build-backend = \"hpy_rs_build\"\n\
         \n\
         [project]\n\
         name = \"{name}\"\n\
         version = \"0.1.0\"\n\
         description = \"The {module} extension module, written in Rust with hpy-rs\"\n\
         readme = \"README.md\"\n\
         # The project's license, as an SPDX expression: change it to yours.\n\
         license = \"MIT\"\n\
         requires-python = \">=3.11\"\n\
         \n\
         [tool.hpy-rs]\n\
         module = \"{module}\"\n"
    );
    let readme = format!(
        "# {name}\n\
         \n\
         A Python extension module, `{module}`, written in Rust with hpy-rs.\n\
         \n\
         ## Build\n\
         \n\
         ```sh\n\
         cargo hpy build                      # CPython ABI: target/hpy/debug/cpython/\n\
         cargo hpy build --universal          # HPy universal ABI: target/hpy/debug/universal/\n\
         cargo build --features universal     # the universal binary, with plain cargo\n\
         cargo hpy develop                    # install into the active virtualenv\n\
         ```\n\
         \n\
         ## Test\n\
         \n\
         ```sh\n\
         PYTHONPATH=target/hpy/debug/cpython python -m pytest tests\n\
         ```\n\
         \n\
         ## Publish\n\
         \n\
         ```sh\n\
         cargo hpy sdist                      # target/sdist/{module}-0.1.0.tar.gz\n\
         cargo hpy wheel --release            # a CPython-ABI wheel in target/wheels/\n\
         cargo hpy wheel --release --universal  # one universal wheel for every Python\n\
         twine check --strict target/sdist/* target/wheels/*\n\
         twine upload target/sdist/* target/wheels/*\n\
         ```\n\
         \n\
         `pip install .` builds it through the `hpy-rs-build` backend (the wheel\n\
         that installed cargo-hpy; `--find-links DIR` when it came from a\n\
         wheelhouse): a CPython-ABI module on CPython and a universal one\n\
         elsewhere (`-C hpy-abi=universal|cpython` chooses).\n\
         \n\
         A universal module loads on PyPy as it is, and on CPython through\n\
         hpy-rs's host, the `hpy-rs-universal` wheel (`pip install\n\
         hpy-rs-universal`, from the same wheelhouse).\n\
         \n\
         hpy-rs is not on crates.io yet: Cargo.toml takes its crates from the\n\
         hpy-rs-build wheel (`[patch.crates-io]`) or from a checkout (a path).\n"
    );
    vec![
        ("Cargo.toml", cargo_toml),
        ("src/lib.rs", lib_rs),
        ("pyproject.toml", pyproject),
        ("README.md", readme),
        (".gitignore", "/target\n__pycache__/\n*.so\n".to_owned()),
        (
            // The file name matters to pytest only; one per project.
            "tests/test_module.py",
            test_py,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_files_are_valid() {
        for class in [false, true] {
            let files = files(
                "my-ext",
                "my_ext",
                &HpySource::Path("/x/\"q\"/hpy".into()),
                class,
            );
            let get = |name: &str| &files.iter().find(|(n, _)| *n == name).unwrap().1;
            let cargo: toml::Table = toml::from_str(get("Cargo.toml")).unwrap();
            assert_eq!(cargo["lib"]["name"].as_str(), Some("my_ext"));
            assert_eq!(
                cargo["dependencies"]["hpy"]["path"].as_str(),
                Some("/x/\"q\"/hpy")
            );
            assert_eq!(
                cargo["dependencies"]["hpy"]["package"].as_str(),
                Some("hpy-rs")
            );
            let pyproject =
                crate::project::parse_pyproject(get("pyproject.toml"), Path::new("p")).unwrap();
            assert_eq!(
                cargo["features"]["universal"].as_array().unwrap()[0].as_str(),
                Some("hpy/universal")
            );
            let project = pyproject.project.unwrap();
            assert_eq!(project.name, "my-ext");
            assert_eq!(project.requires_python.as_deref(), Some(">=3.11"));
            assert_eq!(pyproject.build_system.unwrap().requires, ["hpy-rs-build"]);
            assert_eq!(get("src/lib.rs").contains("struct Counter"), class);
            assert_eq!(
                get("tests/test_module.py").contains("def test_counter"),
                class
            );
        }
    }

    #[test]
    fn wheel_crates_are_a_versioned_dependency_and_patches() {
        let source = HpySource::Wheel {
            version: "0.1.0".into(),
            crates: vec![
                ("hpy-rs".into(), "/w/crates/hpy-rs-0.1.0".into()),
                ("hpy-sys".into(), "/w/crates/hpy-sys-0.1.0".into()),
            ],
        };
        let files = files("demo", "demo", &source, false);
        let cargo: toml::Table = toml::from_str(&files[0].1).unwrap();
        let hpy = &cargo["dependencies"]["hpy"];
        assert_eq!(hpy["version"].as_str(), Some("0.1.0"));
        assert_eq!(hpy.get("path"), None);
        let patch = &cargo["patch"]["crates-io"];
        assert_eq!(
            patch["hpy-sys"]["path"].as_str(),
            Some("/w/crates/hpy-sys-0.1.0")
        );
        assert_eq!(patch.as_table().unwrap().len(), 2);
        let readme = &files.iter().find(|(n, _)| *n == "README.md").unwrap().1;
        for command in ["cargo hpy build", "pytest", "twine upload"] {
            assert!(readme.contains(command), "{command}");
        }
    }

    #[test]
    fn refuses_bad_names_and_a_missing_hpy() {
        let e = new(&NewCommand {
            path: "/nonexistent/1abc".into(),
            class: false,
            hpy_path: None,
        })
        .unwrap_err();
        assert!(e.to_string().contains("cannot name a Python module"), "{e}");
        let e = new(&NewCommand {
            path: "/nonexistent/class".into(),
            class: false,
            hpy_path: None,
        })
        .unwrap_err();
        assert!(e.to_string().contains("`class` is a Python keyword"), "{e}");
        let e = hpy_path(Some(Path::new("/nonexistent"))).unwrap_err();
        assert!(e.to_string().contains("--hpy-path"), "{e}");
        assert!(hpy_path(None).is_ok(), "this checkout's hpy/ is found");
    }

    /// The design card's `cargo build --features universal` works in every
    /// example, as in every project `new` makes.
    #[test]
    fn every_example_has_the_universal_feature() {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut seen = 0;
        for entry in fs::read_dir(&examples).unwrap() {
            let manifest = entry.unwrap().path().join("Cargo.toml");
            let Ok(text) = fs::read_to_string(&manifest) else {
                continue;
            };
            let cargo: toml::Table = toml::from_str(&text).unwrap();
            let feature = cargo
                .get("features")
                .and_then(|f| f.get("universal"))
                .and_then(|u| u.as_array());
            assert_eq!(
                feature.map(|f| f.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>()),
                Some(vec!["hpy/universal"]),
                "{} needs `universal = [\"hpy/universal\"]` in [features]",
                manifest.display()
            );
            seen += 1;
        }
        assert!(
            seen >= 6,
            "only {seen} examples found in {}",
            examples.display()
        );
    }
}
