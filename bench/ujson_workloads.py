"""The workloads of bench/ujson-run, measured in the process that runs this
file: `python ujson_workloads.py MODULE [--quick] [--cpu]` imports MODULE (ujson,
the port or the original, whichever the path finds; orjson; json) and
prints one JSON object {row: seconds per call}.

The rows are ujson 6.1.0's own tests/benchmark.py workloads (its "Complex
object" row reads the sdist's sample.json and is left out) and three
larger documents generated deterministically in the shapes of the classic
JSON corpora: a social-media timeline (twitter.json: many short strings,
nested objects), a geometry file (canada.json: mostly floats) and a
catalogue (citm_catalog.json: many small ints, repeated keys). Each row is
the minimum over rounds of the mean time of a call, after warm-up rounds
(PyPy's JIT compiles during those)."""

import gc
import json
import os
import random
import sys
import time

USER = {
    "userId": 3381293, "age": 213, "username": "johndoe", "fullname": "John Doe the Second",
    "isAuthorized": True, "liked": 31231.31231202, "approval": 31.1471, "jobs": [1, 2],
    "currJob": None,
}
FRIENDS = [USER] * 8
ARABIC = ("نظام الحكم سلطاني وراثي في الذكور من ذرية السيد تركي بن سعيد بن سلطان ويشترط فيمن "
          "يختار لولاية الحكم من بينهم ان يكون مسلما رشيدا عاقلا ًوابنا شرعيا لابوين عمانيين ")


def timeline(rng, n=400):
    """A twitter.json-like timeline."""
    words = ["the", "a", "json", "rust", "python", "fast", "#hpy", "@pypy", "hello", "world",
             "日本", "café", "naïve", "🙂", "data", "http://t.co/x"]
    users = [{"id": rng.randrange(10**9), "id_str": str(rng.randrange(10**9)),
              "name": f"User {i}", "screen_name": f"user_{i}", "location": rng.choice(["", "Paris", "東京"]),
              "description": " ".join(rng.choice(words) for _ in range(12)),
              "followers_count": rng.randrange(10**6), "friends_count": rng.randrange(5000),
              "verified": rng.random() < 0.1, "profile_image_url": f"http://img.example/{i}.png",
              "created_at": "Sun Aug 31 00:29:15 +0000 2014", "lang": "en"} for i in range(60)]
    tweets = []
    for i in range(n):
        tweets.append({
            "created_at": "Sun Aug 31 00:29:15 +0000 2014", "id": 505874924095815681 + i,
            "id_str": str(505874924095815681 + i),
            "text": " ".join(rng.choice(words) for _ in range(rng.randrange(4, 20))),
            "source": "<a href=\"http://example.com\" rel=\"nofollow\">client</a>",
            "truncated": False, "in_reply_to_status_id": None, "user": rng.choice(users),
            "geo": None, "coordinates": None, "retweet_count": rng.randrange(100),
            "favorite_count": rng.randrange(100),
            "entities": {"hashtags": [{"text": "hpy", "indices": [0, 4]}], "symbols": [],
                         "urls": [], "user_mentions": [{"screen_name": "pypy", "id": 1, "indices": [5, 10]}]},
            "favorited": False, "retweeted": False, "lang": "ja" if i % 3 else "en",
            "metadata": {"iso_language_code": "ja", "result_type": "recent"},
        })
    return {"statuses": tweets, "search_metadata": {"count": n, "max_id": 505874924095815681}}


def geometry(rng, polygons=40, points=600):
    """A canada.json-like FeatureCollection of mostly floats."""
    coords = []
    for _ in range(polygons):
        x, y = rng.uniform(-140, -50), rng.uniform(40, 80)
        ring = []
        for _ in range(points):
            x += rng.uniform(-0.01, 0.01)
            y += rng.uniform(-0.01, 0.01)
            ring.append([x, y])
        coords.append([ring])
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "Canada"},
        "geometry": {"type": "MultiPolygon", "coordinates": coords}}]}


def catalogue(rng, events=600):
    """A citm_catalog.json-like catalogue of small ints and repeated keys."""
    perf = []
    for i in range(events):
        perf.append({
            "eventId": 138586341 + i, "id": 339887544 + i, "logo": None, "name": None,
            "prices": [{"amount": rng.choice([90250, 66500, 28500]), "audienceSubCategoryId": 337100890,
                        "seatCategoryId": 338937295 + k} for k in range(rng.randrange(1, 6))],
            "seatCategories": [{"areas": [{"areaId": 205705999 + a, "blockIds": []} for a in range(rng.randrange(1, 8))],
                                "seatCategoryId": 338937295 + k} for k in range(rng.randrange(1, 4))],
            "seatMapImage": None, "start": 1372701600000 + i * 86400000, "venueCode": "PLEYEL_PLEYEL",
        })
    return {"areaNames": {str(205705993 + a): f"Area {a}" for a in range(40)},
            "events": {str(138586341 + i): {"description": None, "id": 138586341 + i, "logo": None,
                                            "name": f"Event {i}", "subTopicIds": [337184269, 337184283],
                                            "subjectCode": None, "subtitle": None, "topicIds": [324846099]}
                       for i in range(events // 3)},
            "performances": perf}


def row_makers():
    """{name: (a function making the object, calls per round)}, each
    object from its own seeded generator, so that one row can be made
    alone (bench/ujson-run --callgrind makes one per process)."""
    def seeded(seed, make):
        return lambda: make(random.Random(seed))

    return {
        "256 doubles": (seeded(1, lambda r: [sys.maxsize * r.random() for _ in range(256)]), 2000),
        "256 UTF-8 strings": (lambda: [ARABIC] * 256, 400),
        "256 ASCII strings": (lambda: ["A pretty long string which is in a list"] * 256, 2000),
        "medium complex object": (lambda: [[USER, FRIENDS]] * 6, 1000),
        "256 True values": (lambda: [True] * 256, 10000),
        "256 dict{str: int}": (seeded(2, lambda r: [{str(r.random() * 20): int(r.random() * 1000000)}
                                                   for _ in range(256)]), 1000),
        "dict of 256 arrays of 256 dict{str: int}": (seeded(3, lambda r: {
            str(r.random() * 20): [{str(r.random() * 20): int(r.random() * 1000000)} for _ in range(256)]
            for _ in range(256)}), 3),
        "timeline (twitter-like)": (seeded(4, timeline), 20),
        "geometry (canada-like)": (seeded(5, geometry), 5),
        "catalogue (citm-like)": (seeded(6, catalogue), 10),
    }


def load_floor():
    """bench/c/ujson_floor (C HPy, universal; its path in $UJSON_FLOOR)
    through hpy_rs_universal where it is importable (CPython), else the
    interpreter's own hpy.universal (PyPy)."""
    import importlib.machinery
    path = os.environ["UJSON_FLOOR"]
    try:
        import hpy_rs_universal as universal
    except ImportError:
        from hpy import universal
    spec = importlib.machinery.ModuleSpec("ujson_floor", None, origin=path)
    module = universal.load("ujson_floor", path, spec, mode=universal.MODE_UNIVERSAL)
    module.__file__ = path
    return module


def calls(name, module, obj, text):
    """The row's encode, encode with sort_keys and decode calls. The floor
    (ujson_floor) walks the object as an encoder must and makes the decoded
    objects again from a C tape filled before any timing, without JSON text
    (bench/c/ujson_floor/ujson_floor.c)."""
    if name == "ujson_floor":
        walk, build = module.walk, module.build
        tape = module.prepare(json.loads(text))
        return (lambda: walk(obj, False)), (lambda: walk(obj, True)), (lambda: build(tape))
    dumps, loads = module.dumps, module.loads
    return (lambda: dumps(obj)), (lambda: dumps(obj, sort_keys=True)), (lambda: loads(text))


def count(name, module, row, op, n):
    """`--count`: N calls of one row's encode or decode and nothing else
    timed (for callgrind's (I(2N) - I(N)) / N)."""
    make, _ = row_makers()[row]
    obj = make()
    text = json.dumps(obj)
    encode, encode_sorted, decode = calls(name, module, obj, text)
    call = {"encode": encode, "encode sort_keys": encode_sorted}.get(op, decode)
    for _ in range(n):
        call()
    print(module.__file__)


# `--cpu`: the process's CPU time instead of the wall clock, so that time
# the scheduler gives other processes on a shared machine is not counted
# (what the process itself spends, its caches disturbed or not, is).
CLOCK = time.process_time if "--cpu" in sys.argv else time.perf_counter


def measure(call, number, rounds, warmup):
    for _ in range(warmup):
        for _ in range(number):
            call()
    best = float("inf")
    for _ in range(rounds):
        t = CLOCK()
        for _ in range(number):
            call()
        best = min(best, (CLOCK() - t) / number)
    return best


def main():
    name = sys.argv[1]
    quick = "--quick" in sys.argv
    module = load_floor() if name == "ujson_floor" else __import__(name)
    if "--count" in sys.argv:
        i = sys.argv.index("--count")
        count(name, module, sys.argv[i + 2], sys.argv[i + 3], int(sys.argv[i + 1]))
        return
    rounds, warmup = (3, 1) if quick else (7, 3)
    if sys.implementation.name == "pypy" and not quick:
        warmup = 6
    out = {"module_file": getattr(module, "__file__", "built-in")}
    for row, (make, number) in row_makers().items():
        # Every row starts from a collected heap, whatever the rows before
        # it left: on PyPy that decides whether the allocator gives a large
        # result's freed pages back to the kernel, to be faulted in again
        # on the next call (docs/perf/ujson.md, "The benchmark's process").
        gc.collect()
        obj = make()
        number = max(1, number // (10 if quick else 1))
        text = json.dumps(obj)
        encode, encode_sorted, decode = calls(name, module, obj, text)
        # Same output as the original ujson, so the same work (orjson and
        # json write other forms: their rows are for reference).
        out[f"encode: {row}"] = measure(encode, number, rounds, warmup)
        out[f"decode: {row}"] = measure(decode, number, rounds, warmup)
        if name == "ujson":
            assert module.loads(module.dumps(obj)) == json.loads(json.dumps(obj))
        if "256 arrays" in row and name in ("ujson", "json", "ujson_floor"):
            out[f"encode sort_keys: {row}"] = measure(encode_sorted, 3, rounds, warmup)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
