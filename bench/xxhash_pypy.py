"""PyPy rows of the xxhash comparison measured in one process per
implementation: each row runs `--calls` times per round, `--rounds`
rounds, and the minimum CPU time per call (`time.process_time`) is kept.
The input object is made once per row, as `bench/xxhash-run` does (so
cpyext converts it once).

    PYTHON bench/xxhash_pypy.py DIR|orig|floor:DIR [--calls N] [--rounds R]

DIR holds the port's `xxhash` package (`cargo hpy build --universal`);
`orig` imports the installed original (the venv of
`ports.venv_with_wheel(PYPY, "xxhash-pypy", "xxhash==4.1.0",
sdist_if_no_wheel=True)`); `floor:DIR` imports `xxh_floor` from DIR
(bench/pypy-costs/xxh_floor.c built there: the C HPy floor of the
one-shot rows, the hashing left out, and the call alone). Prints one line
per row: name, size, ns.
"""

import argparse
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("where")
    parser.add_argument("--calls", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    if args.where.startswith("floor:"):
        sys.path.insert(0, args.where[len("floor:"):])
        import xxh_floor as floor

        rows = [
            ("xxh64_intdigest(data)", lambda d: floor.intdigest(d)),
            ("xxh64_intdigest(data), the original's signature (data, seed=0)",
             lambda d: floor.intdigest_kw(d)),
            ("xxh3_128_hexdigest(data)", lambda d: floor.hexdigest(d)),
            ("xxh3_128_hexdigest(data), str by HPyUnicode_DecodeASCII",
             lambda d: floor.hexdigest_decode(d)),
            ("one-argument call alone", lambda d: floor.noop(d)),
        ]
        sizes = (0, 16, 64)
    else:
        if args.where != "orig":
            sys.path.insert(0, args.where)
        import xxhash as m

        rows = [
            ("xxh64_intdigest(data)", lambda d: m.xxh64_intdigest(d)),
            ("xxh3_128_hexdigest(data)", lambda d: m.xxh3_128_hexdigest(d)),
            ("xxh64(); update(data); intdigest()", lambda d: m.xxh64(d).intdigest()),
        ]
        sizes = (0, 16, 64, 1 << 20)
    for name, f in rows:
        for size in sizes:
            data = b"x" * size
            calls = args.calls if size < 1 << 20 else max(1, args.calls // 1000)
            best = float("inf")
            for _ in range(args.rounds):
                t0 = time.process_time()
                for _ in range(calls):
                    f(data)
                best = min(best, (time.process_time() - t0) / calls * 1e9)
            print("%s\t%d\t%.1f" % (name, size, best))


if __name__ == "__main__":
    main()
