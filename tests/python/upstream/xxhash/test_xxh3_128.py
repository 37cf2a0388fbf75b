import os
import unittest
import random
import xxhash


class TestXXH(unittest.TestCase):
    def test_xxh3_128(self):
        self.assertEqual(xxhash.xxh3_128(b'a').intdigest(), 225219434562328483135862406050043285023)
        self.assertEqual(xxhash.xxh3_128(b'a', 0).intdigest(), 225219434562328483135862406050043285023)
        self.assertEqual(xxhash.xxh3_128(b'a', 1).intdigest(), 337425133163118381928709500770786453280)
        self.assertEqual(xxhash.xxh3_128(b'a', 2**64-1).intdigest(), 198297796855923085494266857744987477846)

    def test_xxh3_128_intdigest(self):
        self.assertEqual(xxhash.xxh3_128_intdigest(b'a'), 225219434562328483135862406050043285023)
        self.assertEqual(xxhash.xxh3_128_intdigest(b'a', 0), 225219434562328483135862406050043285023)
        self.assertEqual(xxhash.xxh3_128_intdigest(b'a', 1), 337425133163118381928709500770786453280)
        self.assertEqual(xxhash.xxh3_128_intdigest(b'a', 2**64-1), 198297796855923085494266857744987477846)

    def test_xxh3_128_long(self):
        # Longer than 240 bytes, so this exercises the XXH3 long path.
        cases = [
            (b'a' * 241, 0, 83055572732911745733364072063521397040),
            (b'a' * 241, 1, 212898653139750571665199124048622024442),
            (b'a' * 1024, 0, 109508391914506197641422089710284077596),
            (bytes(range(256)) * 4, 0, 174836936922913186110831535746530774306),
            (b'\x00' * 65536, 0, 336787309845147245671426168055747992746),
        ]
        for data, seed, expected in cases:
            self.assertEqual(xxhash.xxh3_128_intdigest(data, seed), expected)
            h = xxhash.xxh3_128(seed=seed)
            for i in range(0, len(data), 100):
                h.update(data[i:i + 100])
            self.assertEqual(h.intdigest(), expected)

    def test_xxh3_128_update(self):
        x = xxhash.xxh3_128()
        x.update(b'a')
        self.assertEqual(xxhash.xxh3_128(b'a').digest(), x.digest())
        self.assertEqual(xxhash.xxh3_128_digest(b'a'), x.digest())
        x.update(b'b')
        self.assertEqual(xxhash.xxh3_128(b'ab').digest(), x.digest())
        self.assertEqual(xxhash.xxh3_128_digest(b'ab'), x.digest())
        x.update(b'c')
        self.assertEqual(xxhash.xxh3_128(b'abc').digest(), x.digest())
        self.assertEqual(xxhash.xxh3_128_digest(b'abc'), x.digest())

        seed = random.randint(0, 2**64)
        x = xxhash.xxh3_128(seed=seed)
        x.update(b'a')
        self.assertEqual(xxhash.xxh3_128(b'a', seed).digest(), x.digest())
        self.assertEqual(xxhash.xxh3_128_digest(b'a', seed), x.digest())
        x.update(b'b')
        self.assertEqual(xxhash.xxh3_128(b'ab', seed).digest(), x.digest())
        self.assertEqual(xxhash.xxh3_128_digest(b'ab', seed), x.digest())
        x.update(b'c')
        self.assertEqual(xxhash.xxh3_128(b'abc', seed).digest(), x.digest())
        self.assertEqual(xxhash.xxh3_128_digest(b'abc', seed), x.digest())

    def test_xxh3_128_reset(self):
        x = xxhash.xxh3_128()
        h = x.intdigest()
        x.update(b'x' * 10240)
        x.reset()
        self.assertEqual(h, x.intdigest())

    def test_xxh3_128_seed_reset(self):
        seed = random.randint(0, 2**64-1)
        x = xxhash.xxh3_128(seed=seed)
        h = x.intdigest()
        x.update(b'x' * 10240)
        x.reset()
        self.assertEqual(h, x.intdigest())

    def test_xxh3_128_reset_more(self):
        x = xxhash.xxh3_128()
        h = x.intdigest()

        for i in range(random.randint(100, 200)):
            x.reset()

        for i in range(10, 1000):
            x.update(os.urandom(i))
        x.reset()

        self.assertEqual(h, x.intdigest())

        for i in range(10, 1000):
            x.update(os.urandom(100))
        x.reset()

        self.assertEqual(h, x.intdigest())

    def test_xxh3_128_seed_reset_more(self):
        seed = random.randint(0, 2**64-1)
        x = xxhash.xxh3_128(seed=seed)
        h = x.intdigest()

        for i in range(random.randint(100, 200)):
            x.reset()

        for i in range(10, 1000):
            x.update(os.urandom(i))
        x.reset()

        self.assertEqual(h, x.intdigest())

        for i in range(10, 1000):
            x.update(os.urandom(100))
        x.reset()

        self.assertEqual(h, x.intdigest())

    def test_xxh3_128_copy(self):
        a = xxhash.xxh3_128()
        a.update(b'xxhash')

        b = a.copy()
        self.assertEqual(a.digest(), b.digest())
        self.assertEqual(a.intdigest(), b.intdigest())
        self.assertEqual(a.hexdigest(), b.hexdigest())

        b.update(b'xxhash')
        self.assertNotEqual(a.digest(), b.digest())
        self.assertNotEqual(a.intdigest(), b.intdigest())
        self.assertNotEqual(a.hexdigest(), b.hexdigest())

        a.update(b'xxhash')
        self.assertEqual(a.digest(), b.digest())
        self.assertEqual(a.intdigest(), b.intdigest())
        self.assertEqual(a.hexdigest(), b.hexdigest())

    def test_xxh3_128_overflow(self):
        s = b'I want an unsigned 64-bit seed!'
        a = xxhash.xxh3_128(s, seed=0)
        b = xxhash.xxh3_128(s, seed=2**64)
        self.assertEqual(a.seed, b.seed)
        self.assertEqual(a.intdigest(), b.intdigest())
        self.assertEqual(a.hexdigest(), b.hexdigest())
        self.assertEqual(a.digest(), b.digest())
        self.assertEqual(a.intdigest(), xxhash.xxh3_128_intdigest(s, seed=0))
        self.assertEqual(a.intdigest(), xxhash.xxh3_128_intdigest(s, seed=2**64))
        self.assertEqual(a.digest(), xxhash.xxh3_128_digest(s, seed=0))
        self.assertEqual(a.digest(), xxhash.xxh3_128_digest(s, seed=2**64))
        self.assertEqual(a.hexdigest(), xxhash.xxh3_128_hexdigest(s, seed=0))
        self.assertEqual(a.hexdigest(), xxhash.xxh3_128_hexdigest(s, seed=2**64))

        a = xxhash.xxh3_128(s, seed=1)
        b = xxhash.xxh3_128(s, seed=2**64+1)
        self.assertEqual(a.seed, b.seed)
        self.assertEqual(a.intdigest(), b.intdigest())
        self.assertEqual(a.hexdigest(), b.hexdigest())
        self.assertEqual(a.digest(), b.digest())
        self.assertEqual(a.intdigest(), xxhash.xxh3_128_intdigest(s, seed=1))
        self.assertEqual(a.intdigest(), xxhash.xxh3_128_intdigest(s, seed=2**64+1))
        self.assertEqual(a.digest(), xxhash.xxh3_128_digest(s, seed=1))
        self.assertEqual(a.digest(), xxhash.xxh3_128_digest(s, seed=2**64+1))
        self.assertEqual(a.hexdigest(), xxhash.xxh3_128_hexdigest(s, seed=1))
        self.assertEqual(a.hexdigest(), xxhash.xxh3_128_hexdigest(s, seed=2**64+1))

        a = xxhash.xxh3_128(s, seed=2**65-1)
        b = xxhash.xxh3_128(s, seed=2**66-1)
        self.assertEqual(a.seed, b.seed)
        self.assertEqual(a.intdigest(), b.intdigest())
        self.assertEqual(a.hexdigest(), b.hexdigest())
        self.assertEqual(a.digest(), b.digest())
        self.assertEqual(a.intdigest(), xxhash.xxh3_128_intdigest(s, seed=2**65-1))
        self.assertEqual(a.intdigest(), xxhash.xxh3_128_intdigest(s, seed=2**66-1))
        self.assertEqual(a.digest(), xxhash.xxh3_128_digest(s, seed=2**65-1))
        self.assertEqual(a.digest(), xxhash.xxh3_128_digest(s, seed=2**66-1))
        self.assertEqual(a.hexdigest(), xxhash.xxh3_128_hexdigest(s, seed=2**65-1))
        self.assertEqual(a.hexdigest(), xxhash.xxh3_128_hexdigest(s, seed=2**66-1))



if __name__ == '__main__':
    unittest.main()
