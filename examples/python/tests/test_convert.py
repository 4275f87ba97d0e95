"""Values, dtypes and layouts through Tensor.from_numpy and back, on every backend."""

import re

import numpy as np
import pytest

import burn_nd_demo as demo
from conftest import DTYPES, FLOATS, HOLDS, np_dtype, sample, same

LAYOUTS = {
    "c": lambda a: a,
    "fortran": np.asfortranarray,
    "negative": lambda a: a[::-1, ::-2],
    "transposed": lambda a: a.T,
}


@pytest.mark.parametrize("name", DTYPES)
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_dtype_and_layout_round_trips_exactly(device, name, layout):
    backend, autodiff = device
    a = LAYOUTS[layout](sample(name, (4, 6)))
    if name not in HOLDS[backend]:
        with pytest.raises(TypeError, match="not supported"):
            demo.Tensor.from_numpy(a, backend, autodiff)
        return
    t = demo.Tensor.from_numpy(a, backend, autodiff)
    assert t.dtype == name and t.shape == list(a.shape)
    same(t.numpy(), a)
    same(t.into_numpy(), a)


@pytest.mark.parametrize("name", ["float32", "int64", "bool", "uint8"])
def test_rank_8_and_empty_arrays(device, name):
    backend, autodiff = device
    for shape in [(1, 2, 1, 3, 1, 2, 1, 2), (0, 3), (2, 0, 4)]:
        a = sample(name, shape) if 0 not in shape else np.zeros(shape, np_dtype(name))
        t = demo.Tensor.from_numpy(a, backend, autodiff)
        same(t.numpy(), a)


def test_zero_d_array_is_a_value_error(device):
    backend, autodiff = device
    with pytest.raises(ValueError, match="rank-0"):
        demo.Tensor.from_numpy(np.float32(1.0) * np.ones(()), backend, autodiff)


@pytest.mark.parametrize("name", ["float64", "int32", "uint16", "bool"])
def test_read_only_and_big_endian_inputs(device, name):
    backend, autodiff = device
    a = sample(name, (3, 5))
    frozen = a.copy()
    frozen.setflags(write=False)
    same(demo.Tensor.from_numpy(frozen, backend, autodiff).numpy(), a)
    swapped = a.astype(a.dtype.newbyteorder(">"))
    assert swapped.dtype.byteorder in (">", "|")
    t = demo.Tensor.from_numpy(swapped, backend, autodiff)
    same(t.numpy(), a)  # native order out, same values
    same(demo.Tensor.from_numpy(swapped[::-1], backend, autodiff).numpy(), a[::-1])


def test_misaligned_input_is_copied_correctly(device):
    backend, autodiff = device
    raw = np.zeros(8 * 7 + 1, dtype=np.uint8)
    a = raw[1:].view(np.float64)  # one byte off: not aligned for float64
    a[:] = np.arange(7) * 1.5
    assert not a.flags.aligned
    same(demo.Tensor.from_numpy(a, backend, autodiff).numpy(), np.arange(7) * 1.5)


def test_bool_bytes_other_than_0_and_1_read_as_true(device):
    backend, autodiff = device
    a = np.array([0, 1, 2, 255], dtype=np.uint8).view(np.bool_)
    same(demo.Tensor.from_numpy(a, backend, autodiff).numpy(), np.array([False, True, True, True]))


def test_casting_into_other_dtypes(device):
    backend, autodiff = device
    a = np.array([1.0, 2.5, -3.0])
    t = demo.Tensor.from_numpy(a, backend, autodiff, dtype="float32", casting="same_kind")
    same(t.numpy(), a.astype(np.float32))
    i = demo.Tensor.from_numpy(a, backend, autodiff, kind="int", dtype="int32", casting="unsafe")
    same(i.numpy(), np.array([1, 2, -3], dtype=np.int32))
    with pytest.raises(TypeError, match="cannot cast float64 to float32 under Casting::Safe"):
        demo.Tensor.from_numpy(a, backend, autodiff, dtype="float32", casting="safe")
    with pytest.raises(ValueError, match="value 2.5 at index \\[1\\] cannot be represented exactly as int32"):
        demo.Tensor.from_numpy(a, backend, autodiff, kind="int", dtype="int32", casting="exact")


def test_typed_reads_under_casting(device):
    backend, autodiff = device
    t = demo.Tensor.from_numpy(np.array([[1.0, 2.5]], dtype=np.float32), backend, autodiff)
    same(t.to_pyarray("float64"), np.array([[1.0, 2.5]]))
    same(t.to_pyarray("int64", "unsafe"), np.array([[1, 2]]))
    with pytest.raises(TypeError, match="cannot cast float32 to int32 under Casting::Safe"):
        t.to_pyarray("int32")
    with pytest.raises(ValueError, match="cannot be represented exactly as int16"):
        t.to_pyarray("int16", "exact")


def test_errors_name_what_is_wrong(device):
    backend, autodiff = device
    with pytest.raises(TypeError, match="a Float tensor cannot hold int32"):
        demo.Tensor.from_numpy(np.arange(3, dtype=np.int32), backend, autodiff, kind="float")
    with pytest.raises(TypeError, match="numpy dtype complex64 has no Burn dtype"):
        demo.Tensor.from_numpy(np.zeros(2, np.complex64), backend, autodiff, kind="float")
    with pytest.raises(TypeError, match="numpy dtype <U1 has no Burn dtype"):
        demo.Tensor.from_numpy(np.array(["a"]), backend, autodiff, kind="float")
    with pytest.raises(ValueError, match="rank 1 to 8, not 9"):
        demo.Tensor.from_numpy(np.zeros((1,) * 9, np.float32), backend, autodiff)
    t = demo.Tensor.from_numpy(np.ones(2, np.float32), backend, autodiff)
    t.into_numpy()
    with pytest.raises(ValueError, match="consumed"):
        t.numpy()


def test_a_list_is_not_an_array():
    with pytest.raises(TypeError, match="expected a numpy.ndarray, got list"):
        demo.Tensor.from_numpy([1.0, 2.0])


@pytest.mark.parametrize("name", FLOATS[:3])
@pytest.mark.parametrize("backend", demo.BACKENDS)
def test_float_tensors_keep_their_dtype(backend, name):
    a = sample(name, (3,))
    if name not in HOLDS[backend]:
        # burn-ndarray holds no float16: refused (not cast to another float), the dtype named.
        message = f"dtype {name} is not supported for Float tensors on this backend"
        with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
            demo.Tensor.from_numpy(a, backend)
        return
    t = demo.Tensor.from_numpy(a, backend)
    assert t.dtype == name
    same(t.numpy(), a)
