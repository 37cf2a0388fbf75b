"""kiwisolver workloads, run inside one interpreter against whichever
`kiwisolver` is first on sys.path (the PyPI wheel or the hpy-rs port).

    python bench/kiwi_workloads.py [--repeat N] [--quick]

Prints one JSON object: per workload, the seconds of each repeat and the
workload's answer (the driver checks that both implementations agree).
bench/kiwi-run drives it for every interpreter and implementation.
"""

import json
import sys
import time

import kiwisolver as kiwi


def layout(n_side, n_steps):
    """A grid of n_side x n_side boxes in a window of editable width and
    height: each box has x, y, w, h; neighbours are separated by a gap;
    boxes prefer a size (weak) and a minimum (required); the window's size
    is suggested n_steps times and the solution read back each time.

    Weak and medium constraints leave ties (several optimal layouts), and
    two Cassowary implementations may pick different ones; the answer sums
    what any solution must give: the last box's right and bottom edges,
    pushed against the window by the boxes' preferred sizes."""
    solver = kiwi.Solver()
    width, height = kiwi.Variable("width"), kiwi.Variable("height")
    solver.addEditVariable(width, "strong")
    solver.addEditVariable(height, "strong")
    boxes = [[[kiwi.Variable(f"{k}{i}_{j}") for k in "xywh"] for j in range(n_side)]
             for i in range(n_side)]
    for i in range(n_side):
        for j in range(n_side):
            x, y, w, h = boxes[i][j]
            solver.addConstraint(w >= 10)
            solver.addConstraint(h >= 10)
            solver.addConstraint((w == 50) | "weak")
            solver.addConstraint((h == 30) | "weak")
            if j == 0:
                solver.addConstraint(x == 5)
            else:
                px, _, pw, _ = boxes[i][j - 1]
                solver.addConstraint(x == px + pw + 5)
                solver.addConstraint((w == pw) | "medium")
            if i == 0:
                solver.addConstraint(y == 5)
            else:
                _, py, _, ph = boxes[i - 1][j]
                solver.addConstraint(y == py + ph + 5)
            if j == n_side - 1:
                solver.addConstraint(x + w + 5 <= width)
            if i == n_side - 1:
                solver.addConstraint(y + h + 5 <= height)
    total = 0.0
    for step in range(n_steps):
        solver.suggestValue(width, 400 + 7 * step)
        solver.suggestValue(height, 300 + 3 * step)
        solver.updateVariables()
        x, y, w, h = (v.value() for v in boxes[-1][-1])
        total += x + w + y + h
    return total


def expressions(n):
    """Expression building alone: the operators and comparisons a layout
    writes, with floats on both sides, and a strength."""
    x, y, z = kiwi.Variable("x"), kiwi.Variable("y"), kiwi.Variable("z")
    last = None
    for i in range(n):
        e = 2.0 * x + y / 2 - z + i
        c = (e >= 3 * z - 1) | "weak"
        last = (x + 10 == y) | "strong"
    return c.strength() + last.strength()


def main():
    repeat = 7
    quick = "--quick" in sys.argv
    if "--repeat" in sys.argv:
        repeat = int(sys.argv[sys.argv.index("--repeat") + 1])
    cases = {
        "layout 10x10 (build + 100 suggest/update)": lambda: layout(10, 100),
        "expressions (20,000 x 2 constraints)": lambda: expressions(20000),
    }
    if quick:
        repeat = 3
    results, answers = {}, {}
    for name, case in cases.items():
        answers[name] = case()  # warm-up (and the JIT's first traces on PyPy)
        case()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            case()
            times.append(time.perf_counter() - t0)
        results[name] = times
    json.dump({"module": kiwi.__file__, "results": results, "answers": answers}, sys.stdout)


if __name__ == "__main__":
    main()
