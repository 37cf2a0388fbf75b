"""ujson 6.1.0's own tests (the sdist's tests/test_ujson.py and the two
data files it reads, copied unchanged, see SHA256SUMS) run against the
hpy-rs port `examples/ujson`."""
