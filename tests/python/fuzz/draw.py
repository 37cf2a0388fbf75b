"""Random calls without Hypothesis: a few combinators that draw from a
`random.Random` the caller seeds.

Hypothesis draws the values themselves, once per session (the pools of
``values.Universe``); putting them together into calls is a pick among
ready values, and a Hypothesis run per target cost more than the picks
(CPython 3.14, rpds + parity + hpyrs_classes: the test process took 20.3 s
of processor time with a run per target, 6.1 s with these). A target's
calls come from a generator seeded with its id (`rng_for`), so they are the
same from run to run whatever targets come before or after it.
"""

import random
import zlib

REJECTED = object()  # what `Gen.filter` draws when no try passes (the outermost one)
FILTER_TRIES = 4


def stable_seed(text):
    """A number from `text` that is the same in every run and process
    (crc32; Python's own hash of a str is salted per process)."""
    return zlib.crc32(text.encode())


def rng_for(text):
    """A random generator seeded by `text` (a target's id)."""
    return random.Random(stable_seed(text))


class Gen:
    """Something to draw values from: ``draw(rng)`` returns one."""

    def __init__(self, draw):
        self.draw = draw

    def map(self, f):
        """Values of this generator passed through `f`."""
        return Gen(lambda rng: f(self.draw(rng)))

    def flatmap(self, f):
        """A value of the generator `f` returns for a value of this one."""
        return Gen(lambda rng: f(self.draw(rng)).draw(rng))

    def filter(self, keep):
        """Values that `keep` accepts: a few tries, then REJECTED."""
        def draw(rng):
            for _ in range(FILTER_TRIES):
                value = self.draw(rng)
                if keep(value):
                    return value
            return REJECTED
        return Gen(draw)


def just(value):
    """Always `value`."""
    return Gen(lambda rng: value)


def sampled_from(values):
    """One of `values`, each as likely."""
    values = list(values)
    if not values:
        raise ValueError("sampled_from needs at least one value")
    return Gen(lambda rng: values[rng.randrange(len(values))])


def one_of(*gens):
    """A value of one of `gens`, each as likely (name one twice to weigh it
    double)."""
    return Gen(lambda rng: gens[rng.randrange(len(gens))].draw(rng))


def integers(low, high):
    """An int between `low` and `high`, both included."""
    return Gen(lambda rng: rng.randint(low, high))


def tuples(*gens):
    """A tuple of one value of each of `gens`."""
    return Gen(lambda rng: tuple(g.draw(rng) for g in gens))


def lists(gen, min_size=0, max_size=4, unique_by=None):
    """A list of `min_size` to `max_size` values of `gen`; with
    `unique_by`, no two with the same key (a repeat is dropped, so the
    list can come out shorter, never below `min_size` values tried)."""
    def draw(rng):
        size = rng.randint(min_size, max_size)
        values, keys = [], set()
        for _ in range(size):
            value = gen.draw(rng)
            if unique_by is not None:
                key = unique_by(value)
                if key in keys:
                    continue
                keys.add(key)
            values.append(value)
        return values
    return Gen(draw)
