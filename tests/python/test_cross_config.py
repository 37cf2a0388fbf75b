"""The cross-configuration corpus (tests/python/cross_config.py) in this
run's configuration: every one-argument `echo_*` function of hpyrs_test,
hpyrs_conv and hpyrs_features called with every value of the corpus
(about 9,800 calls), and the ports' public APIs (rpds, kiwisolver,
xxhash) with valid, edge and hostile arguments.

Integer and float parameters are checked here against CPython's own rules
(an int or __index__, never __int__, OverflowError out of range; a float,
else __float__, else __index__), which hold in every configuration. In the
universal run through hpy_rs_universal, a child interpreter runs the corpus
again in trace mode, which must give exactly the plain mode's outcomes.
With HPY_RS_DIFF_DIR set, every outcome is also written to
$HPY_RS_DIFF_DIR/<configuration>.json for `cross_config.py compare`, which
compares the configurations with CPython 3.14's CPython ABI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cross_config as cc

HERE = Path(__file__).resolve().parent


def configuration(hpy_mode, hpy_host):
    impl = "pypy" if sys.implementation.name == "pypy" else "cpython"
    name = f"{impl}{sys.version_info[0]}.{sys.version_info[1]}-{hpy_mode}"
    if hpy_host is not None and impl == "cpython":
        name += "-" + hpy_host.__name__.replace(".", "_")
    return name


def _write(config, results):
    out = os.environ.get("HPY_RS_DIFF_DIR")
    if out:
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, config + ".json")
        with open(path, "w") as fh:
            json.dump(results, fh, indent=0, sort_keys=True)
        print(f"cross-config: {len(results)} calls written to {path}")


_RESULTS = {}


def test_corpus(hpyrs_test, hpyrs_conv, hpyrs_features, rpds, kiwisolver, xxhash, hpy_mode,
                hpy_host):
    results, wrong = cc.run_corpus({"hpyrs_test": hpyrs_test, "hpyrs_conv": hpyrs_conv,
                                    "hpyrs_features": hpyrs_features})
    ports = cc.run_ports(rpds, kiwisolver, xxhash)
    assert len(ports) > 2000, len(ports)
    results.update(ports)
    _RESULTS["plain"] = results
    _write(configuration(hpy_mode, hpy_host), results)
    assert len(results) > 5000, len(results)
    assert not wrong, "\n".join(wrong)


TRACE_CHILD = """
import json, sys
sys.modules["hpy"] = None
sys.path[:0] = {paths!r}
import cross_config as cc
import hpyrs_conv, hpyrs_features, hpyrs_test, kiwisolver, rpds, xxhash
results, wrong = cc.run_corpus({{"hpyrs_test": hpyrs_test, "hpyrs_conv": hpyrs_conv,
                                "hpyrs_features": hpyrs_features}})
results.update(cc.run_ports(rpds, kiwisolver, xxhash))
from hpy_rs_universal import _trace
assert sum(_trace.get_call_counts().values()) > 0, "not in trace mode"
json.dump({{"results": results, "wrong": wrong}}, sys.stdout)
"""


def test_corpus_in_trace_mode(hpyrs_test, hpyrs_conv, hpyrs_features, rpds, kiwisolver, xxhash,
                              hpy_mode, hpy_host):
    if hpy_mode != "universal" or hpy_host is None or hpy_host.__name__ != "hpy_rs_universal":
        pytest.skip("trace mode is run from the universal run through hpy_rs_universal")
    if "plain" not in _RESULTS:
        pytest.skip("test_corpus did not run in this session")
    folder = str(Path(hpyrs_test.__spec__.origin).parent)
    env = {k: v for k, v in os.environ.items() if k not in ("HPY", "HPY_LOG")}
    env["HPY"] = "trace"
    proc = subprocess.run([sys.executable, "-c", TRACE_CHILD.format(paths=[folder, str(HERE)])],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    child = json.loads(proc.stdout)
    _write(configuration("trace", hpy_host), child["results"])
    assert not child["wrong"], "\n".join(child["wrong"])
    plain = _RESULTS["plain"]
    differ = [f"{k}: plain {plain[k]}, trace {child['results'].get(k)}"
              for k in plain if child["results"].get(k) != plain[k]]
    assert len(child["results"]) == len(plain)
    assert not differ, "\n".join(differ[:50])
