"""DLPack with real JAX on the CPU: JAX arrays into Burn, Burn tensors into JAX.

JAX 0.8.1 asks a producer for the legacy DLPack capsule only (`__dlpack__(stream=...)`, no
`max_version`), and that ABI cannot say read-only: a `PyTensor` goes to JAX as a copy of its
own. JAX's arrays, which JAX never writes, come into Burn with no copy where row-major.
"""

import gc
import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import burn_nd_demo as demo
from conftest import (DTYPES, HOLDS, SHOWS_STORAGE, at_once, in_child, resident_growth, sample,
                      same)

# float64 and the 64-bit ints stay 64-bit (JAX makes them 32-bit otherwise).
jax.config.update("jax_enable_x64", True)

SHAPES = [(5,), (2, 3), (0, 3), (2, 1, 3), (1, 2, 1, 2, 1, 1, 3, 1)]


def jax_ptr(x):
    return x.unsafe_buffer_pointer()


@pytest.mark.parametrize("name", DTYPES)
def test_jax_arrays_come_in_without_a_copy(device, name):
    backend, autodiff = device
    if name not in HOLDS[backend]:
        pytest.skip(f"{backend} holds no {name}")
    for shape in SHAPES:
        values = sample(name, shape)
        x = jnp.asarray(values)
        assert x.dtype == values.dtype
        t = demo.Tensor.from_python(x, backend, autodiff)
        same(t.numpy(), values)
        # burn-nd-ndarray's shared array of borrowed memory is a copy: only flex shows it (and
        # only on Burn 0.22); bool bytes are always read into a copy (only 0 and 1 are bools).
        if backend == "flex" and backend in SHOWS_STORAGE and values.size and name != "bool":
            assert t.storage_ptr() == jax_ptr(x), f"{shape}: no copy"


@pytest.mark.parametrize("name", DTYPES)
def test_a_pytensor_goes_to_jax_as_a_copy_of_its_own(device, name):
    backend, autodiff = device
    if name not in HOLDS[backend]:
        pytest.skip(f"{backend} holds no {name}")
    for shape in SHAPES:
        values = sample(name, shape)
        flipped = demo.Tensor.from_numpy(values, backend, autodiff).flip().share()
        t = demo.Tensor.from_numpy(values, backend, autodiff)
        for label, p, expected in [("C", t.share(), values), ("flipped", flipped, values[::-1])]:
            x = jnp.from_dlpack(p)
            assert x.dtype == values.dtype and x.shape == shape, label
            same(np.asarray(x), np.ascontiguousarray(expected))
            if values.size and backend == "flex" and backend in SHOWS_STORAGE:
                assert jax_ptr(x) != t.storage_ptr(), "legacy DLPack: a copy"


def test_jax_results_and_jit_take_burn_tensors():
    values = np.arange(12, dtype=np.float32).reshape(3, 4)
    p = demo.tensor(values)
    doubled = jax.jit(lambda a: a * 2)(jnp.from_dlpack(p))
    same(np.asarray(doubled), values * 2)
    # A JAX computation's result back into Burn, and on through Burn's own op.
    t = demo.Tensor.from_python(doubled)
    same(t.bump().numpy(), values * 2 + 1)


def outlive_each_other():
    """Each side's memory read after its first owner is gone. The buffers are 64 MiB, which
    JAX's allocator and Rust's (glibc's malloc) unmap when they are freed, so a read of one
    that was freed is a segfault, not stale values (checked by hand for JAX: reading a 64 MiB
    array's buffer after `del` crashes)."""
    # The JAX array deleted first: the tensor keeps JAX's buffer alive.
    x = jnp.arange(16 << 20, dtype=jnp.float32) * 3
    expected = np.asarray(x).copy()
    t = demo.Tensor.from_python(x, "flex")
    if "flex" in SHOWS_STORAGE:  # Burn 0.22's burn-flex shows its storage
        assert t.storage_ptr() == jax_ptr(x), "no copy"
    del x
    gc.collect()
    same(t.numpy(), expected)
    # The tensor deleted first: JAX's copy is its own.
    p = demo.tensor(expected)
    y = jnp.from_dlpack(p)
    del p, t
    gc.collect()
    same(np.asarray(y), expected)


def test_lifetimes_both_ways():
    in_child(outlive_each_other)


def test_round_trips_free_every_buffer():
    """Each deleter runs: 300 round trips of 4 MiB would hold 2.4 GB if either side's
    deleter never ran (JAX's copy of the export, Burn's hold on JAX's buffer)."""
    values = np.arange(1 << 20, dtype=np.float32)

    def round_trip():
        t = demo.Tensor.from_python(jnp.from_dlpack(demo.tensor(values)))
        same(t.numpy()[:4], values[:4])

    assert resident_growth(round_trip) < 200 << 20


def test_eight_threads_with_jax(device):
    backend, autodiff = device
    values = np.arange(64, dtype=np.float32).reshape(8, 8)
    x = jnp.asarray(values)
    p = demo.Tensor.from_numpy(values, backend, autodiff).share()
    lock = threading.Lock()
    seen = []

    def work(_):
        for _ in range(20):
            same(demo.Tensor.from_python(x, backend, autodiff).numpy(), values)
            same(np.asarray(jnp.from_dlpack(p)), values)
        with lock:
            seen.append(1)

    at_once(work)
    assert len(seen) == 8
