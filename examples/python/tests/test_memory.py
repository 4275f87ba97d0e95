"""Zero-copy claims, lifetimes, reference counts and threads."""

import gc
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import burn_nd_demo as demo
from conftest import data_ptr, sample, same


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
    out = t.into_numpy()
    same(out, np.arange(1000, dtype=np.float32)[::-1] + 1)
    if ptr is not None:
        assert data_ptr(out) == ptr  # NumPy owns the tensor's buffer: no copy


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


def test_a_long_read_releases_the_gil():
    backend = "flex" if "flex" in demo.BACKENDS else demo.BACKENDS[0]
    t = demo.Tensor.from_numpy(np.ones(1 << 24, dtype=np.float32), backend).bump()
    ticks = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            ticks[0] += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        counts = []
        for _ in range(3):
            start = ticks[0]
            t.numpy()  # 64 MiB copied with the GIL released
            counts.append(ticks[0] - start)
    finally:
        stop.set()
        spinner.join()
    # With the GIL held for the whole read no Python bytecode could run meanwhile.
    assert max(counts) > 0, counts
