"""xxHash (xxh32, xxh64, xxh3_64, xxh3_128) with python-xxhash 4.1.0's API,
on hpy-rs: the hashers and one-shot functions live in the extension
``xxhash._xxhash``; this package adds the ``xxh128`` aliases, the version
and the hashlib-style ``algorithms_*`` sets, as the original package does."""

from ._xxhash import (
    XXHASH_VERSION,
    xxh3_64,
    xxh3_64_digest,
    xxh3_64_hexdigest,
    xxh3_64_intdigest,
    xxh3_128,
    xxh3_128_digest,
    xxh3_128_hexdigest,
    xxh3_128_intdigest,
    xxh32,
    xxh32_digest,
    xxh32_hexdigest,
    xxh32_intdigest,
    xxh64,
    xxh64_digest,
    xxh64_hexdigest,
    xxh64_intdigest,
)
from .version import VERSION

# XXH128 is XXH3's 128-bit variant: the same type and functions.
xxh128 = xxh3_128
xxh128_digest = xxh3_128_digest
xxh128_intdigest = xxh3_128_intdigest
xxh128_hexdigest = xxh3_128_hexdigest

algorithms_available = {"xxh32", "xxh64", "xxh3_64", "xxh128", "xxh3_128"}
algorithms_guaranteed = algorithms_available

__all__ = [
    "xxh32", "xxh32_digest", "xxh32_intdigest", "xxh32_hexdigest",
    "xxh64", "xxh64_digest", "xxh64_intdigest", "xxh64_hexdigest",
    "xxh3_64", "xxh3_64_digest", "xxh3_64_intdigest", "xxh3_64_hexdigest",
    "xxh3_128", "xxh3_128_digest", "xxh3_128_intdigest", "xxh3_128_hexdigest",
    "xxh128", "xxh128_digest", "xxh128_intdigest", "xxh128_hexdigest",
    "VERSION", "XXHASH_VERSION", "algorithms_available", "algorithms_guaranteed",
]
