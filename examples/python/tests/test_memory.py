"""Zero-copy claims, lifetimes, reference counts and threads."""

import gc
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import burn_nd_demo as demo
from conftest import SHOWS_STORAGE, at_once, data_ptr, in_child, sample, same


def test_from_numpy_shares_a_c_contiguous_buffer(device):
    backend, autodiff = device
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    before = sys.getrefcount(a)
    t = demo.Tensor.from_numpy(a, backend, autodiff)
    # The tensor holds one reference to the array: its memory.
    assert sys.getrefcount(a) == before + 1
    if backend == "flex" and demo.BURN_LINE == "0.22":
        # burn-nd's view shows the storage: it is the array's memory. (burn-nd-ndarray's
        # shared array of a borrowed buffer is a copy; the write below is the proof there.)
        assert t.storage_ptr() == data_ptr(a)
    # Shared both ways, as with torch.from_numpy: a write into the array shows in the tensor.
    a[0, 0] = 42.0
    assert t.numpy()[0, 0] == 42.0
    del t
    gc.collect()
    assert sys.getrefcount(a) == before


def test_a_burn_op_copies_before_writing_numpy_memory(device):
    backend, autodiff = device
    a = np.arange(6, dtype=np.float32)
    t = demo.Tensor.from_numpy(a, backend, autodiff)
    u = t.bump()  # consumes t: Burn may write in place, and must copy the borrowed buffer first
    same(u.numpy(), np.arange(6, dtype=np.float32) + 1)
    same(a, np.arange(6, dtype=np.float32))


def test_copies_where_sharing_is_not_possible(device):
    backend, autodiff = device
    base = np.arange(24, dtype=np.float32).reshape(4, 6)
    for a in [np.asfortranarray(base), base[:, ::2], base.astype(">f4")]:
        before = sys.getrefcount(a)
        t = demo.Tensor.from_numpy(a, backend, autodiff)
        assert sys.getrefcount(a) == before  # no reference kept: a copy
        a_values = np.array(a)
        a[...] = -1
        same(t.numpy(), a_values.astype(np.float32))
    # A conversion to another dtype copies too.
    b = np.arange(4, dtype=np.float64)
    t = demo.Tensor.from_numpy(b, backend, autodiff, dtype="float32", casting="same_kind")
    b[0] = 9
    assert t.numpy()[0] == 0


def test_into_numpy_takes_a_unique_tensors_buffer(device):
    backend, autodiff = device
    # A buffer Burn owns: the reversed array is copied in, then `bump` writes in place.
    t = demo.Tensor.from_numpy(np.arange(1000, dtype=np.float32)[::-1], backend, autodiff).bump()
    ptr = t.storage_ptr()
    assert (ptr is not None) == (backend in SHOWS_STORAGE), ptr
    out = t.into_numpy()
    same(out, np.arange(1000, dtype=np.float32)[::-1] + 1)
    if ptr is not None:
        assert data_ptr(out) == ptr  # NumPy owns the tensor's buffer: no copy


def test_into_numpy_after_an_op_on_numpy_memory_takes_the_ops_buffer(device):
    backend, autodiff = device
    a = np.arange(4096, dtype=np.float32).reshape(64, 64)
    expected = a + 1
    # Zero-copy from the array; `bump` writes `x + 1` into a fresh buffer Burn owns (it may
    # not write into NumPy's memory), and that buffer is unique: into_numpy takes it.
    u = demo.Tensor.from_numpy(a, backend, autodiff).bump()
    ptr = u.storage_ptr()
    if ptr is None:
        assert backend not in SHOWS_STORAGE
        pytest.skip(f"storage_ptr() does not show {backend}'s storage on Burn {demo.BURN_LINE}")
    assert ptr != data_ptr(a)
    out = u.into_numpy()
    assert data_ptr(out) == ptr, "into_numpy copied the buffer the op wrote"
    same(out, expected)
    assert out.flags.writeable and not np.shares_memory(out, a)
    out[0, 0] = -1.0
    expected[0, 0] = -1.0
    same(a, np.arange(4096, dtype=np.float32).reshape(64, 64))
    # The array owns the buffer now: it outlives the tensor, through allocator churn.
    del u
    gc.collect()
    junk = [np.full((64, 64), -7.0, dtype=np.float32) for _ in range(50)]
    same(out, expected)


def test_to_numpy_copies_and_leaves_the_tensor_usable(device):
    backend, autodiff = device
    a = np.arange(10, dtype=np.int32)
    t = demo.Tensor.from_numpy(a, backend, autodiff)
    out = t.numpy()
    assert not np.shares_memory(out, a)
    out[0] = 7
    same(t.numpy(), np.arange(10, dtype=np.int32))
    t = demo.Tensor.from_numpy(a[::-1], backend, autodiff)  # a buffer Burn owns
    shared = t.clone()
    p1 = t.storage_ptr()
    assert (p1 is not None) == (backend in SHOWS_STORAGE), p1
    if p1 is not None:
        assert shared.storage_ptr() == p1
        # A shared tensor's into_numpy cannot take the buffer: it copies.
        assert data_ptr(shared.into_numpy()) != p1


def test_the_array_outlives_the_tensor_and_the_tensor_outlives_the_array(device):
    backend, autodiff = device
    a = sample("float64", (64, 64))
    expected = a.copy()
    t = demo.Tensor.from_numpy(a, backend, autodiff)
    del t
    gc.collect()
    same(a, expected)  # the array is untouched and alive
    t = demo.Tensor.from_numpy(a, backend, autodiff)
    del a
    gc.collect()
    # Churn the allocator so freed memory would be reused.
    junk = [np.full((64, 64), -1.0) for _ in range(50)]
    same(t.numpy(), expected)
    out = t.into_numpy()
    del t, junk
    gc.collect()
    same(out, expected)


def test_no_leak_over_many_conversions(device):
    backend, autodiff = device
    a = np.ones((16, 16), dtype=np.float32)
    before = sys.getrefcount(a)
    for _ in range(200):
        t = demo.Tensor.from_numpy(a, backend, autodiff)
        out = t.numpy()
        t.clone().into_numpy()
        del t, out
    gc.collect()
    assert sys.getrefcount(a) == before


def test_eight_threads_convert_at_once(device):
    backend, autodiff = device

    def work(seed):
        for i in range(25):
            a = sample("float32", (32, 17), seed=seed * 100 + i)
            t = demo.Tensor.from_numpy(a[:, ::-1] if i % 2 else a, backend, autodiff)
            same(t.numpy(), a[:, ::-1] if i % 2 else a)
            same(t.bump().into_numpy(), (a[:, ::-1] if i % 2 else a) + np.float32(1))
        return seed

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(work, range(8))) == list(range(8))


def read_one_tensor_from_8_threads(backend, autodiff):
    """8 threads call `numpy()` on one Tensor at once, 100 times each; every read must give
    the tensor's values. (Run by the test below in a child interpreter.)"""
    a = np.arange(256 * 256, dtype=np.float32).reshape(256, 256)
    expected = a[::-1] + np.float32(1)
    t = demo.Tensor.from_numpy(a[::-1], backend, autodiff).bump()

    def work(_):
        for _ in range(100):
            same(t.numpy(), expected)

    at_once(work)


def test_eight_threads_read_one_tensor(device):
    # Each read releases the GIL. Were the tensor's lock held across the read, a thread waiting
    # for that lock with the GIL held would stop the reader from taking the GIL back: a deadlock
    # of the whole process, hence the child interpreter.
    in_child(read_one_tensor_from_8_threads, *device)


def test_a_long_read_releases_the_gil():
    backend = "flex" if "flex" in demo.BACKENDS else demo.BACKENDS[0]
    t = demo.Tensor.from_numpy(np.ones(1 << 25, dtype=np.float32), backend).bump()  # 128 MiB
    ticks = []
    spinning = threading.Event()
    stop = threading.Event()

    def spin():
        spinning.set()
        while not stop.is_set():
            ticks.append(time.perf_counter())

    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.001)  # a thread waiting for the GIL gets it within about 1 ms
    gc.collect()
    gc.disable()  # a collection in the window would hold the GIL: not the read's doing
    spinner = threading.Thread(target=spin, daemon=True)
    spinner.start()
    try:
        spinning.wait()
        t0 = time.perf_counter()
        out = t.numpy()  # 128 MiB copied with the GIL released
        t1 = time.perf_counter()
    finally:
        stop.set()
        spinner.join()
        gc.enable()
        sys.setswitchinterval(switch)
    assert out.shape == (1 << 25,) and (out == 2).all()
    # The spinner stamps a time only while it holds the GIL. A read that releases it leaves the
    # spinner running all through (t0, t1): its stamps have no long pause. A read that holds it
    # from call to return leaves the spinner only the window's edges (the moments before the
    # call takes the GIL and after it returns, when the main thread is made to switch), so
    # one pause spans the whole read. Counting ticks, even ticks away from the ends, is not
    # enough: on a loaded machine such an edge lasts several milliseconds.
    stamps = [t0] + [s for s in ticks if t0 < s < t1] + [t1]
    pause = max(later - earlier for earlier, later in zip(stamps, stamps[1:]))
    window = t1 - t0
    assert pause < window / 2, (
        f"the spinner paused {pause * 1e3:.1f} ms of the {window * 1e3:.1f} ms read "
        f"({len(stamps) - 2} ticks inside): the read held the GIL"
    )
