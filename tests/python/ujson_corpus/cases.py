"""The cases of the ujson differential corpus: inputs to `dumps` and
`loads` made deterministically (a seeded random generator, no Python
hashes), and how one case's outcome is written down (`outcome`), the same
for the real ujson 6.1.0 and the port. `record.py` writes the real one's
outcomes to corpus.json; test_ujson_port.py compares the port's with them."""

import math
import random
import struct
import sys

FLOATS = [
    0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, math.pi, math.e, 1e-4, 1e-5, 9.999e-5,
    1e15, 1e16, 9.999999999999998e15, 1e17, 1e21, 1e22, 1e23, 1e-7, 1.5e-7, 123456789.125,
    5e-324, 2.2250738585072014e-308, sys.float_info.max, sys.float_info.min, sys.float_info.epsilon,
    -1.7976931348623157e308, 12345678901234567890.0, 0.000123, 100.0, 1234567.0, 31337.31337,
    -4342969734183514.0, -12345678901234.56789012, 4.56, 1e300, 1e-300, 3.1416, 2.5e-5,
]
INTS = [0, 1, -1, 2**31, 2**32 - 1, 2**63 - 1, -2**63, 2**63, 2**64 - 1, 2**64, -2**63 - 1,
        10**25, -10**25, 2**100, 7, -31337]
STRINGS = [
    "", "a", "hello world", "\"quoted\"", "back\\slash", "/path/to", "</script>", "a&b<c>d",
    "\x00", "\x01\x1f\x7f", "\b\f\n\r\t", "é", "日本語", "\U0001f42e", "\u2028\u2029", "\ud800",
    "\udfff", "\ud83d\udca9", "mixed é \U0001f600 \x00 end", "\uffff", "\u0080\u07ff\u0800",
]
KEYWORDS = [
    {}, {"ensure_ascii": False}, {"encode_html_chars": True}, {"escape_forward_slashes": False},
    {"sort_keys": True}, {"indent": 2}, {"indent": -1}, {"indent": 4, "ensure_ascii": False},
    {"allow_nan": False}, {"reject_bytes": False}, {"separators": (", ", ": ")},
    {"separators": ("\u203d", "\u00a1")}, {"indent": 3, "separators": (",", " = ")},
]


def _value(rng, depth):
    kind = rng.randrange(10 if depth < 4 else 6)
    if kind == 0:
        return rng.choice(FLOATS) * rng.choice([1, -1, 1e-3, 1e3])
    if kind == 1:
        return rng.choice(INTS)
    if kind == 2:
        return rng.choice(STRINGS) + "".join(chr(rng.randrange(0x20, 0x2ff)) for _ in range(rng.randrange(4)))
    if kind == 3:
        return rng.choice([None, True, False])
    if kind == 4:
        return rng.uniform(-1e6, 1e6)
    if kind == 5:
        return rng.getrandbits(rng.choice([8, 40, 70])) * rng.choice([1, -1])
    if kind in (6, 7):
        return [_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    if kind == 8:
        return tuple(_value(rng, depth + 1) for _ in range(rng.randrange(3)))
    keys = [rng.choice(STRINGS) + str(i) for i in range(rng.randrange(5))]
    return {k: _value(rng, depth + 1) for k in keys}


def encode_cases():
    """(value, keywords) pairs."""
    cases = []
    for f in FLOATS:
        for v in (f, -f, [f], {"k": f}):
            cases.append((v, {}))
    for i in INTS:
        cases.append((i, {}))
        cases.append(({"i": i}, {"sort_keys": True}))
    for s in STRINGS:
        for kw in KEYWORDS[:4]:
            cases.append((s, kw))
            cases.append(({s: s}, kw))
    for nan in (float("nan"), float("inf"), float("-inf")):
        cases.append(([nan], {}))
        cases.append(([nan], {"allow_nan": False}))
    for b in (b"abc", b"\xc3\xa9", b"\xed\xa0\x80", b"\xff", b"\xe2\x82", b"\xf4\x90\x80\x80"):
        cases.append((b, {"reject_bytes": False}))
        cases.append(([b], {"reject_bytes": False, "ensure_ascii": False}))
        cases.append(({b: 1}, {}))
    cases.append(({1: 2, None: 3, True: 4, False: 5, 1.5: 6, b"k": 7}, {}))
    cases.append(({"b": 1, "a": {"d": [], "c": {}}}, {"sort_keys": True, "indent": 2}))
    cases.append(({"a": 1, 2: 3}, {"sort_keys": True}))
    # Doubles from random bit patterns (every exponent), for the float form.
    bits = random.Random(754)
    doubles = [struct.unpack("<d", struct.pack("<Q", bits.getrandbits(64)))[0] for _ in range(3000)]
    cases.append(([d for d in doubles if d == d and abs(d) != math.inf], {}))
    cases.append(([10.0 ** k for k in range(-320, 309)], {}))
    rng = random.Random(52)
    for _ in range(400):
        cases.append((_value(rng, 0), rng.choice(KEYWORDS)))
    return cases


def decode_cases():
    """Documents (str or bytes)."""
    docs = [
        "0", "-0", "-0.0", "01", "1.", "1.e5", "-.5", ".5", "1e", "1e+", "1E-3", "1.5e308", "1e400",
        "-1e400", "123456789012345678901234567890", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "1.7976931348623157e308", "4.9e-324",
        "2.2250738585072011e-308", "0.1", "3.141592653589793238462643383279", "-", "--1", "+1",
        "NaN", "Infinity", "-Infinity", "nan", "-NaN", "Inf", "true", "false", "null", "tru", "nul",
        "[]", "{}", "[1,2,3]", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "{\"a\":1 \"b\":2}",
        " [ 1 , { \"a\" : [ ] } ] ", "[1] x", "[1]\x00", "\x00", "", "   ", "\"abc", "\"a\\u00e9\"",
        "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u12\"", "\"\\uzzzz\"",
        "\"\\x\"", "\"tab\there\"", "\"nl\nhere\"", "[\"a\", \"b\"", "{\"a\"", "{\"a\":", "[[[[",
        "\"\\/\\\\\\\"\\b\\f\\n\\r\\t\"", "{\"dup\":1,\"dup\":2}", "[1e5, 1E5, 1e-5, 12.5e+3]",
        "[" * 1024 + "]" * 1024, "[" * 1025 + "]" * 1025, "{\"a\":" * 1025 + "1" + "}" * 1025,
    ]
    bdocs = [b"\"\xc3\xa9\"", b"\"\xed\xa0\x80\"", b"\"\xff\"", b"\"\xc0\x80\"", b"\"\xe0\x80\x80\"",
             b"\"\xf0\x80\x80\x80\"", b"\"\xf4\x90\x80\x80\"", b"\"\xf8\"", b"\"\x80\"", b"\"\xc3\"",
             b"[1, \"\xe6\x97\xa5\"]", b"\xef\xbb\xbf[1]"]
    rng = random.Random(6)
    from_values = []
    alphabet = "[]{}\",:0123456789.eE-+ tfnulrsaINfy\\u\n"
    for _ in range(300):
        from_values.append("".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 12))))
    return docs + bdocs + from_values


def outcome(call):
    """What a call gives: ("ok", repr of the result) or ("error", the
    exception's class name, its message)."""
    try:
        result = call()
    except Exception as e:  # noqa: BLE001 - the outcome is the exception
        return ["error", type(e).__name__, str(e)]
    return ["ok", _repr(result)]


def _repr(v):
    """A text that tells results apart: floats by repr (so -0.0 and nan
    show), containers item by item in their order. Iterative, so that
    1024-deep documents need no deep recursion (CPython 3.12+ bounds the
    C stack's separately from sys.setrecursionlimit)."""
    out = []
    stack = [("value", v)]
    while stack:
        kind, x = stack.pop()
        if kind == "text":
            out.append(x)
        elif isinstance(x, float):
            out.append("float:" + repr(x))
        elif isinstance(x, list):
            parts = [("text", "]")]
            for i, item in reversed(list(enumerate(x))):
                parts.append(("value", item))
                if i:
                    parts.append(("text", ","))
            parts.append(("text", "["))
            stack.extend(parts)
        elif isinstance(x, dict):
            parts = [("text", "}")]
            items = list(x.items())
            for i in range(len(items) - 1, -1, -1):
                k, item = items[i]
                parts.append(("value", item))
                parts.append(("text", ":"))
                parts.append(("value", k))
                if i:
                    parts.append(("text", ","))
            parts.append(("text", "{"))
            stack.extend(parts)
        else:
            out.append(type(x).__name__ + ":" + repr(x))
    return "".join(out)


def run_all(ujson):
    """Every case's outcome with module `ujson`."""
    enc = [outcome(lambda v=v, kw=kw: ujson.dumps(v, **kw)) for v, kw in encode_cases()]
    dec = [outcome(lambda d=d: ujson.loads(d)) for d in decode_cases()]
    return {"dumps": enc, "loads": dec}
