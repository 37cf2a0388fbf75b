"""The layouts of a 6-item array that tests/python/test_numpy.py and
test_numpy_twin.py both pass to the array functions: name -> function of a
contiguous 1-d array (reversed, strided, 2-d and 3-d in C and Fortran
order, transposed, 0-d, empty)."""


def layouts(np):
    """The table, for the NumPy module `np` (imported by each test file,
    which skips without it)."""
    return {
        "contiguous": lambda a: a,
        "reversed": lambda a: a[::-1],
        "every other": lambda a: a[::2],
        "every other reversed": lambda a: a[::-2],
        "2-d": lambda a: a.reshape(2, 3),
        "2-d fortran": lambda a: np.asfortranarray(a.reshape(2, 3)),
        "2-d transposed": lambda a: a.reshape(2, 3).T,
        "2-d both reversed": lambda a: a.reshape(2, 3)[::-1, ::-1],
        "2-d column slice": lambda a: a.reshape(3, 2)[:, 1:],
        "3-d": lambda a: a.reshape(1, 2, 3),
        "0-d": lambda a: a[2:3].reshape(()),
        "empty": lambda a: a[:0],
        "empty 2-d": lambda a: a[:0].reshape(0, 3),
    }
