"""Shared fixtures: the module under test, its Burn line, and what each backend holds."""

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


def data_ptr(a):
    return a.__array_interface__["data"][0]


@pytest.fixture(params=DEVICES, ids=[f"{b}{'+autodiff' if ad else ''}" for b, ad in DEVICES])
def device(request):
    return request.param
