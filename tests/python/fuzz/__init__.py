"""The fuzzer behind ``test_fuzz.py``.

* ``recipes``  - inputs as small picklable trees ("recipes") that a worker
                 builds into objects and that print as Python source;
* ``objects``  - the hostile objects recipes can name (special methods that
                 raise or lie, subclasses of builtins and of extension classes);
* ``draw``     - the combinators random calls are picked with, seeded per target;
* ``values``   - the arguments: pools of random values and sweep dictionaries,
                 by the role of a parameter (its type, a receiver, a class...);
* ``targets``  - what to call: targets from the modules' description, the
                 probes that learn their parameters, their calls;
* ``worker``   - the subprocess that imports the extensions, describes them
                 and runs one call per request;
* ``pool``     - the test process's side: workers reused until they die, a
                 death turned into an answer that says how and what it printed.

A reproducer printed by the test imports ``fuzz.objects`` (tests/python on
``sys.path``) and the extension modules (their build directory on ``sys.path``).
"""
