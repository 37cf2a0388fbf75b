"""examples/ujson beyond its upstream suite: the same outcomes as the real
ujson 6.1.0 on a recorded corpus (ujson_corpus/, recorded by its
record.py from the PyPI release), hostile input (malformed and truncated
documents, invalid UTF-8, lone surrogates, 10^6-deep nesting, huge numbers,
callables and objects that raise or misbehave, dicts changed while they are
written), and a fuzzer that mutates JSON documents: every call ends in a
value or a Python exception, never a crash or a stack overflow."""

import json
import math
import random
import re
import struct
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "ujson_corpus"))
import cases  # noqa: E402

IS_PYPY = sys.implementation.name == "pypy"
CORPUS = json.loads((Path(__file__).resolve().parent / "ujson_corpus" / "corpus.json").read_text())
# Messages that come from the interpreter rather than from ujson (the
# UTF-8 decoder's, int()'s) may be worded differently by PyPy: there the
# exception's class is compared, not its message.
INTERPRETER_MESSAGES = {"UnicodeDecodeError", "UnicodeEncodeError", "ValueError"}


def _same(expected, actual):
    if expected == actual:
        return True
    if IS_PYPY and expected[0] == actual[0] == "error" and expected[1] == actual[1] \
            and expected[1] in INTERPRETER_MESSAGES:
        return True
    return False


@pytest.mark.parametrize("kind", ["dumps", "loads"])
def test_outcomes_match_recorded_ujson(ujson, kind):
    inputs = cases.encode_cases() if kind == "dumps" else cases.decode_cases()
    recorded = CORPUS[kind]
    assert len(recorded) == len(inputs), "corpus.json is stale: rerun ujson_corpus/record.py"
    mismatches = []
    for case, expected in zip(inputs, recorded):
        if kind == "dumps":
            value, kw = case
            actual = cases.outcome(lambda: ujson.dumps(value, **kw))
        else:
            actual = cases.outcome(lambda: ujson.loads(case))
        if not _same(expected, actual):
            mismatches.append((repr(case)[:120], expected, actual))
    assert not mismatches, f"{len(mismatches)} of {len(inputs)} differ; first: {mismatches[:3]}"


def test_corpus_covers_what_it_claims():
    """The recorded outcomes are not all of one kind (a corpus of errors
    only would prove little)."""
    for kind in ("dumps", "loads"):
        kinds = {o[0] for o in CORPUS[kind]}
        assert kinds == {"ok", "error"}, kind
    assert sum(o[0] == "ok" for o in CORPUS["dumps"]) > 600


# ------------------------------------------------------------ deep nesting


@pytest.mark.parametrize("opener", ["[", "{\"k\":"])
def test_million_deep_document_raises(ujson, opener):
    closer = "]" if opener == "[" else "}"
    doc = opener * 10**6 + "1" + closer * 10**6
    with pytest.raises(ujson.JSONDecodeError, match="depth limit"):
        ujson.loads(doc)
    with pytest.raises(ujson.JSONDecodeError):
        ujson.loads(opener * 10**6)  # truncated too


def test_million_deep_value_raises(ujson):
    nested = []
    for _ in range(10**6):
        nested = [nested]
    with pytest.raises(OverflowError, match="Maximum recursion level"):
        ujson.dumps(nested)
    d = {}
    for _ in range(2000):
        d = {"k": d}
    with pytest.raises(OverflowError, match="Maximum recursion level"):
        ujson.dumps(d)
    # Breaking the nesting up front keeps the interpreter's own recursion
    # out of freeing it.
    while nested:
        nested = nested[0]


def test_self_containing_values_raise(ujson):
    a = []
    a.append(a)
    with pytest.raises(OverflowError):
        ujson.dumps(a)
    d = {}
    d["self"] = d
    with pytest.raises(OverflowError):
        ujson.dumps(d, sort_keys=True)


# ---------------------------------------------------------- hostile values


def test_huge_numbers(ujson):
    # Beyond the interpreter's limit on the digits of an int read from
    # text: the ValueError int() raises there (as the original's
    # PyLong_FromString), else the int.
    digits = "9" * 5000
    try:
        expected = int(digits)
    except ValueError:
        with pytest.raises(ValueError, match="integer string conversion|digits"):
            ujson.loads(digits)
    else:
        assert ujson.loads(digits) == expected
    assert ujson.loads("1e999999999999") == math.inf
    assert ujson.loads("-1e999999999999") == -math.inf
    assert ujson.loads("1e-999999999999") == 0.0
    assert ujson.loads("0." + "0" * 100000 + "1") == 0.0
    assert ujson.loads("1" + "0" * 400 + ".0") == math.inf


def test_default_that_raises_or_returns_itself(ujson):
    class Boom(Exception):
        pass

    def raising(o):
        raise Boom("no")

    with pytest.raises(Boom):
        ujson.dumps({"a": [object()]}, default=raising)
    with pytest.raises(TypeError, match="maximum recursion depth exceeded"):
        ujson.dumps(object(), default=lambda o: o)
    # A default returning a fresh unserialisable object each time.
    with pytest.raises(TypeError, match="maximum recursion depth exceeded"):
        ujson.dumps(object(), default=lambda o: object())
    # One that returns a structure holding the object again: bounded by depth.
    loop = object()
    with pytest.raises(OverflowError):
        ujson.dumps(loop, default=lambda o: [o])


def test_objects_whose_methods_raise(ujson):
    class BadStr:
        def __str__(self):
            raise KeyError("str")

    class BadRepr:
        def __repr__(self):
            raise KeyError("repr")

    class BadIter(list):
        def __iter__(self):
            raise KeyError("iter")

    class BadLen(list):
        def __len__(self):
            raise KeyError("len")

    class BadFloat(float):
        pass

    with pytest.raises(KeyError):
        ujson.dumps({BadStr(): 1})
    with pytest.raises(KeyError):
        ujson.dumps(BadRepr())
    # A list subclass is written from its items, as ujson does, whatever
    # its __iter__ or __len__ say.
    assert ujson.dumps(BadIter([1, 2])) == "[1,2]"
    # ujson reads a list's length from its storage; the port asks len(),
    # which here raises: either is an answer, a crash is not.
    try:
        assert ujson.dumps(BadLen([1, 2])) == "[1,2]"
    except KeyError:
        pass
    assert ujson.dumps(BadFloat(2.5)) == "2.5"

    class BadToDict:
        def toDict(self):
            return [1]

    with pytest.raises(TypeError, match="toDict"):
        ujson.dumps(BadToDict())

    class BadJson:
        def __json__(self):
            return 3

    with pytest.raises(TypeError, match="__json__"):
        ujson.dumps(BadJson())


def test_dict_changed_while_written(ujson):
    d = {"a": 1, "b": 2, "c": 3}

    def default(o):
        d.clear()
        return 0

    d["x"] = object()
    try:
        out = ujson.dumps({"outer": d, "z": 1}, default=default)
    except RuntimeError:
        pass  # the clearer answer: the dict changed while it was written
    else:
        assert isinstance(out, str)
    d2 = {"a": 1, "b": 2}

    def grow(o):
        for i in range(100):
            d2[f"k{i}"] = i
        return 0

    d2["x"] = object()
    try:
        ujson.dumps(d2, default=grow, sort_keys=True)
    except RuntimeError:
        pass


def test_list_shrunk_while_written(ujson):
    lst = [object(), 1, 2, 3]

    def default(o):
        del lst[:]
        return 0

    try:
        ujson.dumps(lst, default=default)
    except IndexError:
        pass


def test_non_str_keys(ujson):
    assert ujson.dumps({1: 2, 2.5: 3, None: 4, False: 5, b"b": 6}) == \
        '{"1":2,"2.5":3,"null":4,"false":5,"b":6}'
    with pytest.raises(TypeError):
        ujson.dumps({1: 2, "a": 3}, sort_keys=True)

    class Key:
        def __str__(self):
            return "\udc80key"

    assert ujson.dumps({Key(): 1}) == '{"\\udc80key":1}'


# ------------------------------------------------------- malformed documents


DOCUMENTS = [
    '{"a": [1, 2.5, -3e10, "x\\u00e9\\ud83d\\ude00"], "b": {"c": null, "d": true}}',
    '[{"id": 1, "tags": ["a", "b"], "geo": [1.5, -2.25]}, {"id": 2, "tags": []}]',
    '"plain string with \\"escapes\\" and \\n newlines"',
    "[NaN, Infinity, -Infinity, 0, -0, 01, 1.]",
]


def _random_numbers(rng, n):
    """Numbers for every path of the float reader: 16-19 digit mantissas
    (beyond Clinger's exact case: the Eisel-Lemire step), midpoints
    between neighbouring doubles written exactly and cut short (where the
    rounding is closest to undecided), subnormals, exponents at the ends
    of the range, more than 19 digits (Rust's parser), and the short
    decimals of Clinger's case."""
    from decimal import Decimal, getcontext
    getcontext().prec = 1200
    out = []
    for k in range(n):
        kind = k % 6
        if kind == 0:
            x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(63)))[0]
            s = repr(x if math.isfinite(x) else 1.5)
        elif kind == 1:
            d = str(rng.randrange(10**15, 10**19))
            p = rng.randrange(1, len(d))
            s = d[:p] + "." + d[p:] + "e" + str(rng.randint(-330, 310))
        elif kind == 2:
            x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(62) + 1))[0]
            mid = (Decimal(x) + Decimal(math.nextafter(x, math.inf))) / 2
            m, e = format(mid, "e").split("e")
            m = m.replace(".", "")[:rng.choice([17, 18, 19, 20, 800])]
            s = m[0] + "." + (m[1:] or "0") + "e" + str(int(e))
        elif kind == 3:
            s = repr(struct.unpack("<d", struct.pack("<Q", rng.getrandbits(52)))[0])
        elif kind == 4:
            s = str(rng.randrange(1, 10**19)) + "e" + str(rng.choice([-345, -330, -310, 290, 305, 310]))
        else:
            s = repr(rng.uniform(-180, 180))
        s = s.lstrip("-")
        out.append(s if rng.random() < 0.5 else "-" + s)
    return out


def test_floats_read_as_float_reads_them(ujson):
    """Bit for bit what Python's float() reads (ujson 6.1.0 reads these
    the same: a differential run over 520,000 of them matched), one by one
    and in one array."""
    numbers = _random_numbers(random.Random(5), 12000)
    got = [ujson.loads(s).hex() for s in numbers]
    expected = [float(s).hex() for s in numbers]
    assert got == expected
    assert [x.hex() for x in ujson.loads("[" + ",".join(numbers) + "]")] == expected


def test_repeated_keys_read_as_json_reads_them(ujson):
    """Objects whose keys repeat (the decoder keeps the keys of a call by
    a hash of their text, in 256 slots): many more distinct keys than
    slots, keys that differ in one byte or only in length, the longest
    kept length (32) and one past it, keys with escapes, non-ASCII keys,
    keys that start like numbers, the empty key, and a key's text found
    again as a value. Each document is read as `json` reads it."""
    rng = random.Random(7)
    alphabet = "abcdefghijklmnopqrstuvwxyz_ABC0123456789-"
    pool = ["", "a", "aa", "ab", "ba", "x" * 31, "x" * 32, "x" * 33, "y" * 32 + "z",
            "é", "ключ", "tab\tkey", "quote\"key", "0", "-1", "12.5", "1e3"]
    pool += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40)))
             for _ in range(1500)]
    for _ in range(300):
        keys = [rng.choice(pool) for _ in range(rng.randrange(1, 60))]
        doc = [{k: rng.choice([1, k, None, [k], {k: k}]) for k in keys[i:] + keys[:i]}
               for i in range(rng.randrange(1, 6))]
        text = json.dumps(doc, ensure_ascii=rng.random() < 0.5)
        assert ujson.loads(text) == json.loads(text), text[:80]


def test_predicted_keys_read_as_json_reads_them(ujson):
    """Objects that mostly repeat their keys in the same order (the
    decoder compares the key read after the last key the time before
    with the input first): keys that are prefixes or extensions of the
    predicted one, escaped and non-ASCII keys, the kept length and one
    past it, the order changed, nesting between keys, either spacing, and
    documents cut anywhere, a key's text included. Each is read as `json`
    reads it, or refused where `json` refuses it."""
    rng = random.Random(11)
    pool = ["a", "ab", "abc", "abcdefgh", "abcdefghi", "abcdefghijklmnop",
            "abcdefghijklmnopq", "x" * 32, "x" * 33, "", "é", 'a"b', "a\\b", "a\tb"]
    for _ in range(4000):
        keys = rng.sample(pool, rng.randrange(1, 6))
        objs = []
        for _ in range(rng.randrange(1, 6)):
            ks = keys if rng.random() < 0.7 else rng.sample(pool, rng.randrange(0, 5))
            objs.append({k: rng.choice([1, "v", None, [k], {k: 2}]) for k in ks})
        text = json.dumps(objs, separators=rng.choice([(",", ":"), (", ", ": ")]))
        if rng.random() < 0.3:
            text = text[:rng.randrange(len(text))]
        try:
            expected = json.loads(text)
        except ValueError:
            with pytest.raises(ujson.JSONDecodeError):
                ujson.loads(text)
            continue
        assert ujson.loads(text) == expected, text[:80]


def test_repeated_numbers_read_as_json_reads_them(ujson):
    """Documents that repeat their numbers (the decoder lends a number it
    read before, by value: an int by its magnitude and sign, a float by
    its bits): ints and floats with the same bits (1.0 and 2**62 + ...),
    0, -0, 0.0 and -0.0, the ends of 64 bits and past them, floats that
    overflow to infinity, NaN, numbers in runs, more distinct repeated
    numbers than the decoder keeps (1,024), and documents whose numbers
    first do not repeat (the table turns itself off) and then do. Each
    reads as `json` reads it, types and signs included (compared by
    `repr`)."""
    same_bits = struct.unpack("<q", struct.pack("<d", 1.0))[0]
    pool = ["0", "-0", "0.0", "-0.0", "1", "1.0", "-1", "1e0", str(same_bits), "2.5",
            str(2**63 - 1), str(2**63), str(-2**63), str(2**64 - 1), str(2**64),
            str(-2**63 - 1), "1e400", "-1e400", "NaN", "12345678901234567890123",
            "31.1471", "31231.31231202", "213", "3381293"]
    rng = random.Random(12)
    docs = []
    for _ in range(400):
        picks = [rng.choice(pool) for _ in range(rng.randrange(1, 40))]
        docs.append("[" + ",".join(picks * rng.randrange(1, 4)) + "]")
    # Past the kept limit: 3,000 distinct numbers, each read twice.
    docs.append("[" + ",".join(f"{i},{i}" for i in range(3000)) + "]")
    docs.append("[" + ",".join(f"{i}.5,{i}.5" for i in range(3000)) + "]")
    # Unique first (off after a trial), repeated after.
    docs.append("[" + ",".join(str(i * 7919) for i in range(600)) + "," + ",".join(["42", "4.2"] * 300) + "]")
    for text in docs:
        expected = json.loads(text)
        got = ujson.loads(text)
        assert repr(got) == repr(expected), text[:80]
    nan = ujson.loads("[NaN, NaN]")
    assert nan[0] != nan[0] and nan[1] != nan[1]


def test_repeated_strings_read_as_json_reads_them(ujson):
    """Documents that repeat string values (the decoder lends a string
    value it read before, found by its text as the input has it, escapes
    included, of at most 1,024 bytes): strings that differ only in their
    middle bytes, only in length, or only by being escaped, the longest
    shared length and one past it, plain and escaped, strings that start
    like numbers (never shared), a key's text as a value, non-ASCII
    strings, more distinct repeated strings than the decoder keeps
    (1,024), and documents whose strings first do not repeat (the table
    turns itself off) and then do. Each reads as `json` reads it."""
    rng = random.Random(13)
    middle = ["a" * 8 + c * k + "b" * 8 for k in (1, 2, 16) for c in "xyz"]
    long = ["x" * 1022, "x" * 1023, "x" * 1024, "é" * 169, "é" * 170, "\"\\" * 255]
    pool = middle + long + ["", "a", "ab", "abc", "x" * 32, "x" * 33, "en", "ja", "recent",
                            "Sun Aug 31 00:29:15 +0000 2014", "12", "-1", "é", "naïve", "tab\tend",
                            "<a href=\"http://x.example\">x</a>", "日本 café", "🙂 ok"]
    docs = []
    for _ in range(400):
        picks = [rng.choice(pool) for _ in range(rng.randrange(1, 30))]
        doc = [{p: p} if rng.random() < 0.2 else p for p in picks]
        docs.append(json.dumps(doc, ensure_ascii=rng.random() < 0.5))
    docs.append(json.dumps([s for i in range(3000) for s in (f"v{i}", f"v{i}")]))
    docs.append(json.dumps([s for i in range(3000) for s in (f"é{i}", f"é{i}")]))
    docs.append(json.dumps([f"u{i}" for i in range(600)] + ["en", "ja"] * 300))
    # The same text escaped and plain.
    docs.append('["ab", "a\\u0062", "ab", "a\\u0062", "ab"]')
    for text in docs:
        assert ujson.loads(text) == json.loads(text), text[:80]


def test_repeated_escaped_strings_end_where_json_ends_them(ujson):
    """String values with escapes, each twice or more in a document, that
    share their first bytes with others and differ in where they end:
    runs of backslashes of every length before a quote (escaped or the
    closing one), escaped quotes and backslashes at every offset in a
    word, `\\uXXXX` escapes, pairs and lone surrogates, strings cut at
    the 1,024 bytes the decoder looks up and past them. Each document
    reads as `json` reads it; one that breaks off inside a repeated
    string, or repeats a string with a bad escape, is an error."""
    rng = random.Random(29)
    pieces = ['\\"', '\\\\', "\\u00e9", "\\u65e5", "\\ud83d\\ude42", "\\/", "\\n", "a", "bc",
              "defgh", " ", "x" * 7]
    texts = []
    for _ in range(300):
        body = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        texts.append(body)
        texts.append(body + rng.choice(pieces))
        texts.append(rng.choice(pieces) + body)
    texts += ["a" * k + "\\u00e9" + "b" * (1024 - k - 6 + d) for k in (0, 500, 1017, 1018)
              for d in (-1, 0, 1)]
    for _ in range(300):
        picks = [rng.choice(texts) for _ in range(rng.randrange(1, 20))]
        picks += rng.sample(picks, len(picks) // 2 + 1)
        text = "[" + ", ".join(f'"{t}"' for t in picks) + "]"
        assert ujson.loads(text) == json.loads(text), text[:80]
    # Lone surrogates, found again, read as the decoder reads them once.
    lone = '"\\ud800x\\udc00"'
    assert ujson.loads(f"[{lone}, {lone}, {lone}]") == [ujson.loads(lone)] * 3
    for bad in ['["a\\u00e9", "a\\u00e9', '["a\\u00e9b", "a\\u00e9b", "a\\u00e', '["a\\qb", "a\\qb"]',
                '["a\\u00e9b", "a\\u00e9b", "a\\u0\\"b"]']:
        with pytest.raises(ujson.JSONDecodeError):
            ujson.loads(bad)


def test_keys_past_the_kept_limit_read_as_json_reads_them(ujson):
    """More distinct keys in one call than the decoder keeps (4,096: it
    lends the keys it keeps to the dicts and closes them when the call
    ends), then keys kept before the limit and keys made after it found
    again, nested so that a key waits for its value while other keys are
    read: read as `json` reads it (and, in debug mode, no handle leaks)."""
    many = [f"k{i:x}" for i in range(5_000)]
    doc = {k: i for i, k in enumerate(many)}
    doc["nested"] = [{"k0": {"k1": 1, many[-1]: {many[-2]: None, "k0": [True]}}},
                     {many[-1]: "again", "k2": {"k1": "k0"}}]
    text = json.dumps(doc)
    assert ujson.loads(text) == json.loads(text)
    # A document that ends while keys wait for their values.
    with pytest.raises(ujson.JSONDecodeError):
        ujson.loads('{"a": {"b": {"a": [1, {"b": ')


def test_escaped_runs_read_as_json_reads_them(ujson):
    """Escaped text as an encoder with ensure_ascii writes it: runs of
    `\\uXXXX` in one block of 256 characters or across blocks, upper- and
    lower-case digits, ASCII between them, pairs for characters beyond
    U+FFFF, runs longer than the reader's own runs (128)."""
    rng = random.Random(6)
    blocks = [0x0600, 0x0400, 0x4E00, 0x0000, 0x00E0, 0xFF00, 0x2000]
    docs = []
    for _ in range(3000):
        chars = []
        for _ in range(rng.randrange(1, 5)):
            block = rng.choice(blocks)
            chars += [chr(block | rng.randrange(256)) if rng.random() < 0.8 else " "
                      for _ in range(rng.choice([1, 5, 127, 128, 129, 300]))]
            if rng.random() < 0.3:
                chars.append(chr(rng.randrange(0x10000, 0x110000)))
            if rng.random() < 0.3:
                chars.append(rng.choice(['"', "\\", "\n", "/", "x", "\x01"]))
        text = "".join(c for c in chars if not 0xD800 <= ord(c) < 0xE000)
        doc = json.dumps(text)
        if rng.random() < 0.5:
            doc = re.sub(r"\\u[0-9a-f]{4}", lambda m: m.group(0).upper().replace("\\U", "\\u"), doc)
        docs.append(doc)
    for doc in docs:
        assert ujson.loads(doc) == json.loads(doc), doc[:80]


def test_every_truncation_raises_or_decodes(ujson):
    for doc in DOCUMENTS:
        for data in (doc, doc.encode()):
            for n in range(len(data)):
                try:
                    ujson.loads(data[:n])
                except ujson.JSONDecodeError:
                    pass


def test_invalid_utf8_and_lone_surrogates(ujson):
    rng = random.Random(3)
    for _ in range(3000):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 10)))
        for doc in (b'"' + raw + b'"', b"[" + raw + b"]", raw):
            try:
                ujson.loads(doc)
            except ujson.JSONDecodeError:
                pass
            except ValueError:
                pass  # an int beyond Python's digits limit cannot happen here, but stays a ValueError
        try:
            text = raw.decode("utf-8", "surrogateescape")
            out = ujson.dumps(text)
        except (UnicodeEncodeError, OverflowError):
            continue
        assert ujson.loads(out) == text


# ------------------------------------------------------------------ fuzzer


def _mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randrange(1, 4)):
        op = rng.randrange(5)
        if not data:
            data.extend(rng.choice([b"[", b"{", b'"', b"1"]))
        at = rng.randrange(len(data))
        if op == 0:
            data[at] = rng.randrange(256)
        elif op == 1:
            del data[at:at + rng.randrange(1, 4)]
        elif op == 2:
            data[at:at] = rng.choice([b"[", b"]", b"{", b"}", b'"', b"\\", b"\\u", b"\\ud800",
                                      b",", b":", b"\x00", b"\xff", b"\xed\xa0\x80", b"-", b"e",
                                      b"9" * 30, b"NaN", b"Infinity", b"[" * 2000, b" "])
        elif op == 3:
            data = data[:at]
        else:
            chunk = data[at:at + rng.randrange(1, 20)]
            data[at:at] = chunk
    return bytes(data)


def test_mutation_fuzzer(ujson):
    """Mutated documents: each loads() returns a value or raises a Python
    exception; what decodes is written again and read back to the same
    thing (floats' NaN aside)."""
    rng = random.Random(52)
    seeds = [d.encode() for d in DOCUMENTS] + [
        json.dumps(cases._value(random.Random(i), 0), default=str).encode() for i in range(20)
    ]
    decoded = 0
    for i in range(6000):
        data = _mutate(rng, rng.choice(seeds))
        try:
            value = ujson.loads(data if i % 2 else data.decode("utf-8", "surrogatepass")
                                if _decodable(data) else data)
        except (ValueError, OverflowError):
            continue
        decoded += 1
        try:
            text = ujson.dumps(value, ensure_ascii=bool(i % 3))
        except OverflowError:
            continue  # NaN/inf are allowed by default, so only depth can get here
        again = ujson.loads(text)
        assert json.dumps(again, sort_keys=True) == json.dumps(value, sort_keys=True), data
    assert decoded > 300, "the mutations hardly ever decode: the fuzzer tests little"


def _decodable(data):
    try:
        data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


def test_version_and_exception(ujson):
    assert ujson.__version__ == "6.1.0"
    assert issubclass(ujson.JSONDecodeError, ValueError)
    assert ujson.JSONDecodeError.__module__ == "ujson"
