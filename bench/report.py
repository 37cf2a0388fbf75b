"""Turns the benchmarks' results into BENCHMARKS.md and bench/chart.svg.

``report.py record --results DIR`` (bench/run) reads a run's raw results,
writes every table to DIR/details.md and what BENCHMARKS.md shows to
bench/results/calls.json; bench/real-workloads records
bench/results/real-workloads.json. ``report.py render`` (also the last step
of ``record``) writes BENCHMARKS.md, one screen, and the chart from
bench/results/ alone, so the page is a function of the committed results
(tests/python/test_docs_facts.py checks it). The analysis of the numbers
lives in docs/perf/.
"""

import argparse
import datetime
import glob
import json
import math
import os
import platform
import re
import statistics
import subprocess

import workloads

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CAPI = "C API"
HPYC_CPY = "C HPy (CPython ABI)"
HPYC_UNI = "C HPy (universal)"
RS_CPY = "hpy-rs (CPython ABI)"
RS_UNI = "hpy-rs (universal)"
# The same universal binaries loaded through hpy-rs's host (the labels above
# without "hpy_rs_universal" load through hpy.universal).
HPYC_HOST = "C HPy (universal, hpy_rs_universal)"
RS_HOST = "hpy-rs (universal, hpy_rs_universal)"
HOST = "hpy_rs_universal"
# The same binaries again through each host's debug mode.
HPYC_DEBUG = "C HPy (debug)"
RS_DEBUG = "hpy-rs (debug)"
HPYC_HOST_DEBUG = "C HPy (debug, hpy_rs_universal)"
RS_HOST_DEBUG = "hpy-rs (debug, hpy_rs_universal)"
STOCK = "hpy.universal"
PYO3 = "PyO3"
PYO3_PP = "PyO3 (cpyext)"
LOOP = "loop only"
CAPI_PP = "C API (cpyext)"
# Which tables each row goes to (workloads.Row.group); a row the workloads
# no longer have counts as a call-overhead row.
GROUPS = {row.name: row.group for rows in workloads.SUITES.values() for row in rows}


def in_group(rows, group):
    return [r for r in rows if GROUPS.get(r, "overhead") == group]


def load_json(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def medians(timing):
    """{row: {label: median ns/op}} from a harness `time` output."""
    if timing is None:
        return {}
    return {
        row: {label: statistics.median(samples) for label, samples in per.items()}
        for row, per in timing["results"].items()
    }


def callgrind_totals(path):
    with open(path) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    raise ValueError("no totals in %s" % path)


def callgrind_files(results, prefix="callgrind"):
    """The harness outputs of one interpreter's callgrind processes:
    ``callgrind.I.json`` (CPython 3.11), ``callgrind-3.14.I.json``, ..."""
    return sorted(glob.glob(os.path.join(results, prefix + ".[0-9]*.json")))


def callgrind_counts(results, prefix="callgrind"):
    """{row: {label: instructions/op}}: (I(2N) - I(N)) / N per row."""
    counts = {}
    for seg_file in callgrind_files(results, prefix):
        base = seg_file[: -len(".json")] + ".out"
        info = load_json(seg_file)
        if not info:
            continue
        dumps = info["dumps"]
        segments = {}
        # File base.j holds what ran before the j-th marker, dumps[j - 1];
        # the file without a number holds what ran after the last one.
        for j, what in enumerate(dumps, start=1):
            path = "%s.%d" % (base, j) if j < len(dumps) else base
            if what == "other":
                continue
            row, label, count = what
            segments[row, label, count] = callgrind_totals(path)
        # A row runs N // its divisor times, then twice that (workloads.Row).
        runs = {}
        for (row, label, count), total in segments.items():
            runs.setdefault((row, label), {})[count] = total
        for (row, label), totals in runs.items():
            k = min(totals)
            if 2 * k in totals:
                # Whole instructions: what is left after the subtraction is
                # one-off work (a dict resize, a GC pass) spread over N, which
                # leaves fractions that differ between otherwise equal rows in
                # quick mode's small N.
                counts.setdefault(row, {})[label] = round((totals[2 * k] - totals[k]) / k)
    return counts


def geomean(values):
    values = [v for v in values if v and v > 0]
    if not values:
        return float("nan")
    return math.exp(sum(math.log(v) for v in values) / len(values))


def fmt(value, digits=0):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return "%.*f" % (digits, value)


def ratio(value, base):
    if value is None or not base:
        return None
    return value / base


def table(rows, labels, data, baseline, digits=0, ratio_digits=2):
    """Markdown table: value and ratio to the baseline label for each cell."""
    lines = [
        "| row | " + " | ".join(labels) + " |",
        "|---|" + "---:|" * len(labels),
    ]
    for row in rows:
        per = data.get(row, {})
        base = per.get(baseline)
        cells = []
        for label in labels:
            v = per.get(label)
            if v is None:
                cells.append("–")
            elif label == baseline or row == LOOP:
                cells.append(fmt(v, digits))
            else:
                cells.append("%s (%s×)" % (fmt(v, digits), fmt(ratio(v, base), ratio_digits)))
        lines.append("| `%s` | %s |" % (row, " | ".join(cells)))
    return "\n".join(lines)


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores, Linux %s" % (cpu, os.cpu_count() or 0, platform.release())


def versions(cp_version, pp_version, cp314_version):
    lock = open(os.path.join(ROOT, "bench", "pyo3", "Cargo.lock")).read()
    pyo3 = re.search(r'name = "pyo3"\nversion = "([^"]+)"', lock)
    commit = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    return [
        ("hpy-rs", "commit %s" % commit),
        ("CPython", cp_version or "?"),
        ("CPython 3.14", cp314_version or "not measured"),
        ("PyPy", pp_version or "not measured"),
        ("HPy", "0.9.0 (hpy.devel for the C HPy modules, hpy.universal to load universal "
                "binaries on CPython 3.11; hpy-rs's CPython ABI has hpy-sys's own runtime, "
                "and hpy_rs_universal (hpy-universal/) is hpy-rs's host of universal "
                "binaries; PyPy has its own built-in HPy)"),
        ("PyO3", pyo3.group(1) if pyo3 else "?"),
        ("rustc", run(["rustc", "--version"])),
        ("gcc", run(["gcc", "--version"]).split("\n")[0]),
        ("valgrind", run(["valgrind", "--version"])),
    ]


def check(ok):
    return "met" if ok else "**missed**"


def target_rows(title, num, den, limit, data, rows):
    """A target checked row by row: markdown lines, and the number of rows
    that miss it."""
    out = ["**%s**" % title, "", "| row | %s | %s | ratio | |" % (num, den)]
    out.append("|---|---:|---:|---:|---|")
    misses = 0
    for row in rows:
        a = data.get(row, {}).get(num)
        b = data.get(row, {}).get(den)
        if a is None or b is None:
            out.append("| `%s` | %s | %s | – | not measured |" % (row, fmt(a), fmt(b)))
            continue
        r = a / b
        misses += r > limit
        out.append("| `%s` | %s | %s | %.3f | %s |" % (row, fmt(a), fmt(b), r, check(r <= limit)))
    out += ["", "%d of %d rows miss." % (misses, len(rows)), ""]
    return out, misses


# Target 2, also checked on CPython 3.14.
CAPI_TARGET = (
    "CPython ABI hpy-rs never slower than the C API (instructions, "
    "same calling convention on every row; callgrind counts repeat "
    "exactly, so no allowance)"
)


def host_pairs():
    """(binary, label through hpy.universal, label through hpy_rs_universal)."""
    return (("C HPy", HPYC_UNI, HPYC_HOST), ("hpy-rs", RS_UNI, RS_HOST))


def debug_pairs():
    """As ``host_pairs``, through each host's debug mode."""
    return (("C HPy", HPYC_DEBUG, HPYC_HOST_DEBUG), ("hpy-rs", RS_DEBUG, RS_HOST_DEBUG))


def host_misses(instr, rows, pairs=None):
    """Rows × binaries where hpy_rs_universal costs more than hpy.universal
    (``pairs``: ``host_pairs()`` unless given), and how many pairs were
    compared."""
    misses = compared = 0
    for row in rows:
        per = instr.get(row, {})
        for _, stock, host in pairs or host_pairs():
            if per.get(stock) and per.get(host) is not None:
                compared += 1
                misses += per[host] > per[stock]
    return misses, compared


def targets(instr, cp_ns, pp_ns, cp_rk4, pp_rk4, overhead_rows, instr314):
    """The project's performance targets, row by row. Returns markdown lines."""
    out = []
    rows = [r for r in overhead_rows if r != LOOP]

    def per_row(title, num, den, limit, data):
        out.extend(target_rows(title, num, den, limit, data, rows)[0])

    if instr:
        per_row(
            "1. CPython ABI hpy-rs ≤ 1.02× the instructions of C HPy (CPython ABI)",
            RS_CPY, HPYC_CPY, 1.02, instr,
        )
        per_row("2. " + CAPI_TARGET, RS_CPY, CAPI, 1.0, instr)
        per_row(
            "3. Universal hpy-rs ≤ 1.02× the instructions of C HPy (universal)",
            RS_UNI, HPYC_UNI, 1.02, instr,
        )
        per_row(
            "4a. CPython ABI hpy-rs uses fewer instructions than PyO3 on every row",
            RS_CPY, PYO3, 0.9999, instr,
        )
        g = geomean([instr[r].get(RS_UNI, 0) / instr[r][PYO3] for r in rows if instr.get(r, {}).get(PYO3)])
        out.append(
            "**4b. Universal hpy-rs uses fewer instructions than PyO3 on the "
            "geometric mean of the rows**: %.3f× — %s" % (g, check(g < 1))
        )
        out.append("")
        misses, compared = host_misses(instr, rows)
        if compared:
            out.append(
                "**6. A universal binary loaded through hpy_rs_universal ≤ 1.00× the "
                "instructions of the same binary through hpy.universal (CPython 3.11; "
                "C HPy's and hpy-rs's `simple`)**: %s — %d of %d rows miss; table in "
                "[Universal binaries through hpy_rs_universal]"
                "(#universal-binaries-through-hpy_rs_universal)."
                % (check(misses == 0), misses, compared)
            )
            out.append("")
        misses, compared = host_misses(instr, rows, debug_pairs())
        if compared:
            out.append(
                "**6b. Debug mode: a universal binary through hpy_rs_universal's debug "
                "mode ≤ 1.00× the instructions of hpy.universal's debug mode (CPython "
                "3.11)**: %s — %d of %d rows miss; table in "
                "[Debug mode](#debug-mode-hpy_rs_universal-against-hpyuniversal)."
                % (check(misses == 0), misses, compared)
            )
            out.append("")
    if instr314:
        misses = target_rows("", RS_CPY, CAPI, 1.0, instr314, rows)[1]
        out.append(
            "**2 on CPython 3.14 (CPython ABI hpy-rs ≤ 1.00× the C API's instructions)**: "
            "%s — %d of %d rows miss; table in [CPython 3.14](#cpython-314)."
            % (check(misses == 0), misses, len(rows))
        )
        out.append("")
        misses, compared = host_misses(instr314, rows)
        if compared:
            out.append(
                "**6 on CPython 3.14 (hpy_rs_universal ≤ 1.00× hpy.universal, where "
                "`hpy==0.9.0` compiles for 3.14; its class rows crash, so only the "
                "rows it runs)**: %s — %d of %d rows miss." % (check(misses == 0), misses, compared)
            )
            out.append("")
    if pp_ns:
        per_row(
            "5a. PyPy: hpy-rs (universal) within 1.10× of C HPy (universal), ns/op",
            RS_UNI, HPYC_UNI, 1.10, pp_ns,
        )
        speedups = [
            pp_ns[r][PYO3_PP] / pp_ns[r][RS_UNI]
            for r in rows
            if pp_ns.get(r, {}).get(PYO3_PP) and pp_ns[r].get(RS_UNI)
        ]
        g = geomean(speedups)
        out.append(
            "**5b. PyPy: hpy-rs (universal) ≥ 3× faster than PyO3 (cpyext), "
            "geometric mean over the call-overhead rows**: %.2f× — %s" % (g, check(g >= 3))
        )
        out.append("")
        rk = pp_rk4.get("RK4 step", {})
        if rk.get(RS_UNI) and rk.get(PYO3_PP):
            s = rk[PYO3_PP] / rk[RS_UNI]
            out.append(
                "**5c. PyPy: hpy-rs (universal) ≥ 3× faster than PyO3 (cpyext) on "
                "RK4**: %.2f× (%.0f vs %.0f ns/step) — %s" % (s, rk[RS_UNI], rk[PYO3_PP], check(s >= 3))
            )
            out.append("")
    return out


def convert_targets(rows, instr, pp_ns):
    """Issue 13's targets for the conversion rows, row by row. Markdown
    lines."""
    out = []
    if instr:
        out.extend(target_rows(
            "7a. Conversions: CPython ABI hpy-rs uses fewer instructions than PyO3 on "
            "every row", RS_CPY, PYO3, 0.9999, instr, rows)[0])
        out.extend(target_rows(
            "7b. Conversions: CPython ABI hpy-rs ≤ 1.10× the instructions of the C API",
            RS_CPY, CAPI, 1.10, instr, rows)[0])
    if pp_ns:
        out.extend(target_rows(
            "7c. Conversions on PyPy: hpy-rs (universal) ≥ 2× faster than PyO3 (cpyext) "
            "on every row (ratio hpy-rs / PyO3 ≤ 0.50; ns/op)",
            RS_UNI, PYO3_PP, 0.50, pp_ns, rows)[0])
    return out


def section_convert(rows, instr, cp_ns, instr314, cp314_ns, pp_ns, cp_version, cp314_version):
    """The conversion rows: every interpreter's numbers. Markdown lines."""
    out = ["## Conversions", ""]
    out.append(
        "The conversion rows (what `bench/README.md` calls the conversion "
        "workload): `list[float]` → `Vec<f64>` summed, `Vec<f64>` → `list`, `&str` in "
        "and `String` out, a 100-item dict built from Rust, a `ValueError` raised and "
        "caught by the loop, and a call with keyword-only arguments and a default. "
        "The C API module does the same work by hand; C HPy has no conversion rows. "
        "Targets 7a-7c above."
    )
    out.append("")
    labels = [CAPI, RS_CPY, RS_UNI, RS_HOST, PYO3]
    for title, data, digits, what in (
        ("CPython %s, instructions per iteration" % (cp_version or "3.11"), instr, 0,
         "callgrind, `(I(2N) - I(N)) / N` (N divided by 20 for the 1000-item rows and "
         "by 5 for the dict)"),
        ("CPython %s, median ns/op" % (cp_version or "3.11"), cp_ns, 1, "wall-clock, noisy"),
        ("CPython %s, instructions per iteration" % (cp314_version or "3.14"), instr314, 0,
         "callgrind, as on 3.11"),
        ("CPython %s, median ns/op" % (cp314_version or "3.14"), cp314_ns, 1,
         "wall-clock, noisy"),
    ):
        if not any(r in data for r in rows):
            continue
        present = [l for l in labels if any(l in data.get(r, {}) for r in rows)]
        out.append("**%s** (%s); ratio to the C API in parentheses." % (title, what))
        out.append("")
        out.append(table(rows, present, data, CAPI, digits=digits))
        out.append("")
    if any(r in pp_ns for r in rows):
        out.append(
            "**PyPy, median ns/op**; ratio to hpy-rs (universal) in parentheses (the C API "
            "and PyO3 modules through cpyext)."
        )
        out.append("")
        out.append(table(rows, [RS_UNI, CAPI_PP, PYO3_PP], pp_ns, RS_UNI, digits=1))
        out.append("")
    return out


def section_314(rows, version, source, ns, instr, notes, results):
    """The CPython 3.14 section: the CPython ABI (the C-API module, hpy-rs,
    and C HPy where it runs) and the universal binaries through
    hpy_rs_universal. Markdown lines."""
    out = ["## CPython 3.14", ""]
    measured = list(instr.values()) + list(ns.values())
    labels = [l for l in (CAPI, HPYC_CPY, RS_CPY, HPYC_HOST, RS_HOST)
              if any(l in per for per in measured)]
    out.append(
        "CPython %s%s; extensions built for it: the C-API module with setuptools, "
        "hpy-rs with `cargo-hpy hpy build --release` (`HPY_PYTHON` set to it; "
        "hpy-sys's own CPython runtime), C HPy with `hpy.devel` 0.9.0 where it "
        "installs and runs; and the universal binaries measured on 3.11 (C HPy's "
        "built with 3.11's `hpy.devel`), loaded through `hpy_rs_universal` built "
        "for 3.14 (against `hpy.universal`, where it compiles for 3.14: "
        "[Universal binaries through hpy_rs_universal]"
        "(#universal-binaries-through-hpy_rs_universal)). Same rows and method as "
        "on 3.11."
        % (version or "3.14", " (from `%s`)" % source if source else "")
    )
    out.append("")
    for label in (HPYC_CPY,):
        for reason in notes.get(label, []):
            out.append("- %s: %s." % (label, reason.rstrip(".")))
    if any(notes.values()):
        out.append("")
    check_rows = [row for row in rows if row != LOOP]
    if instr:
        lines, _ = target_rows(
            "Target: " + CAPI_TARGET.replace("CPython ABI hpy-rs never slower than the C API",
                                             "CPython ABI hpy-rs ≤ 1.00× the C API"),
            RS_CPY, CAPI, 1.0, instr, check_rows)
        out.extend(lines)
        n = load_json(callgrind_files(results, "callgrind-3.14")[0])["n"]
        out.append(
            "Instructions per iteration, `(I(2N) - I(N)) / N` with N = %s; ratio to the "
            "C API in parentheses." % fmt(n)
        )
        out.append("")
        out.append(table(rows, labels, instr, CAPI))
        out.append("")
    if ns:
        out.append("Median ns/op; ratio to the C API in parentheses (wall-clock, noisy).")
        out.append("")
        out.append(table(rows, labels, ns, CAPI, digits=1))
        out.append("")
    return out


def host_table(rows, data, pairs, heads, digits=0, mark=False):
    """Per binary of ``pairs`` ((binary, first label, second label), as
    ``host_pairs``): its value under each label and second / first; the
    columns are headed "binary: heads[i]". ``mark`` makes a ratio above 1
    bold. Markdown lines."""
    head = ["row"]
    for binary, _, _ in pairs:
        head += ["%s: %s" % (binary, heads[0]), "%s: %s" % (binary, heads[1]), "ratio"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for row in rows:
        per = data.get(row, {})
        cells = []
        for _, first, second in pairs:
            a, b = per.get(first), per.get(second)
            r = b / a if a and b is not None else None
            cell = fmt(r, 3 if mark else 2)
            if mark and r is not None and r > 1.0:
                cell = "**%s**" % cell
            cells += [fmt(a, digits), fmt(b, digits), cell]
        lines.append("| `%s` | %s |" % (row, " | ".join(cells)))
    return lines


def section_host(rows, per_python, notes314):
    """Universal binaries through hpy_rs_universal: against hpy.universal, and
    on CPython 3.14 against the CPython ABI too. ``per_python``: [(title,
    instructions, ns/op, callgrind N)] per interpreter. Markdown lines."""
    rows = [r for r in rows if r != LOOP]
    out = ["## Universal binaries through hpy_rs_universal", ""]
    out.append(
        "The same universal binaries, `simple.hpy0.so` from hpy-rs (`cargo-hpy hpy "
        "build --universal`) and `simple_hpyc.hpy0.so` from C HPy (`hpy.devel` of "
        "CPython 3.11, `--hpy-abi=universal`), loaded through `hpy.universal` (HPy "
        "0.9.0's host, from the `hpy` package) and through `hpy_rs_universal` "
        "(`hpy-universal/`, built for each interpreter with `cargo-hpy hpy build "
        "--release -p hpy-universal`), in one interpreter and one run. Each host "
        "loads its own copy of the file (`dlopen` of one file gives one library, "
        "whose global context would be the last host's). Instructions per "
        "iteration are `(I(2N) - I(N)) / N`; the target is hpy_rs_universal ≤ "
        "1.00× hpy.universal on every row (a miss in bold). On CPython 3.14 "
        "`hpy.universal` is what `pip install hpy==0.9.0` compiles from source "
        "(no wheel exists; `CFLAGS=-w`), where it installs."
    )
    out.append("")
    for title, instr, ns, n in per_python:
        measured = any(HPYC_HOST in per or RS_HOST in per for per in instr.values())
        if "3.14" in title:
            labels = (HPYC_UNI, RS_UNI, HPYC_HOST, RS_HOST)
            for label in labels:
                for reason in notes314.get(label, []):
                    out.append("- %s, %s: %s." % (title, label, reason.rstrip(".")))
            if any(notes314.get(label) for label in labels):
                out.append("")
        stock_measured = any(HPYC_UNI in per or RS_UNI in per for per in instr.values())
        out.extend(stock_against_host(rows, title, instr if measured and stock_measured else {},
                                      ns, n, host_pairs()))
        if measured and any(RS_CPY in per for per in instr.values()) and "3.14" in title:
            out.append(
                "**%s, instructions per iteration**: the universal binaries through "
                "hpy_rs_universal against the same source built for the CPython ABI "
                "(ratio universal / CPython ABI); against the C API: "
                "[CPython 3.14](#cpython-314)." % title
            )
            out.append("")
            pairs = (("C HPy", HPYC_CPY, HPYC_HOST), ("hpy-rs", RS_CPY, RS_HOST))
            out.extend(host_table(rows, instr, pairs, ("CPython ABI", "universal via " + HOST)))
            out.append("")
    return out


def section_debug(rows, title, instr, ns, n):
    """Both universal binaries through each host's debug mode (``HPY=debug``).
    Markdown lines."""
    rows = [r for r in rows if r != LOOP]
    out = ["## Debug mode: hpy_rs_universal against hpy.universal", ""]
    out.append(
        "The universal binaries of the section above, loaded in debug mode "
        "(`mode=MODE_DEBUG`, what `HPY=debug` selects) through `hpy.universal` and "
        "through `hpy_rs_universal` (each its own copy of the file), in one "
        "interpreter and one run; the target is hpy_rs_universal ≤ 1.00× "
        "hpy.universal on every row (a miss in bold)."
    )
    out.append("")
    measured = any(HPYC_HOST_DEBUG in per or RS_HOST_DEBUG in per for per in instr.values())
    out.extend(stock_against_host(rows, title, instr if measured else {}, ns, n, debug_pairs()))
    return out


def stock_against_host(rows, title, instr, ns, n, pairs):
    """The instructions table (with its misses) and the ns/op table of
    ``pairs`` (hpy.universal's label, hpy_rs_universal's), each where it has
    values. Markdown lines."""
    out = []
    labels = [label for _, stock, host in pairs for label in (stock, host)]
    if any(label in per for per in instr.values() for label in labels):
        misses, compared = host_misses(instr, rows, pairs)
        out.append(
            "**%s, instructions per iteration** (N = %s; ratio hpy_rs_universal / "
            "hpy.universal): %d of %d rows miss." % (title, fmt(n), misses, compared)
        )
        out.append("")
        out.extend(host_table(rows, instr, pairs, (STOCK, HOST), mark=True))
        out.append("")
    if any(label in per for per in ns.values() for label in labels[::2]):
        out.append(
            "**%s, median ns/op** (wall-clock, noisy; ratio hpy_rs_universal / "
            "hpy.universal)." % title
        )
        out.append("")
        out.extend(host_table(rows, ns, pairs, (STOCK, HOST), digits=1))
        out.append("")
    return out


def details(args, when):
    """Every table of a bench/run from its raw results (``args.results``):
    the targets row by row, both hosts, debug mode, 3.14, PyPy, RK4.
    Markdown text; bench/run writes it beside the raw results."""
    r = args.results

    cp_simple = load_json(os.path.join(r, "cpython-simple.json"))
    pp_simple = load_json(os.path.join(r, "pypy-simple.json"))
    cp_ns = medians(cp_simple)
    pp_ns = medians(pp_simple)
    cp_rk4 = medians(load_json(os.path.join(r, "cpython-rk4.json")))
    pp_rk4 = medians(load_json(os.path.join(r, "pypy-rk4.json")))
    instr = callgrind_counts(r)
    rows = in_group(list(cp_ns), "overhead")
    convert_rows = in_group(list(cp_ns), "convert")
    cp314_simple = load_json(os.path.join(r, "cpython-3.14-simple.json"))
    cp314_ns = medians(cp314_simple)
    instr314 = callgrind_counts(r, "callgrind-3.14")
    cp314_version = cp314_simple and cp314_simple["version"].split()[0]
    notes314 = {}
    notes_path = os.path.join(r, "cpython-3.14-notes.txt")
    if os.path.exists(notes_path):
        for line in open(notes_path):
            label, _, reason = line.strip().partition(": ")
            if reason:
                notes314.setdefault(label, []).append(reason)
    for data in (cp314_simple, *(load_json(f) for f in callgrind_files(r, "callgrind-3.14"))):
        for label, reason in ((data or {}).get("skipped") or {}).items():
            if reason not in notes314.get(label, []):
                notes314.setdefault(label, []).append(reason)

    md = []
    add = md.append
    add("# bench/run: every table")
    add("")
    add("BENCHMARKS.md shows a screen of these; the method is in bench/README.md.")
    add("")
    add("- command: `%s` (%s mode, %d s), %s" % (
        args.command.strip(), args.mode, args.seconds, when))
    add("- machine: %s" % machine())
    cp_version = cp_simple and cp_simple["version"].split()[0]
    pp_version = pp_simple and pp_simple["version"]
    for name, value in versions(cp_version, pp_version, cp314_version):
        add("- %s: %s" % (name, value))
    add("")
    add("## Targets")
    add("")
    add(
        "Instruction counts include the benchmark loop itself (the `loop only` row), "
        "as in the targets below; ns/op are medians."
    )
    add("")
    md.extend(targets(instr, cp_ns, pp_ns, cp_rk4, pp_rk4, rows, instr314))
    if convert_rows:
        md.extend(convert_targets(convert_rows, instr, pp_ns))
    if instr:
        add("## CPython %s: instructions per iteration (callgrind)" % (cp_version or ""))
        add("")
        add(
            "`(I(2N) - I(N)) / N` with N = %s, one valgrind process per implementation; "
            "ratio to the C API in parentheses." % fmt(load_json(callgrind_files(r)[0])["n"])
        )
        add("")
        add(table(rows, [CAPI, HPYC_CPY, HPYC_UNI, RS_CPY, RS_UNI, PYO3], instr, CAPI))
        add("")
    add("## CPython %s: median ns/op" % (cp_version or ""))
    add("")
    add("Ratio to the C API in parentheses. Wall-clock on a noisy 2-core machine: "
        "differences under ~15% are not meaningful here, the instruction counts are.")
    add("")
    add(table(rows, [CAPI, HPYC_CPY, HPYC_UNI, RS_CPY, RS_UNI, PYO3], cp_ns, CAPI, digits=1))
    add("")
    if convert_rows:
        md.extend(section_convert(convert_rows, instr, cp_ns, instr314, cp314_ns, pp_ns,
                                  cp_version, cp314_version))
    if any(HPYC_HOST in per or RS_HOST in per
           for data in (instr, cp_ns, instr314, cp314_ns) for per in data.values()):
        per_python = []
        for title, i, t, prefix in (("CPython %s" % (cp_version or "3.11"), instr, cp_ns,
                                     "callgrind"),
                                    ("CPython %s" % (cp314_version or "3.14"), instr314,
                                     cp314_ns, "callgrind-3.14")):
            files = callgrind_files(r, prefix)
            per_python.append((title, i, t, files and load_json(files[0])["n"]))
        md.extend(section_host(rows, per_python, notes314))
    if any(HPYC_HOST_DEBUG in per or RS_HOST_DEBUG in per
           for data in (instr, cp_ns) for per in data.values()):
        files = callgrind_files(r)
        md.extend(section_debug(rows, "CPython %s" % (cp_version or "3.11"), instr, cp_ns,
                                files and load_json(files[0])["n"]))
    if cp314_ns or instr314:
        md.extend(section_314(
            rows, cp314_version, args.python314_from, cp314_ns, instr314, notes314, r))
    if pp_ns:
        add("## PyPy: median ns/op")
        add("")
        add("Ratio to hpy-rs (universal) in parentheses; the C API and PyO3 modules run through cpyext.")
        add("")
        add(table(in_group(list(pp_ns), "overhead"), [RS_UNI, HPYC_UNI, CAPI_PP, PYO3_PP], pp_ns,
                  RS_UNI, digits=1))
        add("")
    add("## RK4 (double pendulum, 4-element piconumpy arrays): median ns per step")
    add("")
    add("| interpreter | hpy-rs (CPython ABI) | hpy-rs (universal) | PyO3 | pure Python |")
    add("|---|---:|---:|---:|---:|")
    for name, data, pyo3 in (("CPython", cp_rk4, PYO3), ("PyPy", pp_rk4, PYO3_PP)):
        rk = data.get("RK4 step")
        if not rk:
            continue
        base = rk.get(RS_UNI)
        cells = []
        for label in (RS_CPY, RS_UNI, pyo3, "pure Python"):
            v = rk.get(label)
            cells.append("–" if v is None else "%s (%s×)" % (fmt(v), fmt(ratio(v, base), 2)))
        add("| %s | %s |" % (name, " | ".join(cells)))
    add("")
    add("Ratios to hpy-rs (universal) in parentheses.")
    add("")
    return "\n".join(md) + "\n"


def summarize(args, when):
    """What BENCHMARKS.md needs of a bench/run, from its raw results
    (``args.results``): per interpreter the instructions and median ns per
    row and label, RK4's median ns per step, and how and where it ran."""
    r = args.results
    cp_simple = load_json(os.path.join(r, "cpython-simple.json"))
    pp_simple = load_json(os.path.join(r, "pypy-simple.json"))
    cp314_simple = load_json(os.path.join(r, "cpython-3.14-simple.json"))
    results = {}
    for key, timing, prefix, rk4 in (
        ("cpython-3.11", cp_simple, "callgrind", "cpython-rk4.json"),
        ("cpython-3.14", cp314_simple, "callgrind-3.14", None),
        ("pypy", pp_simple, None, "pypy-rk4.json"),
    ):
        per = {}
        if prefix and callgrind_files(r, prefix):
            per["instructions"] = callgrind_counts(r, prefix)
        if timing:
            per["ns"] = {row: {label: round(v, 1) for label, v in cells.items()}
                         for row, cells in medians(timing).items()}
        if rk4:
            step = medians(load_json(os.path.join(r, rk4))).get("RK4 step")
            if step:
                per["rk4_ns"] = {label: round(v) for label, v in step.items()}
        if per:
            results[key] = per
    cp_version = cp_simple and cp_simple["version"].split()[0]
    pp_version = pp_simple and pp_simple["version"]
    cp314_version = cp314_simple and cp314_simple["version"].split()[0]
    commit = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    files = callgrind_files(r)
    return {
        "recorded_by": "bench/run",
        "run": {"command": args.command.strip(), "mode": args.mode, "seconds": args.seconds,
                "date": when, "machine": machine(), "commit": commit},
        "versions": [[k, v] for k, v in versions(cp_version, pp_version, cp314_version)
                     if k != "hpy-rs"],
        "callgrind_n": files and load_json(files[0])["n"],
        "results": results,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command_name", required=True)
    rec = sub.add_parser("record", help="bench/run's raw results -> bench/results/calls.json, "
                         "the details beside the raw results, then render")
    rec.add_argument("--results", required=True, help="the raw results (bench/build/results)")
    rec.add_argument("--mode", default="full")
    rec.add_argument("--command", default="bench/run")
    rec.add_argument("--pypy", default="")
    rec.add_argument("--python314-from", default="", help="where bench/run got CPython 3.14")
    rec.add_argument("--seconds", type=int, default=0)
    ren = sub.add_parser("render", help="bench/results/*.json -> BENCHMARKS.md, bench/chart.svg")
    for p in (rec, ren):
        p.add_argument("--recorded", default=RECORDED)
        p.add_argument("--markdown", default=os.path.join(ROOT, "BENCHMARKS.md"))
        p.add_argument("--chart", default=os.path.join(ROOT, "bench", "chart.svg"))
    args = parser.parse_args()
    if args.command_name == "record":
        when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        with open(os.path.join(args.results, "details.md"), "w") as f:
            f.write(details(args, when))
        os.makedirs(args.recorded, exist_ok=True)
        with open(os.path.join(args.recorded, "calls.json"), "w") as f:
            json.dump(summarize(args, when), f, indent=1, ensure_ascii=False)
            f.write("\n")
    write_rendered(args.recorded, args.markdown, args.chart)


# --- BENCHMARKS.md: one screen, rendered from the recorded results ----------

RECORDED = os.path.join(ROOT, "bench", "results")
# What BENCHMARKS.md shows of the call benchmarks, by kind: a few rows each
# (the rest are in the details bench/run writes beside its raw results, and
# in docs/perf/).
SCREEN_ROWS = (
    ("calls", ("noargs()", "onearg(None)", "varargs(None, None)",
               "call_with_tuple(callee, (1, 2))")),
    ("objects", ("allocate_tuple()", "Foo()", "foo.noargs()", "len(foo)")),
    ("conversions", ("sum_floats(xs), list of 1000 floats", "float_list(), 1000 floats",
                     "exclaim(s)", "make_dict(), 100 items", "raise_value_error(), caught",
                     "keywords(1, b=2, c=3)")),
)
# The lanes of bench/real-workloads, in the order of its table.
REAL_LANES = (
    ("cp-orig", "CPython 3.14, original"),
    ("cp-port", "port, CPython ABI"),
    ("cp-univ", "port, universal"),
    ("pypy-orig", "PyPy, original"),
    ("pypy-port", "PyPy, port"),
)


# The port benchmarks that record bench/results/port-NAME.json.
PORTS = (("kiwisolver", "bench/kiwi-run"), ("rpds", "bench/rpds-run"),
         ("xxhash", "bench/xxhash-run"), ("ujson", "bench/ujson-run"))


def load_recorded(recorded=RECORDED):
    """The results bench/run (calls.json), bench/real-workloads
    (real-workloads.json) and the port benchmarks (port-NAME.json, a dict
    by port) recorded; a file not there is None (a port left out)."""
    ports = {name: load_json(os.path.join(recorded, "port-%s.json" % name))
             for name, _ in PORTS}
    return (load_json(os.path.join(recorded, "calls.json")),
            load_json(os.path.join(recorded, "real-workloads.json")),
            {name: data for name, data in ports.items() if data})


def record_port(port, lane, unit, command, rows, mode):
    """Records one lane of a port benchmark (``rows``: {operation:
    (original, port)}) in bench/results/port-PORT.json, replacing that lane
    and unit and keeping the others (a ``--no-pypy`` run keeps the recorded
    PyPy lane), then renders BENCHMARKS.md and the chart again."""
    path = os.path.join(RECORDED, "port-%s.json" % port)
    data = load_json(path) or {"recorded_by": dict(PORTS)[port], "lanes": []}
    data["lanes"] = [entry for entry in data["lanes"]
                     if (entry["lane"], entry["unit"]) != (lane, unit)]
    data["lanes"].append({
        "lane": lane, "unit": unit,
        "run": {"command": command.strip(), "mode": mode,
                "date": datetime.datetime.now(datetime.timezone.utc).strftime(
                    "%Y-%m-%d %H:%M UTC"),
                "machine": machine(),
                "commit": run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])},
        "rows": {name: [o, p] for name, (o, p) in rows.items()},
    })
    with open(path, "w") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")
    write_rendered(RECORDED, os.path.join(ROOT, "BENCHMARKS.md"),
                   os.path.join(ROOT, "bench", "chart.svg"))


def screen_ports(ports):
    """Each port against its original, operation by operation: the
    geometric mean and the range of port / original per lane. Markdown
    lines."""
    out = ["## Each port against its original, per operation", ""]
    out.append(
        "port / original over the rows of each port benchmark (below 1: the port is "
        "cheaper); the rows, tables and targets are in docs/perf/. Instructions are "
        "callgrind's per operation, time is ns or ms per operation."
    )
    out.append("")
    out.append("| port | lane | unit | rows | geometric mean | best | worst | measured |")
    out.append("|---|---|---|---:|---:|---:|---:|---|")
    for name, command in PORTS:
        for entry in (ports.get(name) or {}).get("lanes", []):
            ratios = [p / o for o, p in entry["rows"].values() if o and p]
            if not ratios:
                continue
            r = entry["run"]
            out.append("| %s | %s | %s | %d | %.2f× | %.2f× | %.2f× | `%s`, %s, %s |" % (
                name, entry["lane"], entry["unit"], len(ratios), geomean(ratios),
                min(ratios), max(ratios), r["command"], r["date"].split()[0], r["commit"]))
    out.append("")
    if ports.get("ujson"):
        out.extend(ujson_claim(ports["ujson"]))
    return out


def ujson_claim(ujson):
    """The seeds' claim for their JSON library beside what the ujson port
    measured (issue 52's targets), from its recorded lanes. Markdown lines."""
    lanes = {entry["lane"]: [p / o for o, p in entry["rows"].values() if o and p]
             for entry in ujson["lanes"]}
    said = []
    cp = lanes.get("CPython 3.14, CPython ABI")
    if cp:
        said.append("in the CPython ABI at or below ujson's instructions on %d of %d rows "
                    "(geometric mean %.2f×)" % (sum(r <= 1.0 for r in cp), len(cp), geomean(cp)))
    pypy = lanes.get("PyPy 7.3.19")
    if pypy:
        said.append("on PyPy %.1f× faster than ujson through cpyext on the geometric mean, at "
                    "least 3× faster on %d of %d rows" % (
                        1 / geomean(pypy), sum(r <= 1 / 3 for r in pypy), len(pypy)))
    cross = lanes.get("PyPy 7.3.19 port against CPython 3.14 ujson")
    if cross:
        said.append("PyPy with the port no slower than CPython 3.14 with ujson on %d of %d rows"
                    % (sum(r <= 1.0 for r in cross), len(cross)))
    if not said:
        return []
    return ["ujson: the HPy project's claim for its JSON library, ultrajson-hpy, was \"CPython "
            "ABI: as fast as ultrajson; Universal ABI on PyPy: 3x faster\". The port in "
            "`examples/ujson`: " + "; ".join(said) + " ([rows, floors and targets]"
            "(docs/perf/ujson.md)).", ""]


def screen_objects(objects):
    """A frozen class's instances against the C API's (bench/object-twins):
    net instructions per row and interpreter, the ratios issue 54 targets,
    PyPy's ratio to C HPy, and where one row's instructions go. Markdown
    lines."""
    ins = objects["instructions"]
    vers = [v for v in ("3.11", "3.14") if v in ins]
    pypy = objects.get("pypy_ns")
    out = ["## Objects: a frozen class against the C API", ""]
    out.append(
        "`bench/object-twins`: one module written as docs/classes.md teaches "
        "(`#[hpy_class(frozen)]`; `Var` holds a float, `Term` a float and its `Var` in a "
        "`TypedField`), with the C API and with C HPy. Net instructions per operation (the "
        "row minus a call of the same shape that makes nothing); hpy-rs / C API, and "
        "hpy_rs_universal / the CPython ABI; PyPy: net ns, hpy-rs / C HPy (both universal). "
        "The target is 1.10× on each ratio; what is missed and why: "
        "[objects](docs/perf/objects.md).")
    out.append("")
    heads = []
    for v in vers:
        heads += ["%s: C API" % v, "hpy-rs", "univ. / CPython ABI"]
    if pypy:
        heads.append("PyPy: hpy-rs / C HPy")
    out.append("| row | " + " | ".join(heads) + " |")
    out.append("|---|" + "---:|" * len(heads))
    rows = list(ins[vers[0]]["C API"]) if vers else []
    for row in rows:
        cells = []
        for v in vers:
            capi = ins[v]["C API"].get(row)
            rs = ins[v]["hpy-rs (CPython ABI)"].get(row)
            univ = ins[v]["hpy-rs (universal, hpy_rs_universal)"].get(row)
            cells += [fmt(capi), cell(rs, capi), "%.2f×" % (univ / rs) if univ and rs else "–"]
        if pypy:
            a, b = pypy["hpy-rs"].get(row), pypy["C HPy"].get(row)
            cells.append("%.2f×" % (a / b) if a and b else "–")
        out.append("| `%s` | %s |" % (row, " | ".join(cells)))
    out.append("")
    steps = objects.get("steps", {}).get("3.14", {}).get("make_term(v, 1.5)")
    if steps:
        top = sorted(steps["functions"], key=lambda f: -abs(f[2] - f[1]))[:6]
        out.append("Where `make_term(v, 1.5)` spends its instructions on 3.14 (self instructions "
                   "per call; the whole row: C API %d, hpy-rs %d): %s." % (
                       steps["total"][0], steps["total"][1], "; ".join(
                           "`%s` %d → %d" % (name, c, r) for name, c, r in top)))
        out.append("")
    return out


def cell(value, base, digits=0):
    """A value and its ratio to ``base``: ``434 (1.00×)``."""
    if value is None:
        return "–"
    if not base:
        return fmt(value, digits)
    return "%s (%.2f×)" % (fmt(value, digits), value / base)


def screen_calls(calls):
    """The call, object and conversion rows on CPython 3.11, 3.14 and PyPy.
    Markdown lines."""
    res = calls["results"]
    cp = res.get("cpython-3.11", {})
    cp314 = res.get("cpython-3.14", {})
    pp = res.get("pypy", {})
    out = ["## Calls, objects, conversions", ""]
    out.append(
        "CPython: instructions per iteration of a `for` loop running the row (callgrind, "
        "`(I(2N) - I(N)) / N`, the loop's own %s and %s included), ratio to the C API. "
        "PyPy: median ns per iteration, ratio to hpy-rs (universal); the C API and PyO3 "
        "through cpyext." % (
            fmt(cp.get("instructions", {}).get(LOOP, {}).get(CAPI)),
            fmt(cp314.get("instructions", {}).get(LOOP, {}).get(CAPI)))
    )
    out.append("")
    cols = (
        ("3.11: C API", cp, "instructions", CAPI, CAPI),
        ("C HPy", cp, "instructions", HPYC_CPY, CAPI),
        ("hpy-rs", cp, "instructions", RS_CPY, CAPI),
        ("hpy-rs univ.", cp, "instructions", RS_UNI, CAPI),
        ("PyO3", cp, "instructions", PYO3, CAPI),
        ("3.14: C API", cp314, "instructions", CAPI, CAPI),
        ("C HPy univ.", cp314, "instructions", HPYC_HOST, CAPI),
        ("hpy-rs", cp314, "instructions", RS_CPY, CAPI),
        ("hpy-rs univ.", cp314, "instructions", RS_HOST, CAPI),
        ("PyO3", cp314, "instructions", PYO3, CAPI),
        ("PyPy: hpy-rs", pp, "ns", RS_UNI, RS_UNI),
        ("C HPy", pp, "ns", HPYC_UNI, RS_UNI),
        ("C API", pp, "ns", CAPI_PP, RS_UNI),
        ("PyO3", pp, "ns", PYO3_PP, RS_UNI),
    )
    out.append("| | row | " + " | ".join(c[0] for c in cols) + " |")
    out.append("|---|---|" + "---:|" * len(cols))
    for kind, rows in SCREEN_ROWS:
        for i, row in enumerate(rows):
            cells = []
            for _, data, metric, label, base in cols:
                per = data.get(metric, {}).get(row, {})
                v = per.get(label)
                if label == base:
                    cells.append(fmt(v, 0 if metric == "instructions" else 1))
                else:
                    cells.append(cell(v, per.get(base), 0 if metric == "instructions" else 1))
            out.append("| %s | `%s` | %s |" % (kind if i == 0 else "", row, " | ".join(cells)))
    out.append("")
    rk = [(name, res.get(key, {}).get("rk4_ns", {})) for name, key in
          (("CPython 3.11", "cpython-3.11"), ("PyPy", "pypy"))]
    parts = []
    for name, data in rk:
        if not data:
            continue
        pyo3 = data.get(PYO3) or data.get(PYO3_PP)
        parts.append("%s hpy-rs %s µs, PyO3 %s µs, pure Python %s µs" % (
            name, fmt(data.get(RS_UNI, 0) / 1000, 1), fmt((pyo3 or 0) / 1000, 1),
            fmt(data.get("pure Python", 0) / 1000, 1)))
    if parts:
        out.append("A step of RK4 on 4-element piconumpy arrays (hpy-rs universal): %s."
                   % "; ".join(parts))
        out.append("")
    return out


def screen_targets(calls):
    """One line: each call target of bench/README.md, met or missed.
    Markdown lines."""
    res = calls["results"]
    instr = res.get("cpython-3.11", {}).get("instructions", {})
    instr314 = res.get("cpython-3.14", {}).get("instructions", {})
    pp_ns = res.get("pypy", {}).get("ns", {})
    rows = [r for r in in_group(list(instr), "overhead") if r != LOOP]
    conv = in_group(list(instr), "convert")
    checks = []

    def per_row(name, num, den, limit, data, names):
        missed = target_rows("", num, den, limit, data, names)[1]
        checks.append((name, missed, len(names)))

    if instr:
        per_row("1", RS_CPY, HPYC_CPY, 1.02, instr, rows)
        per_row("2", RS_CPY, CAPI, 1.0, instr, rows)
        per_row("3", RS_UNI, HPYC_UNI, 1.02, instr, rows)
        per_row("4a", RS_CPY, PYO3, 0.9999, instr, rows)
        checks.append(("6",) + host_misses(instr, rows))
        checks.append(("6b",) + host_misses(instr, rows, debug_pairs()))
        per_row("7a", RS_CPY, PYO3, 0.9999, instr, conv)
        per_row("7b", RS_CPY, CAPI, 1.10, instr, conv)
    if instr314:
        per_row("2 (3.14)", RS_CPY, CAPI, 1.0, instr314, rows)
    if pp_ns:
        per_row("5a", RS_UNI, HPYC_UNI, 1.10, pp_ns, rows)
        per_row("7c", RS_UNI, PYO3_PP, 0.50, pp_ns, conv)
    parts = ["%s %s" % (name, "met" if not missed else "**missed on %d of %d rows**"
                        % (missed, total)) for name, missed, total in checks if total]
    return ["Targets (numbered as in [bench/README.md](bench/README.md#targets)): %s."
            % "; ".join(parts), ""]


def screen_real(real):
    """The ports against their originals under real programs. Markdown
    lines."""
    out = ["## Real workloads: the ports against their originals", ""]
    out.append(
        "%s; in parentheses the ratio to CPython with the original, below "
        "1 is faster. The ports are `examples/rpds` (under jsonschema and referencing) and "
        "`examples/kiwisolver` (under matplotlib), the originals their PyPI wheels; the "
        "last column is the one the project is after: PyPy with the port against CPython "
        "with the original." % real["unit"]
    )
    out.append("")
    heads = [name for _, name in REAL_LANES]
    out.append("| workload | " + " | ".join(heads) + " | PyPy port / PyPy original |")
    out.append("|---|" + "---:|" * (len(heads) + 1))
    for name, per in real["results"].items():
        base = per.get("cp-orig")
        cells = [fmt(base, 1)]
        cells += [cell(per.get(key), base, 1) for key, _ in REAL_LANES[1:]]
        pp_o, pp_p = per.get("pypy-orig"), per.get("pypy-port")
        cells.append("%.2f×" % (pp_p / pp_o) if pp_o and pp_p else "–")
        out.append("| %s | %s |" % (name, " | ".join(cells)))
    out.append("")
    return out


def short_version(name, text):
    """``rustc 1.95.0 (59807616e 2026-04-14)`` -> ``1.95.0``, and so on."""
    found = re.search(r"PyPy (\d+(?:\.\d+)+)" if name == "PyPy" else r"\d+(?:\.\d+)+",
                      text)
    return found.group(0).replace("PyPy ", "") if found else text


def run_line(what, rec):
    r = rec["run"]
    line = "- %s: `%s` (%s mode), %s, commit %s; %s." % (
        what, r["command"], r["mode"], r["date"], r["commit"], r["machine"])
    if rec.get("provenance"):
        line = line[:-1] + "; " + rec["provenance"] + "."
    return line


def render(calls, real, ports=None, objects=None):
    """BENCHMARKS.md's text from the recorded results."""
    md = ["# Benchmarks", ""]
    md.append(
        "hpy-rs against the same code written with CPython's C API, with HPy in C and with "
        "PyO3, and the ports in `examples/` against the extensions they port, on CPython "
        "3.11, 3.14 and PyPy. Rendered by `bench/report.py` from the results `bench/run` "
        "and `bench/real-workloads` record in [bench/results/](bench/results/); nothing "
        "here is written by hand (method: [bench/README.md](bench/README.md))."
    )
    md.append("")
    if real:
        md.append("![The real workloads: time relative to CPython with the original]"
                  "(bench/chart.svg)")
        md.append("")
        md.extend(screen_real(real))
    if ports:
        md.extend(screen_ports(ports))
    if calls:
        md.extend(screen_calls(calls))
        md.extend(screen_targets(calls))
    if objects:
        md.extend(screen_objects(objects))
    md.append("## Where the numbers come from")
    md.append("")
    if calls:
        md.append(run_line("calls, objects, conversions", calls))
        md.append("- versions: %s." % "; ".join(
            "%s %s" % (k, short_version(k, v)) for k, v in calls["versions"]))
    if real:
        md.append(run_line("real workloads", real))
    if objects:
        r = objects["run"]
        line = "- objects: `%s`, %s, commit %s; %s" % (r["command"], r["date"], r["commit"],
                                                       r["machine"])
        p = (objects.get("pypy_ns") or {}).get("run")
        if p and p["commit"] != r["commit"]:
            line += "; PyPy lane: `%s`, %s, commit %s" % (p["command"], p["date"], p["commit"])
        md.append(line + ".")
    for name, data in sorted((ports or {}).items()):
        told = []
        for entry in data["lanes"]:
            if entry.get("provenance") and entry["provenance"] not in told:
                told.append(entry["provenance"])
        for text in told:
            md.append("- %s: %s." % (name, text))
    took = " (this one took %d minutes)" % round(calls["run"]["seconds"] / 60) \
        if calls and calls["run"].get("seconds") else ""
    md.append("- reproduce: `bench/run`%s, `bench/run --quick --no-pypy` (about 2 minutes), "
              "`bench/real-workloads --rounds 2` (about 10), `bench/kiwi-run`, `bench/rpds-run`, "
              "`bench/xxhash-run`, `bench/ujson-run --callgrind` and `bench/object-twins` (each "
              "records its lanes); `python3 bench/report.py "
              "render` redraws this page and the chart from bench/results/." % took)
    md.append("")
    md.append("Why the numbers are what they are: " + ", ".join(
        "[%s](docs/perf/%s)" % (title, page) for title, page in PERF_PAGES) + ".")
    md.append("")
    return "\n".join(md)


PERF_PAGES = (
    ("calls", "calls.md"), ("objects", "objects.md"), ("conversions", "conversions.md"),
    ("PyPy", "pypy.md"), ("real workloads", "real-workloads.md"),
    ("kiwisolver", "kiwisolver.md"), ("rpds", "rpds.md"), ("xxhash", "xxhash.md"),
    ("ujson", "ujson.md"), ("NumPy", "numpy.md"), ("soak", "soak.md"),
)


def svg_chart(real):
    """A horizontal bar chart of the real workloads, each lane's time
    relative to CPython with the original, on a log scale: SVG text (no
    plotting library, so the same results give the same file)."""
    lanes = REAL_LANES[1:]
    colors = {"cp-port": "#fdae6b", "cp-univ": "#e6550d", "pypy-orig": "#9ecae1",
              "pypy-port": "#3182bd"}
    names = list(real["results"])
    bar, gap, left, width = 11, 14, 330, 420
    lo, hi = 0.125, 16.0
    height = 60 + len(names) * (len(lanes) * bar + gap) + 30

    def x(v):
        v = min(max(v, lo), hi)
        return left + width * (math.log2(v) - math.log2(lo)) / (math.log2(hi) - math.log2(lo))

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (left + width + 60, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="18" font-size="13">Real workloads: time relative to CPython 3.14 '
           'with the original (log scale, lower is better)</text>']
    top = 40
    ticks = [lo * 2 ** k for k in range(int(math.log2(hi / lo)) + 1)]
    bottom = height - 30
    for t in ticks:
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>'
                   % (x(t), top, x(t), bottom, "#000" if t == 1 else "#ddd"))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%g×</text>'
                   % (x(t), bottom + 14, t))
    y = top + 6
    for name in names:
        per = real["results"][name]
        base = per.get("cp-orig")
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                   % (left - 8, y + len(lanes) * bar // 2 + 4, html_escape(re.split(r",| \(", name)[0])))
        for key, _ in lanes:
            v = per.get(key)
            if v and base:
                r = v / base
                x0, x1 = sorted((x(1.0), x(r)))
                out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>'
                           % (x0, y, max(x1 - x0, 1.0), bar - 2, colors[key]))
                if r >= 1:
                    out.append('<text x="%.1f" y="%d" font-size="9">%.2f</text>'
                               % (x1 + 3, y + bar - 3, r))
                else:
                    out.append('<text x="%.1f" y="%d" font-size="9" text-anchor="end">%.2f'
                               '</text>' % (x0 - 3, y + bar - 3, r))
            y += bar
        y += gap
    lx = 10
    for key, label in lanes:
        out.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/>'
                   % (lx, height - 14, colors[key]))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 14, height - 5, label))
        lx += 150
    out.append("</svg>")
    return "\n".join(out) + "\n"


def html_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_rendered(recorded, markdown, chart_path):
    calls, real, ports = load_recorded(recorded)
    objects = load_json(os.path.join(recorded, "objects.json"))
    with open(markdown, "w") as f:
        f.write(render(calls, real, ports, objects))
    if real:
        with open(chart_path, "w") as f:
            f.write(svg_chart(real))


if __name__ == "__main__":
    main()
