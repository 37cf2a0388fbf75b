"""Facts in the documentation that a test can check: every relative link and
every backticked repository path in the Markdown files names something that
exists, every `#anchor` names a heading, the README lists every example and
CONTRIBUTING.md every script, each line count written next to its
`scripts/count-lines` command is what the command prints, and BENCHMARKS.md
is what bench/report.py renders from the recorded results.

The files: README.md, CONTRIBUTING.md, ARCHITECTURE.md, BENCHMARKS.md,
docs/*.md, docs/perf/*.md, examples/*/README.md and the README.md and
DESIGN.md of every workspace crate. Pure Python and fast; it does not
depend on the interpreter or the mode, so it runs once per CI, in CPython
3.11's ``--hpy-mode=cpython`` run (the others skip it, saying so).
"""

import functools
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


RUNS_ONCE = ("the documentation is checked", "it does not depend on the interpreter")
VERSION_INDEPENDENT = True
pytestmark = pytest.mark.usefixtures("only_once")


def markdown_files():
    members = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["members"]
    files = [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
    files += sorted((ROOT / "docs").glob("*.md"))
    files += sorted((ROOT / "docs" / "perf").glob("*.md"))
    files += [p for p in (ROOT / "ARCHITECTURE.md", ROOT / "BENCHMARKS.md") if p.exists()]
    files += sorted((ROOT / "examples").glob("*/README.md"))
    files += [ROOT / m / name for m in members for name in ("README.md", "DESIGN.md")
              if not m.startswith("examples/") and (ROOT / m / name).exists()]
    return files


MARKDOWN = markdown_files()
IDS = [str(p.relative_to(ROOT)) for p in MARKDOWN]

FENCE = re.compile(r"^\s*(```|~~~)")
LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
# A code span may run over a line break, not over a blank line.
CODE_SPAN = re.compile(r"`((?:[^`\n]|\n(?!\s*\n))+)`")


def prose(path):
    """The file's text with its fenced code blocks blanked out (lines kept,
    so that offsets still give line numbers)."""
    inside, lines = False, []
    for line in path.read_text().split("\n"):
        fence = FENCE.match(line)
        lines.append("" if inside or fence else line)
        if fence:
            inside = not inside
    return "\n".join(lines)


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


@functools.lru_cache(maxsize=None)
def headings(path):
    """The anchors of a Markdown file's headings, as GitHub makes them."""
    seen, anchors = {}, set()
    for line in prose(path).split("\n"):
        m = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", m.group(1))
        slug = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


def link_problems(path):
    problems = []
    # Code spans may hold brackets and parentheses that are not links.
    text = CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), prose(path))
    for m in LINK.finditer(text):
        target = m.group(1)
        where = f"{path.relative_to(ROOT)}:{line_of(text, m.start())}: ({target})"
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            # https:, mailto:, and rustdoc's intra-doc links (crate::Type),
            # which rustdoc resolves where the guides are included.
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            problems.append(f"{where}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in headings(linked):
            problems.append(f"{where}: no heading #{anchor} in {linked.relative_to(ROOT)}")
    return problems


# Top-level entries of the repository whose names are only directories: a
# backticked `docs/...` is a path. A crate's directory (`hpy/`) is also a
# crate name, and `hpy/universal` a cargo feature, so under those only a
# token that ends in `/` or whose last part has a dot (`hpy/src/lib.rs`)
# counts as a path.
PLAIN_DIRS = {"docs", "scripts", "tests", "examples", "bench", "pep517", ".ci"}
PLACEHOLDER = re.compile(r"[<>{}$]|\.\.\.|…|\bNAME\b|\bX\b|3\.1X|\bVER\b|\bTAG\b|\bPKG\b")


def path_tokens(span):
    for token in span.split():
        token = token.strip("\"',;:()[]").split("::")[0]
        if token.startswith(("/", "~")):
            continue
        token = re.sub(r"^\./", "", token)
        top, _, rest = token.partition("/")
        if not rest or PLACEHOLDER.search(token) or "=" in token:
            continue
        crate_dir = (ROOT / top / "Cargo.toml").exists()
        if top in PLAIN_DIRS:
            yield token
        elif crate_dir and (token.endswith("/") or "." in token.rsplit("/", 1)[-1]):
            yield token
        elif token.endswith(".md") and not crate_dir and (ROOT / top).is_dir():
            yield token


def path_problems(path):
    problems = []
    text = prose(path)
    for m in CODE_SPAN.finditer(text):
        for token in path_tokens(m.group(1)):
            bases = [ROOT, path.parent]
            found = any(list(base.glob(token.rstrip("/"))) if "*" in token
                        else (base / token).exists() for base in bases)
            if not found:
                problems.append(f"{path.relative_to(ROOT)}:{line_of(text, m.start())}: "
                                f"`{token}` does not exist")
    return problems


@pytest.mark.parametrize("path", MARKDOWN, ids=IDS)
def test_relative_links_and_anchors_resolve(path):
    problems = link_problems(path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", MARKDOWN, ids=IDS)
def test_backticked_repository_paths_exist(path):
    problems = path_problems(path)
    assert not problems, "\n".join(problems)


def test_the_checks_see_broken_references(tmp_path):
    # The two checkers flag what they are for (a checker that finds nothing
    # would pass every file).
    fake = ROOT / "docs" / "no-such-page.md"
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[a](../nowhere.md) [b](#title) [c](#missing)\n"
                    "`scripts/no-such-script` `docs/classes.md` `hpy/universal`\n"
                    "```sh\n[d](nowhere.md) `scripts/inside-a-fence`\n```\n")
    moved = ROOT / "docs" / page.name
    assert not moved.exists() and not fake.exists()
    try:
        moved.write_text(page.read_text())
        links = link_problems(moved)
        paths = path_problems(moved)
    finally:
        moved.unlink()
    assert [p.split(": ", 1)[1] for p in links] == [
        "(../nowhere.md): no such file", "(#missing): no heading #missing in docs/page.md"]
    assert [p.split(": ", 1)[1] for p in paths] == ["`scripts/no-such-script` does not exist"]


COUNT_ROW = re.compile(r"\|\s*([\d,]+)\s*\|\s*`(scripts/count-lines [^`]+)`\s*\|")
# Files whose line counts are written next to their command.
COUNTED = ["docs/porting-rpds.md", "docs/port-kiwisolver.md", "docs/port-xxhash.md",
           "examples/stats/README.md"]


def count_claims():
    return [(str(p.relative_to(ROOT)), int(n.replace(",", "")), command)
            for p in MARKDOWN for n, command in COUNT_ROW.findall(p.read_text())]


def test_every_port_writes_its_count_next_to_the_command():
    files = {f for f, _, _ in count_claims()}
    assert set(COUNTED) <= files, f"no `| N | `scripts/count-lines ...` |` row in " \
                                  f"{sorted(set(COUNTED) - files)}"


@pytest.mark.parametrize("doc,claimed,command", count_claims(),
                         ids=[f"{f}:{c.split()[-1]}" for f, _, c in count_claims()])
def test_line_counts_match_the_command(doc, claimed, command):
    out = subprocess.run(["bash", "-c", command], cwd=ROOT, check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    printed = int(out.strip().splitlines()[-1].split()[0])
    assert printed == claimed, f"{doc} says {claimed}; `{command}` prints {printed}"


def table_rows(path, heading):
    """The first cells of the table under a level-2 heading."""
    text = path.read_text()
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [line.split("|")[1] for line in section.splitlines() if line.startswith("| ")]


def test_readme_lists_every_example():
    listed = " ".join(table_rows(ROOT / "README.md", "Examples"))
    missing = [d.name for d in sorted((ROOT / "examples").iterdir())
               if d.is_dir() and f"`{d.name}`" not in listed]
    assert not missing, f"README.md's Examples table does not list {missing}"


def test_contributing_lists_every_script():
    listed = " ".join(table_rows(ROOT / "CONTRIBUTING.md", "Scripts"))
    text = (ROOT / "CONTRIBUTING.md").read_text()
    missing = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "scripts").rglob("*"))
               if p.is_file() and "__pycache__" not in p.parts
               and f"`{p.relative_to(ROOT)}`" not in (listed if p.parent.name == "scripts"
                                                      else text)]
    assert not missing, f"CONTRIBUTING.md's Scripts table does not list {missing}"


def test_readme_lists_every_guide():
    listed = " ".join(table_rows(ROOT / "README.md", "Guides"))
    missing = [p.name for p in sorted((ROOT / "docs").glob("*.md"))
               if f"(docs/{p.name})" not in listed]
    assert not missing, f"README.md's Guides table does not link {missing}"


def test_benchmarks_md_is_rendered_from_the_recorded_results(tmp_path):
    """BENCHMARKS.md and bench/chart.svg are what bench/report.py renders
    from bench/results/ (no hand edits), and the page fits on a screen."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import report
    finally:
        sys.path.remove(str(ROOT / "bench"))
    page, chart = tmp_path / "BENCHMARKS.md", tmp_path / "chart.svg"
    report.write_rendered(str(ROOT / "bench" / "results"), str(page), str(chart))
    for rendered, committed in ((page, ROOT / "BENCHMARKS.md"),
                                (chart, ROOT / "bench" / "chart.svg")):
        assert rendered.read_text() == committed.read_text(), (
            f"{committed.relative_to(ROOT)} is not what `python3 bench/report.py render` "
            "writes from bench/results/: run it (and commit both)")
    lines = page.read_text().count("\n")
    assert lines <= 100, f"BENCHMARKS.md has {lines} lines; it should fit on one screen"



def test_bench_readme_lists_every_entry():
    """bench/README.md names every file and folder at the top of bench/
    (those git keeps), as `name` or `name/`."""
    tracked = subprocess.run(["git", "ls-files", "bench"], cwd=ROOT, capture_output=True,
                             text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout: cannot tell bench/'s tracked entries")
    entries = sorted({Path(p).parts[1] for p in tracked.stdout.splitlines()})
    text = (ROOT / "bench" / "README.md").read_text()
    missing = [e for e in entries if e != "README.md"
               and f"`{e}`" not in text and f"`{e}/`" not in text]
    assert not missing, f"bench/README.md does not list {missing}"
