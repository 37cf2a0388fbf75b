"""Upstream test files are copied byte for byte: each directory under
tests/python/upstream lists the sha256 of its copies in SHA256SUMS, as
computed from the upstream release (for rpds: the rpds-py 2026.9.1 sdist's
tests/). A directory may also list the data files its tests read
(ujson's JSON fixtures): they are checked the same way."""

import hashlib
from pathlib import Path

import pytest

UPSTREAM = Path(__file__).resolve().parent / "upstream"
SUMS = sorted(UPSTREAM.glob("*/SHA256SUMS"))


def test_every_upstream_directory_has_sums():
    assert SUMS, f"no SHA256SUMS under {UPSTREAM}"


@pytest.mark.parametrize("sums", SUMS, ids=lambda p: p.parent.name)
def test_upstream_copies_are_unchanged(sums):
    listed = {}
    for line in sums.read_text().splitlines():
        digest, name = line.split()
        listed[name] = digest
    copies = {p.name for p in sums.parent.glob("test*.py")}
    assert copies <= set(listed), "every copied test file is listed"
    for name, digest in listed.items():
        actual = hashlib.sha256((sums.parent / name).read_bytes()).hexdigest()
        assert actual == digest, f"{sums.parent.name}/{name} differs from the upstream file"
