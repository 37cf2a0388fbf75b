"""The user guide (docs/guide/, an mdBook) is tested as it is printed.

- Every ```python block of a chapter runs here, in a namespace of its own,
  against the example modules this harness builds (``hello``, ``pof``,
  ``stats``): the blocks are written as assertions, so a block whose
  module behaves otherwise fails. They run once, on CPython 3.11 in
  ``--hpy-mode=cpython`` (the guide's examples do not depend on the mode;
  the modules themselves are tested in every mode by their own files).
- Every ```rust block is compiled by ``cargo test --doc -p hpy-rs``
  (hpy/src/lib.rs, ``user_guide``: one item per chapter). This file checks
  that the harness names exactly the book's chapters, and that every fence
  says what it is, so that no Rust block escapes the doctests unnoticed.
"""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "docs" / "guide" / "src"
LIB_RS = ROOT / "hpy" / "src" / "lib.rs"
LINKED = ROOT / "hpy" / "guides" / "book"

# The modules the guide's Python blocks may import from this harness's
# builds; anything else they import must be the standard library's.
GUIDE_MODULES = {"hello", "pof", "stats"}

# Info strings a fence may carry. Rust blocks are doctests (rustdoc's own
# attributes); `ignore` only for code of another library (PyO3), shown
# beside ours.
RUST_KINDS = {"rust", "rust,no_run", "rust,compile_fail"}
IGNORED_RUST = {"coming-from-pyo3.md": 1}
OTHER_KINDS = {"python", "sh", "toml", "c", "text"}


def _chapters():
    """The chapter files SUMMARY.md links, in order."""
    summary = (BOOK / "SUMMARY.md").read_text(encoding="utf-8")
    return re.findall(r"\]\(([a-z0-9-]+\.md)\)", summary)


def _fences(text):
    """``(info, code, line)`` of each fenced block of a Markdown text."""
    blocks = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)```(.*)$", lines[i])
        if not m:
            i += 1
            continue
        indent, info, start = len(m.group(1)), m.group(2).strip(), i + 1
        i += 1
        body = []
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][indent:])
            i += 1
        if i == len(lines):
            raise AssertionError(f"unclosed fence at line {start}")
        blocks.append((info, "\n".join(body) + "\n", start))
        i += 1
    return blocks


def _python_blocks():
    params = []
    for chapter in _chapters():
        blocks = _fences((BOOK / chapter).read_text(encoding="utf-8"))
        python = [(code, line) for info, code, line in blocks if info == "python"]
        for n, (code, line) in enumerate(python, 1):
            params.append(pytest.param(chapter, line, code, id=f"{chapter}#{n}"))
    return params


@pytest.fixture
def _once_on_311(hpy_mode):
    if sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11):
        pytest.skip("the guide's blocks run once, with CPython 3.11 "
                    f"(this is {sys.implementation.name} {sys.version_info[0]}."
                    f"{sys.version_info[1]})")
    if hpy_mode != "cpython":
        pytest.skip(f"the guide's blocks run once, in --hpy-mode=cpython (this run: {hpy_mode})")


def test_book_chapters_are_the_doctested_ones(_once_on_311):
    chapters = _chapters()
    assert chapters, "SUMMARY.md links no chapter"
    assert len(set(chapters)) == len(chapters), "a chapter is listed twice in SUMMARY.md"
    files = sorted(p.name for p in BOOK.glob("*.md") if p.name != "SUMMARY.md")
    assert sorted(chapters) == files, "SUMMARY.md and the chapter files of docs/guide/src differ"
    lib = LIB_RS.read_text(encoding="utf-8")
    harness = lib[lib.index("pub mod user_guide"):]
    doctested = re.findall(r'= "([a-z0-9-]+\.md)"', harness)
    assert sorted(doctested) == files, (
        "hpy/src/lib.rs's user_guide must include every chapter of docs/guide/src once")
    for name in files:
        link = LINKED / name
        assert link.resolve() == (BOOK / name).resolve(), f"{link} must link to {BOOK / name}"


def test_every_fence_says_what_it_is(_once_on_311):
    ignored = {}
    for chapter in _chapters():
        for info, _, line in _fences((BOOK / chapter).read_text(encoding="utf-8")):
            where = f"{chapter}:{line}"
            if info == "rust,ignore":
                ignored[chapter] = ignored.get(chapter, 0) + 1
                continue
            assert info in RUST_KINDS | OTHER_KINDS, (
                f"{where}: fence '```{info}': a Rust block is compiled as a doctest "
                f"({', '.join(sorted(RUST_KINDS))}); others need one of "
                f"{', '.join(sorted(OTHER_KINDS))}")
    assert ignored == IGNORED_RUST, (
        "`rust,ignore` is kept for other libraries' code (PyO3's, shown beside ours); "
        f"found {ignored}")


# Top-level imports only: a block may define a function (a pytest test, a
# helper for debug mode) whose body imports a module that only a reader's
# project has; such a body is compiled here, not run.
_IMPORT = re.compile(r"^(?:import|from)\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)


@pytest.mark.parametrize("chapter,line,code", _python_blocks())
def test_python_block(_once_on_311, hpy_ext, chapter, line, code):
    # Build and import (once per session) the example modules the block
    # uses; its own `import` statements then find them in sys.modules.
    for name in sorted(set(_IMPORT.findall(code)) & GUIDE_MODULES):
        hpy_ext(name)
    namespace = {"__name__": f"guide_{chapter[:-3].replace('-', '_')}"}
    exec(compile("\n" * (line - 1) + code, str(BOOK / chapter), "exec"), namespace)
