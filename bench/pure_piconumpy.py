"""piconumpy in pure Python: the same API as examples/piconumpy."""


class array:
    """A one-dimensional array of floats."""

    __slots__ = ("data", "size")

    def __init__(self, data):
        self.data = [float(v) for v in data]
        self.size = len(self.data)

    @classmethod
    def _from_list(cls, data):
        new = cls.__new__(cls)
        new.data = data
        new.size = len(data)
        return new

    def tolist(self):
        return list(self.data)

    def __len__(self):
        return self.size

    def __getitem__(self, i):
        return self.data[i]

    def __setitem__(self, i, value):
        self.data[i] = float(value)

    def __mul__(self, x):
        return array._from_list([v * x for v in self.data])

    def __rmul__(self, x):
        return array._from_list([x * v for v in self.data])

    def __truediv__(self, x):
        return array._from_list([v / x for v in self.data])

    def __add__(self, other):
        if other.size != self.size:
            raise ValueError(
                "operands could not be added: sizes %d and %d" % (self.size, other.size)
            )
        return array._from_list([a + b for a, b in zip(self.data, other.data)])


def empty(n):
    return array._from_list([0.0] * n)


def zeros(n):
    return array._from_list([0.0] * n)
