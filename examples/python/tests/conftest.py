"""Shared fixtures: the module under test, its Burn line, what each backend holds, and the
harness of the thread tests."""

import gc
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import burn_nd_demo as demo

FLOATS = ["float64", "float32", "float16", "bfloat16"]
INTS = ["int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8"]
DTYPES = FLOATS + INTS + ["bool"]

# The dtypes each backend's tensors hold, per Burn line (README's table): burn-ndarray has no
# half-precision floats on either line.
HALF = {"float16", "bfloat16"}
HOLDS = {
    "0.22": {"flex": set(DTYPES), "ndarray": set(DTYPES) - HALF},
    "0.21": {"ndarray": set(DTYPES) - HALF, "flex": set(DTYPES)},
}[demo.BURN_LINE]

# The backends whose host storage `Tensor.storage_ptr()` shows (of their own dtypes), per Burn
# line: burn-nd has no view of burn-flex 0.21's, so there it is None.
SHOWS_STORAGE = {"0.22": {"flex", "ndarray"}, "0.21": {"ndarray"}}[demo.BURN_LINE]

# Every (backend, autodiff) pair the module offers.
DEVICES = [(b, ad) for b in demo.BACKENDS for ad in (False, True)]


def np_dtype(name):
    """NumPy's dtype for a name, bfloat16 from ml_dtypes."""
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def sample(name, shape, seed=0):
    """Values of dtype `name` in `shape` that test exactness: extremes, NaN, inf, -0.0."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    dtype = np_dtype(name)
    if name == "bool":
        values = rng.integers(0, 2, n).astype(bool)
    elif name in FLOATS:
        values = (rng.standard_normal(n) * 100).astype(np.float32).astype(dtype)
        specials = np.array([np.nan, np.inf, -np.inf, -0.0, 0.5], dtype=np.float32).astype(dtype)
        values[: min(n, len(specials))] = specials[: min(n, len(specials))]
    else:
        info = np.iinfo(dtype)
        values = rng.integers(info.min, info.max, n, dtype=dtype, endpoint=True)
        ends = np.array([info.min, info.max], dtype=dtype)
        values[: min(n, 2)] = ends[: min(n, 2)]
    return values.reshape(shape)


def same(a, b):
    """Exactly the same array: dtype, shape and every bit (NaN included)."""
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    assert a.shape == b.shape, (a.shape, b.shape)
    assert np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()


def resident_bytes():
    """This process's resident memory, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def resident_growth(trip, trips=300, warm_up=20):
    """How many bytes of resident memory `trips` calls of `trip` add, after `warm_up` calls
    (allocator pools and first-call caches) and with garbage collected before and after."""
    for _ in range(warm_up):
        trip()
    gc.collect()
    before = resident_bytes()
    for _ in range(trips):
        trip()
    gc.collect()
    return resident_bytes() - before


def data_ptr(a):
    return a.__array_interface__["data"][0]


@pytest.fixture(params=DEVICES, ids=[f"{b}{'+autodiff' if ad else ''}" for b, ad in DEVICES])
def device(request):
    return request.param


def at_once(work, threads=8, timeout=60):
    """Runs `work(i)` in `threads` daemon threads released together; fails if any is still
    running after `timeout` seconds (deadlocked), and raises the first error one raised."""
    errors = []
    start = threading.Barrier(threads)

    def run(i):
        try:
            start.wait()
            work(i)
        except Exception as e:  # raised below, in the caller's thread
            errors.append(e)

    pool = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in pool:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = sum(thread.is_alive() for thread in pool)
    assert stuck == 0, f"{stuck} of {threads} threads still running after {timeout} s: deadlocked"
    if errors:
        raise errors[0]


def in_child(function, *args, timeout=90):
    """Runs `function(*args)` (a function of a module in this folder) in a fresh interpreter,
    and fails with its error output unless it returns within `timeout` seconds.

    A thread that waits for a lock while it holds the GIL stops every other thread of its
    process, `at_once`'s watchdog included: only another process sees that deadlock. The
    child prints every thread's stack (faulthandler) before it is stopped."""
    name = f"{function.__name__}({', '.join(map(repr, args))})"
    script = (
        "import faulthandler, sys\n"
        f"faulthandler.dump_traceback_later({timeout}, exit=True)\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
        f"from {function.__module__} import {function.__name__}\n"
        f"{function.__name__}(*{args!r})\n"
        "print('ok')\n"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout + 30
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name} did not end in {timeout + 30} s: deadlocked")
    if out.returncode != 0 or out.stdout.strip() != "ok":
        # A deadlock's stderr is faulthandler's "Timeout" report: every thread's stack.
        pytest.fail(f"{name} failed, or deadlocked:\n{out.stderr}")
