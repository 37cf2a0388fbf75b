"""The test process's side of the workers: a small pool of ``fuzz.worker``
subprocesses, each with at most one call in flight, reused until it dies
(or has served ``recycle`` calls, so that state one call left behind does
not pile up). A worker that dies or stops answering turns its call into a
"crash" or "hang" answer that says how it ended and what it printed."""

import collections
import os
import marshal
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time

HISTORY = int(os.environ.get("HPY_RS_FUZZ_HISTORY", "40"))  # calls before a crash, shown when it needs them
CALL_MARKER = b"\n@@ hpy-rs fuzz: next call @@\n"  # as in worker.py


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class _Worker:
    def __init__(self, pool):
        self.pool = pool
        fd, self.stderr_path = tempfile.mkstemp(prefix="hpyrs-fuzz-", suffix=".stderr")
        with os.fdopen(fd, "wb") as stderr:
            self.proc = subprocess.Popen(
                [pool.python, "-m", "fuzz.worker", pool.build_dir, ",".join(pool.modules), pool.mode,
                 pool.host or ""],
                cwd=pool.tests_dir, env=pool.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=stderr)
        self.served = 0
        self.history = collections.deque(maxlen=HISTORY)
        self.busy = None  # (call, callback, deadline) of the call in flight
        hello = self._receive(time.monotonic() + pool.start_timeout)
        if not isinstance(hello, dict) or not hello.get("ready"):
            raise RuntimeError(f"fuzz worker failed to start: {hello}")
        pool.started += 1

    def send(self, request):
        # marshal, not pickle: requests and answers are trees of builtin
        # values (fuzz/recipes.py), and PyPy's pickle is Python code that a
        # fresh worker runs before its JIT warms up (a sweep on PyPy took 15%
        # more processor time with pickle).
        data = marshal.dumps(request)
        self.proc.stdin.write(struct.pack("<I", len(data)) + data)
        self.proc.stdin.flush()

    def _read_exact(self, n, deadline):
        chunks, fd = [], self.proc.stdout.fileno()
        while n:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return None, "hang"
            chunk = os.read(fd, n)
            if not chunk:
                return None, "eof"
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks), None

    def _receive(self, deadline):
        """The next answer, or a dict with outcome "crash" or "hang"."""
        header, failure = self._read_exact(4, deadline)
        if header is not None:
            data, failure = self._read_exact(struct.unpack("<I", header)[0], deadline)
            if data is not None:
                return marshal.loads(data)
        return self._death(failure)

    def _death(self, failure):
        if failure == "hang":
            self.proc.kill()
            self.proc.wait()
            how = f"hang: no answer in {self.pool.timeout:g} s (killed)"
            outcome = "hang"
        else:
            try:
                code = self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                code = self.proc.wait()
            how = (f"killed by {_signal_name(-code)}" if code < 0 else f"exited with status {code}")
            outcome = "crash"
        return {"outcome": outcome, "how": how, "stderr": self.stderr_of_last_call(),
                "history": list(self.history)}

    def stderr_of_last_call(self, head=14, tail=10):
        """What the worker printed since its last call began (the worker
        writes a marker before each call): the first and last lines."""
        try:
            with open(self.stderr_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 200_000))
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        lines = text.rpartition(CALL_MARKER.decode())[2].strip("\n").splitlines()
        if len(lines) > head + tail:
            lines = lines[:head] + [f"[... {len(lines) - head - tail} lines ...]"] + lines[-tail:]
        return "\n".join(lines)

    def alive(self):
        return self.proc.poll() is None

    def close(self):
        if self.alive():
            try:
                self.send(("quit",))
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            os.unlink(self.stderr_path)
        except OSError:
            pass


class Pool:
    """`size` workers running `python -m fuzz.worker` for `modules`, in
    `mode`, loading universal binaries through the HPy `host` (the name of
    the host module; None in cpython mode). The environment (HPY, and
    PYTHONPATH with hpy_rs_universal's directory) is the test process's."""

    def __init__(self, python, tests_dir, build_dir, modules, mode, host=None, size=2,
                 recycle=1000, timeout=20.0, gc_after=True, env=None):
        self.python, self.tests_dir, self.build_dir = python, tests_dir, build_dir
        self.modules, self.mode, self.host = list(modules), mode, host
        self.size, self.recycle, self.timeout, self.gc_after = size, recycle, timeout, gc_after
        self.start_timeout = max(60.0, timeout)
        self.env = dict(os.environ if env is None else env)
        self.env["PYTHONHASHSEED"] = "0"
        self.workers = []
        self.started = 0
        self.calls = 0

    # -------------------------------------------------------- one at a time

    def describe(self, producers):
        worker = _Worker(self)
        try:
            worker.send(("describe", producers))
            answer = worker._receive(time.monotonic() + self.start_timeout)
        finally:
            worker.close()
        if answer.get("outcome") in ("crash", "hang"):
            raise RuntimeError(f"the fuzz worker died listing the modules ({answer['how']}):\n"
                               f"{answer['stderr']}")
        return answer

    def replay_alone(self, call):
        """`call` in a fresh worker that runs nothing else."""
        worker = _Worker(self)
        try:
            worker.send(("call", call, "force" if self.gc_after else False))
            return worker._receive(time.monotonic() + self.timeout)
        finally:
            worker.close()

    # ------------------------------------------------------------ pipelined

    def submit(self, call, callback):
        """Runs `call` on a free worker; `callback(call, answer)` is called
        when its answer (or the worker's death) arrives."""
        worker = self._free_worker()
        worker.busy = (call, callback, time.monotonic() + self.timeout)
        worker.send(("call", call, self.gc_after))
        self.calls += 1

    def drain(self):
        while any(w.busy for w in self.workers):
            self._wait_one()

    def close(self):
        self.drain()
        for w in self.workers:
            w.close()
        self.workers.clear()

    def _free_worker(self):
        while True:
            for w in self.workers:
                if w.busy is None:
                    if w.served >= self.recycle or not w.alive():
                        self.workers.remove(w)
                        w.close()
                        break
                    return w
            else:
                if len(self.workers) < self.size:
                    w = _Worker(self)
                    self.workers.append(w)
                    return w
                self._wait_one()

    def _wait_one(self):
        busy = [w for w in self.workers if w.busy]
        now = time.monotonic()
        timeout = max(0.0, min(w.busy[2] for w in busy) - now)
        ready = select.select([w.proc.stdout.fileno() for w in busy], [], [], timeout)[0]
        for w in busy:
            if w.proc.stdout.fileno() in ready or w.busy[2] <= time.monotonic():
                call, callback, deadline = w.busy
                answer = w._receive(deadline)
                w.busy = None
                w.served += 1
                w.history.append(call)
                if answer.get("outcome") in ("crash", "hang"):
                    self.workers.remove(w)
                    w.close()
                callback(call, answer)
