"""Turns bench/run's measurements into BENCHMARKS.md and a PNG chart.

The whole file is regenerated; the analysis of the numbers lives in
docs/perf/, which the file's top links to (POINTERS).
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
# The top of BENCHMARKS.md: where the explanations of its numbers are.
POINTERS = """Why the numbers are what they are, measured and explained, lives in
[docs/perf/](docs/perf/README.md):

- [calls](docs/perf/calls.md): the cost of one call, per ABI and host, and what brought it down
- [objects](docs/perf/objects.md): making, reading and type-checking instances of Rust classes; typed fields
- [conversions](docs/perf/conversions.md): the optional-feature conversions against PyO3 and several C HPy designs
- [PyPy](docs/perf/pypy.md): where a call's time goes on PyPy, against C HPy twins
- [real workloads](docs/perf/real-workloads.md): whole programs driving the ports
- ports against their originals: [kiwisolver](docs/perf/kiwisolver.md), [rpds](docs/perf/rpds.md), [xxhash](docs/perf/xxhash.md)
- [soak](docs/perf/soak.md): memory over millions of iterations"""

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


def chart(path, rows, instr, cp_ns, pp_ns, cp_rk4, pp_rk4):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report.py: matplotlib missing, no chart")
        return False
    rows = [r for r in rows if r != LOOP]
    fig, axes = plt.subplots(2, 2, figsize=(16, 13), gridspec_kw={"height_ratios": [3, 1.2]})
    colors = {
        CAPI: "#7f7f7f", "C API (cpyext)": "#7f7f7f",
        HPYC_CPY: "#9ecae1", HPYC_UNI: "#3182bd",
        RS_CPY: "#fdae6b", RS_UNI: "#e6550d",
        PYO3: "#31a354", PYO3_PP: "#31a354",
        "pure Python": "#756bb1",
    }

    def bars(ax, data, labels, title, xlabel, names):
        labels = [l for l in labels if any(l in data.get(r, {}) for r in names)]
        height = 0.8 / max(1, len(labels))
        for k, label in enumerate(labels):
            ys = [i + k * height for i in range(len(names))]
            xs = [data.get(r, {}).get(label, 0) for r in names]
            ax.barh(ys, xs, height, label=label, color=colors.get(label))
        ax.set_yticks([i + 0.4 - height / 2 for i in range(len(names))])
        ax.set_yticklabels([n if len(n) < 26 else n.split("(")[0] + "(…)" for n in names], fontsize=8)
        ax.invert_yaxis()
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(xlabel)
        ax.legend(fontsize=7, loc="lower right")
        ax.grid(axis="x", alpha=0.3)

    cp_labels = [CAPI, HPYC_CPY, HPYC_UNI, RS_CPY, RS_UNI, PYO3]
    pp_labels = ["C API (cpyext)", HPYC_UNI, RS_UNI, PYO3_PP]
    if instr:
        bars(axes[0][0], instr, cp_labels, "CPython 3.11: callgrind instructions per iteration (lower is better)",
             "instructions/op (incl. ~%s for the loop)" % fmt(instr.get(LOOP, {}).get(CAPI)), rows)
    else:
        bars(axes[0][0], cp_ns, cp_labels, "CPython 3.11: median ns/op", "ns/op", rows)
    if pp_ns:
        bars(axes[0][1], pp_ns, pp_labels, "PyPy: median ns/op (lower is better; log scale)", "ns/op", rows)
        axes[0][1].set_xscale("log")
    rk_labels = [RS_CPY, RS_UNI, PYO3, PYO3_PP, "pure Python"]
    rk = {}
    for name, data in (("CPython 3.11", cp_rk4), ("PyPy", pp_rk4)):
        for label, v in data.get("RK4 step", {}).items():
            rk.setdefault(name, {})[label] = v / 1000
    bars(axes[1][0], rk, rk_labels, "RK4 step (double pendulum, 4-element arrays)", "µs/step",
         [n for n in ("CPython 3.11", "PyPy") if n in rk])
    bars(axes[1][1], cp_ns, cp_labels, "CPython 3.11: median ns/op (noisy; see instructions)", "ns/op", rows)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--mode", default="full")
    parser.add_argument("--command", default="bench/run")
    parser.add_argument("--pypy", default="")
    parser.add_argument("--python314-from", default="", help="where bench/run got CPython 3.14")
    parser.add_argument("--seconds", type=int, default=0)
    parser.add_argument("--markdown", required=True)
    parser.add_argument("--chart", required=True)
    args = parser.parse_args()
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
    add("# Benchmarks")
    add("")
    add(
        "hpy-rs against the same workload written in C with the C API, in C with "
        "HPy, and in Rust with PyO3, on CPython and PyPy. Generated by "
        "[`bench/run`](bench/run) (method and files: [bench/README.md](bench/README.md))."
    )
    add("")
    add(POINTERS)
    add("")
    add("- command: `%s` (%s mode, %d s), %s UTC" % (
        args.command.strip(), args.mode, args.seconds,
        datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")))
    add("- machine: %s" % machine())
    cp_version = cp_simple and cp_simple["version"].split()[0]
    pp_version = pp_simple and pp_simple["version"]
    for name, value in versions(cp_version, pp_version, cp314_version):
        add("- %s: %s" % (name, value))
    add("")
    add("![chart](bench/chart.png)")
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
    with open(args.markdown, "w") as f:
        f.write("\n".join(md))
    chart(args.chart, rows, instr, cp_ns, pp_ns, cp_rk4, pp_rk4)


if __name__ == "__main__":
    main()
