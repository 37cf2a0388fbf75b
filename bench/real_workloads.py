"""Real workloads over rpds and kiwisolver, run inside one interpreter
against whichever `rpds` and `kiwisolver` come first on sys.path (the PyPI
wheels, or the hpy-rs ports put first by PYTHONPATH).

    python bench/real_workloads.py [--quick] [--only NAME,...] [--callgrind]

Prints one JSON object: where rpds and kiwisolver were loaded from, per
workload the seconds of each repeat and its answer (the driver,
bench/real-workloads, checks that every lane agrees), and the workloads
skipped with the reason.

With --callgrind (to run under `valgrind --tool=callgrind
--dump-before=getppid`) each workload, after its warm-up, runs once and
then twice, `os.getppid()` (callgrind's dump marker) before and after
each stretch; the JSON's "dumps" says what each dump holds, in order
("other", or [workload, runs]), so that the driver takes one run's
instructions as I(2) - I(1).
"""

import json
import os
import sys
import time

import kiwisolver
import rpds

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kiwi_workloads  # noqa: E402

# A draft 2020-12 schema in the shape of an API description: `$defs`
# referenced with `$ref` (also recursively), `allOf`, enums, patterns,
# formats left as annotations.
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.com/order.json",
    "type": "object",
    "required": ["id", "customer", "items"],
    "properties": {
        "id": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]+$"},
        "customer": {"$ref": "#/$defs/customer"},
        "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/item"}},
        "notes": {"$ref": "#/$defs/tree"},
        "status": {"enum": ["new", "paid", "shipped"]},
    },
    "$defs": {
        "customer": {
            "type": "object",
            "required": ["name", "address"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "email": {"type": "string", "format": "email"},
                "address": {"$ref": "#/$defs/address"},
            },
        },
        "address": {
            "type": "object",
            "required": ["street", "city"],
            "properties": {
                "street": {"type": "string"},
                "city": {"type": "string"},
                "zip": {"type": "string", "pattern": "^[0-9]{5}$"},
            },
            "additionalProperties": False,
        },
        "item": {
            "allOf": [{"$ref": "#/$defs/priced"}],
            "type": "object",
            "required": ["sku", "quantity"],
            "properties": {
                "sku": {"type": "string"},
                "quantity": {"type": "integer", "minimum": 1},
            },
        },
        "priced": {
            "type": "object",
            "properties": {"price": {"type": "number", "exclusiveMinimum": 0}},
        },
        "tree": {
            "type": "object",
            "properties": {
                "text": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/$defs/tree"}},
            },
        },
    },
}


def order(i):
    return {
        "id": "AB-%d" % i,
        "customer": {"name": "c%d" % i, "email": "c%d@example.com" % i,
                     "address": {"street": "%d Main St" % i, "city": "Town", "zip": "12345"}},
        "items": [{"sku": "s%d" % k, "quantity": k + 1, "price": 1.5 * (k + 1)}
                  for k in range(5)],
        "notes": {"text": "n", "children": [{"text": "a", "children": [{"text": "b"}]}]},
        "status": "paid",
    }


def jsonschema_validate(n):
    """Validation with a validator built once: n valid orders, and n / 10
    invalid ones whose errors are all collected."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(SCHEMA)
    docs = [order(i) for i in range(n)]
    bad = [dict(order(i), id="bad", items=[{"sku": 1, "quantity": 0}]) for i in range(n // 10)]
    ok = sum(validator.is_valid(d) for d in docs)
    errors = sum(len(list(validator.iter_errors(d))) for d in bad)
    return ok * 1000 + errors


def referencing_crawl(n):
    """A Registry of n schemas that refer to each other by URI, crawled,
    then every reference resolved through a resolver."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = []
    for i in range(n):
        contents = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://example.com/s%d.json" % i,
            "$defs": {"x": {"type": "integer"}, "y": {"$ref": "s%d.json#/$defs/x" % ((i + 1) % n)}},
            "properties": {"a": {"$ref": "#/$defs/y"}},
        }
        resources.append((contents["$id"], Resource.from_contents(contents,
                                                                  default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources).crawl()
    resolver = registry.resolver()
    found = 0
    for i in range(n):
        resolved = resolver.lookup("https://example.com/s%d.json#/$defs/y" % i)
        inner = resolved.resolver.lookup(resolved.contents["$ref"])
        found += inner.contents["type"] == "integer"
    return found + len(registry)


def matplotlib_layout(_n):
    """`fig.canvas.draw()` of a 3x4 grid of axes with titles, labels and a
    suptitle, constrained layout (kiwisolver), Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, 4, figsize=(10, 7), layout="constrained")
    for i, ax in enumerate(axes.flat):
        ax.plot([0, 1, 2], [i, i + 1, i * 0.5])
        ax.set_title("axes %d" % i)
        ax.set_xlabel("x label %d" % i)
        ax.set_ylabel("y label %d" % i)
    fig.suptitle("constrained layout")
    fig.canvas.draw()
    pos = axes.flat[-1].get_position()
    plt.close(fig)
    return round(pos.x0, 3) + round(pos.y0, 3)


WORKLOADS = {
    "jsonschema: validate 200 orders + 20 invalid (draft 2020-12, $ref/$defs)":
        (jsonschema_validate, 200),
    "referencing: Registry of 200 resources, crawl + 200 lookups": (referencing_crawl, 200),
    "matplotlib: constrained layout, draw a 3x4 grid (Agg)": (matplotlib_layout, 0),
    "kiwisolver: expressions (5,000 x 2 constraints)":
        (lambda n: kiwi_workloads.expressions(n), 5000),
    "kiwisolver: layout 10x10 (build + 100 suggest/update)":
        (lambda n: kiwi_workloads.layout(10, n), 100),
}


def main():
    quick = "--quick" in sys.argv
    only = None
    if "--only" in sys.argv:
        only = sys.argv[sys.argv.index("--only") + 1].split(",")
    repeat = 3 if quick else 5
    counting = "--callgrind" in sys.argv
    dumps = ["other"]
    results, answers, skipped = {}, {}, {}
    for name, (fn, n) in WORKLOADS.items():
        if only and not any(o in name for o in only):
            continue
        if name.startswith("matplotlib"):
            try:
                import matplotlib  # noqa: F401
            except ImportError as e:
                skipped[name] = "matplotlib does not import here: %s" % e
                continue
        # Warm-up (PyPy's JIT traces; first imports): not timed. Counted
        # on PyPy, a matplotlib draw after two warm-up draws still moved by
        # 8% to the next (6.93 and 6.40 G instructions, the original), so
        # counting warms up longer.
        warm = 1
        if sys.implementation.name == "pypy":
            warm = 6 if counting else 2
        for _ in range(warm):
            answers[name] = fn(n)
        if counting:
            for runs in (1, 2):
                os.getppid()
                dumps.append([name, runs])
                for _ in range(runs):
                    fn(n)
            os.getppid()
            dumps.append("other")
            continue
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn(n)
            times.append(time.perf_counter() - t0)
        results[name] = times
    json.dump({"rpds": rpds.__file__, "kiwisolver": kiwisolver.__file__, "results": results,
               "answers": answers, "skipped": skipped, "dumps": dumps}, sys.stdout)


if __name__ == "__main__":
    main()
