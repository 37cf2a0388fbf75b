"""Recipes: the fuzzer's inputs as small trees of tuples.

A recipe holds builtin values only, so that marshal can carry it from the
test process to a worker. It is turned into an object by `build` (in the
worker) or into Python source by `source` (for the report). The forms:

    ("v", value)                    a literal: int, float, complex, str, bytes,
                                    bool, None
    ("n", "dotted.name")            a name: an extension module's attribute,
                                    a builtin, operator.X, or fuzz.objects.X
    ("list" | "tuple" | "set", (r, ...))
    ("dict", ((rk, rv), ...))
    ("call", rf, (r, ...), (("kw", r), ...))    rf(*args, **kwargs)
    ("attr", r, "name")             getattr(r, "name")
    ("cdict", r, "name")            r.__dict__["name"] (a raw descriptor)
"""

import builtins
import math
import operator

from . import objects


class Namespace:
    """What ("n", ...) names resolve to: the extension modules, then
    operator and fuzz.objects, then builtins."""

    def __init__(self, modules):
        self.roots = dict(modules)
        self.roots["operator"] = operator
        self.roots["fuzz_objects"] = objects

    def lookup(self, dotted):
        head, _, rest = dotted.partition(".")
        if head in self.roots:
            obj = self.roots[head]
        elif hasattr(objects, head) and head in objects.__all__:
            obj = getattr(objects, head)
        else:
            obj = getattr(builtins, head)
        for part in rest.split(".") if rest else ():
            obj = getattr(obj, part)
        return obj


def build(recipe, ns):
    tag = recipe[0]
    if tag == "v":
        return recipe[1]
    if tag == "n":
        return ns.lookup(recipe[1])
    if tag == "list":
        return [build(r, ns) for r in recipe[1]]
    if tag == "tuple":
        return tuple(build(r, ns) for r in recipe[1])
    if tag == "set":
        return {build(r, ns) for r in recipe[1]}
    if tag == "dict":
        return {build(k, ns): build(v, ns) for k, v in recipe[1]}
    if tag == "call":
        _, rf, rargs, rkwargs = recipe
        f = build(rf, ns)
        args = [build(r, ns) for r in rargs]
        kwargs = {k: build(r, ns) for k, r in rkwargs}
        return f(*args, **kwargs)
    if tag == "attr":
        return getattr(build(recipe[1], ns), recipe[2])
    if tag == "cdict":
        return build(recipe[1], ns).__dict__[recipe[2]]
    raise ValueError(f"unknown recipe {recipe!r}")


def _int_source(x):
    """Big powers of two read better as such: 2**64, -2**63, 2**32-1."""
    a = abs(x)
    sign = "-" if x < 0 else ""
    if a >= 2**20:
        for delta, text in ((0, ""), (1, "-1"), (-1, "+1")):
            k = (a + delta).bit_length() - 1
            if a + delta == 1 << k:
                return f"{sign}2**{k}{text}" if not (sign and text) else f"-(2**{k}{text})"
    return repr(x)


def _literal_source(x):
    if isinstance(x, bool) or x is None:
        return repr(x)
    if isinstance(x, int):
        return _int_source(x)
    if isinstance(x, float):
        if math.isnan(x):
            return "float('nan')"
        if math.isinf(x):
            return "float('inf')" if x > 0 else "-float('inf')"
        return repr(x)
    if isinstance(x, complex):
        return f"complex({_literal_source(x.real)}, {_literal_source(x.imag)})"
    if isinstance(x, (str, bytes)) and len(x) > 40 and len(set(x)) == 1:
        return f"{x[:1]!r} * {len(x)}"
    return repr(x)  # str (lone surrogates print as escapes), bytes


def source(recipe):
    """Python source for what `build` makes of `recipe`."""
    tag = recipe[0]
    if tag == "v":
        return _literal_source(recipe[1])
    if tag == "n":
        name = recipe[1]
        return name[len("fuzz_objects."):] if name.startswith("fuzz_objects.") else name
    if tag == "list":
        return "[" + ", ".join(source(r) for r in recipe[1]) + "]"
    if tag == "tuple":
        items = [source(r) for r in recipe[1]]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if tag == "set":
        return "{" + ", ".join(source(r) for r in recipe[1]) + "}" if recipe[1] else "set()"
    if tag == "dict":
        return "{" + ", ".join(f"{source(k)}: {source(v)}" for k, v in recipe[1]) + "}"
    if tag == "call":
        _, rf, rargs, rkwargs = recipe
        parts = [source(r) for r in rargs] + [f"**{{{k!r}: {source(r)}}}" if not k.isidentifier()
                                              else f"{k}={source(r)}" for k, r in rkwargs]
        return f"{_callee_source(rf)}({', '.join(parts)})"
    if tag == "attr":
        return f"{_callee_source(recipe[1])}.{recipe[2]}"
    if tag == "cdict":
        return f"{_callee_source(recipe[1])}.__dict__[{recipe[2]!r}]"
    raise ValueError(f"unknown recipe {recipe!r}")


def _callee_source(recipe):
    text = source(recipe)
    # Parenthesise what would otherwise bind wrongly: (-5).real, (2**64)(...).
    if recipe[0] == "v" and not text.isidentifier():
        return f"({text})"
    return text
