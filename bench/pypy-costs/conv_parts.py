"""conv_parts.py - issue 41's three slow PyPy rows taken apart: what one
entry into Python from C HPy costs, and each direction of hpy-rs's design
alone (conv_designs.c's part functions), nanoseconds per call, the minimum
of ROUNDS timeit rounds, every function alternating round by round.

    ~/.cache/hpy-pypy/bin/pypy3 conv_parts.py [ROUNDS]

Run it from this directory after building (README.md)."""

import datetime as dt
import sys
import timeit

import conv_designs as m
import conv_floor

TD = dt.timedelta(days=3, seconds=5, microseconds=7)
DT = dt.datetime(2024, 3, 1, 2, 3, 4, 5)
BIG = 2**999 + 12345

PARTS = [
    ("the call of a C function that returns its argument", conv_floor.noop, TD),
    ("... that calls `lambda x: x` once (one entry into Python)", m.entry1, TD),
    ("... that calls it twice", m.entry2, TD),
    ("timedelta: the packed-int helper (read)", m.td_read, TD),
    ("timedelta: timedelta(d, s, us) called from C (build)", m.td_build, TD),
    ("timedelta: a helper building it from the packed int (build)", m.td_build_helper, TD),
    ("timedelta: td // timedelta(microseconds=1) (read)", m.td_read_floordiv, TD),
    ("timedelta: helper(d, s, us) = timedelta(d, s, us) (build)", m.td_build_helper3, TD),
    ("timedelta: helper(us) = timedelta(0, 0, us) (build)", m.td_build_helper1, TD),
    ("naive datetime: the packed-int helper (read)", m.dt_read, DT),
    ("naive datetime: datetime(y, ..., us) called from C (build)", m.dt_build, DT),
    ("naive datetime: a helper building it from the packed int (build)", m.dt_build_helper, DT),
    ("naive datetime: datetime(<10-byte pickle state>) called from C (build)", m.dt_build_state, DT),
    ("1000-bit int: the 64-bit test (mask, compare)", m.bi_small, BIG),
    ("1000-bit int: 126 bytes made in C, through `lambda x: x`, read in C", m.bi_bytes, BIG),
    ("1000-bit int: 64-bit test and the to_bytes helper (read)", m.bi_read, BIG),
    ("1000-bit int: the from_bytes helper (build)", m.bi_build, BIG),
]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    best = [float("inf")] * len(PARTS)
    for _ in range(3):
        for _, f, x in PARTS:
            timeit.timeit(lambda: f(x), number=50000)
    for _ in range(rounds):
        for i, (_, f, x) in enumerate(PARTS):
            best[i] = min(best[i], timeit.timeit(lambda: f(x), number=200000) / 200000)
    print("| part | ns per call |")
    print("|---|---:|")
    for (name, _, _), t in zip(PARTS, best):
        print(f"| {name} | {t * 1e9:.0f} |")


if __name__ == "__main__":
    main()
