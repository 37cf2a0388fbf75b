"""Where the instructions of one benchmark row go, function by function.

Reads the callgrind dumps bench/run leaves in bench/build/results and prints,
for the given row and implementation, the self cost per iteration of every
function: (cost in the 2N dump - cost in the N dump) / N, from
`callgrind_annotate` output. Compare two implementations to see where one
spends more:

    python3 bench/hotspots.py 'Foo()' 'hpy-rs (CPython ABI)' 'C HPy (CPython ABI)'

`--cpython 3.14` reads the CPython 3.14 dumps (callgrind-3.14.*) instead of
the 3.11 ones; `--results DIR` reads another results directory and
`--prefix P` the dumps named P.* there (bench/rpds-run's:
`--results bench/build/rpds-results --prefix callgrind-rpds`).
"""

import argparse
import glob
import json
import os
import re
import subprocess

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "build", "results")
LINE = re.compile(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*)$")


def function_costs(path, inclusive=False):
    """{function: cost} of one dump, self costs (or, with `inclusive`,
    each function's cost with its callees')."""
    out = subprocess.run(
        ["callgrind_annotate", "--threshold=100", "--inclusive=%s" % ("yes" if inclusive else "no"),
         "--auto=no", path],
        capture_output=True, text=True, check=True,
    ).stdout
    costs = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if m and ":" in m.group(2) and "PROGRAM TOTALS" not in line and "=>" not in line:
            # file:function; inlined code is listed under its header file.
            name = m.group(2).split(" [")[0].split(":", 1)[1]
            if name.startswith("0x") and " [" in m.group(2):
                # A stripped library's function: say which library.
                name += " (%s)" % os.path.basename(m.group(2).split(" [", 1)[1].rstrip("]"))
            costs[name] = costs.get(name, 0) + int(m.group(1).replace(",", ""))
    return costs


def totals(path):
    with open(path) as f:
        for line in f:
            if line.startswith("totals:"):
                return int(line.split()[1])
    raise SystemExit("no totals in " + path)


def per_iteration(row, label, results=RESULTS, prefix="callgrind", inclusive=False):
    for seg_file in glob.glob(os.path.join(results, prefix + ".[0-9]*.json")):
        info = json.load(open(seg_file))
        dumps = info["dumps"]
        base = seg_file[: -len(".json")] + ".out"
        files = {}
        for j, what in enumerate(dumps, start=1):
            if what != "other" and what[0] == row and what[1] == label:
                files[what[2]] = "%s.%d" % (base, j) if j < len(dumps) else base
        if files:
            # The row ran N // its divisor times, then twice that.
            n = min(files)
            short = function_costs(files[n], inclusive)
            long = function_costs(files[2 * n], inclusive)
            total = (totals(files[2 * n]) - totals(files[n])) / n
            names = set(short) | set(long)
            costs = {k: (long.get(k, 0) - short.get(k, 0)) / n for k in names}
            # Functions on the stack at a dump (main, the eval loop's callers)
            # are reported with inclusive costs: leave them out.
            return total, {k: v for k, v in costs.items() if v < 0.95 * total}
    raise SystemExit("no callgrind dumps for %r / %r in %s/%s.*" % (row, label, results, prefix))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cpython", default="3.11", help="3.11 (default) or 3.14")
    parser.add_argument("--results", default=RESULTS)
    parser.add_argument("--prefix", help="the dumps' file prefix (default: from --cpython)")
    parser.add_argument("row")
    parser.add_argument("labels", nargs="+")
    args = parser.parse_args()
    row, labels = args.row, args.labels
    prefix = args.prefix or ("callgrind" if args.cpython == "3.11" else "callgrind-" + args.cpython)
    measured = [per_iteration(row, label, args.results, prefix) for label in labels]
    costs = [c for _, c in measured]
    names = sorted(set().union(*costs), key=lambda k: -max(abs(c.get(k, 0)) for c in costs))
    print("%-50s" % ("instructions/iteration, row %s" % row) + "".join(" %24s" % l[:24] for l in labels))
    for name in names:
        values = [c.get(name, 0) for c in costs]
        if max(abs(v) for v in values) < 0.5:
            continue
        print("%-50s" % name[-50:] + "".join(" %24.1f" % v for v in values))
    print("%-50s" % "total" + "".join(" %24.1f" % t for t, _ in measured))


if __name__ == "__main__":
    main()
