"""The worker of bench/ujson-alternate: `python ujson_alternate.py
"SUBSTRING[,SUBSTRING...]"` times the rows of ujson_workloads.py whose
names hold one of the substrings, with whichever `ujson` the path finds,
and prints one JSON object {row: [µs per call, minor page faults per
call]} (CPU time, as `ujson_workloads.py --cpu`; the faults are counted
over the timed rounds)."""

import gc
import json
import resource
import sys

sys.argv.append("--cpu")  # ujson_workloads picks its clock from argv
import ujson_workloads as W  # noqa: E402

import ujson  # noqa: E402

ROUNDS, WARMUP = 7, 3


def main():
    wanted = sys.argv[1].split(",")
    out = {"module_file": ujson.__file__}
    for row, (make, number) in W.row_makers().items():
        if not any(w in row for w in wanted):
            continue
        gc.collect()
        obj = make()
        text = json.dumps(obj)
        encode, encode_sorted, decode = W.calls("ujson", ujson, obj, text)
        ops = [("encode", encode, number), ("decode", decode, number)]
        if "256 arrays" in row:
            ops.append(("encode sort_keys", encode_sorted, 3))
        for op, call, n in ops:
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            best = W.measure(call, n, ROUNDS, WARMUP)
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
            out[f"{op}: {row}"] = [round(best * 1e6, 1), round(faults / ((ROUNDS + WARMUP) * n), 2)]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
