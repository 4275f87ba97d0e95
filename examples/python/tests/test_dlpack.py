"""DLPack both ways with real NumPy and PyTorch: PyTensor out, from_python in."""

import ctypes
import gc
import sys
import weakref

import numpy as np
import pytest
import torch

import burn_nd_demo as demo
from conftest import (DTYPES, HOLDS, SHOWS_STORAGE, at_once, data_ptr, resident_growth, sample,
                      same)

SHAPES = [(5,), (2, 3), (0, 3), (2, 1, 3), (1, 2, 1, 2, 1, 1, 3, 1)]


def torch_bytes(x):
    return x.contiguous().view(torch.uint8).numpy().tobytes() if x.numel() else b""


@pytest.mark.parametrize("name", DTYPES)
def test_a_pytensor_goes_to_numpy_and_torch_without_a_copy(device, name):
    backend, autodiff = device
    if name not in HOLDS[backend]:
        pytest.skip(f"{backend} holds no {name}")
    for shape in SHAPES:
        values = sample(name, shape)
        t = demo.Tensor.from_numpy(values, backend, autodiff)
        p = t.share()
        assert p.shape == shape and p.dtype == values.dtype
        a = np.asarray(p)
        same(a, values)
        # Bool is never shared: PyTorch ignores READ_ONLY, and a byte it wrote other than
        # 0 or 1 would be no Rust bool.
        shared = values.size > 0 and name != "bool"
        assert a.flags.writeable != shared, "shared memory is read-only, a copy is not"
        x = torch.from_dlpack(p)
        assert tuple(x.shape) == shape
        assert torch_bytes(x) == np.ascontiguousarray(values).tobytes()
        if shared:
            assert data_ptr(a) == x.data_ptr(), "NumPy and PyTorch read one memory"
            if backend == "flex" and t.storage_ptr() is not None:
                assert data_ptr(a) == t.storage_ptr(), "the tensor's own storage"


@pytest.mark.parametrize("name", DTYPES)
def test_torch_tensors_come_in_without_a_copy_where_row_major(device, name):
    backend, autodiff = device
    if name not in HOLDS[backend]:
        pytest.skip(f"{backend} holds no {name}")
    base = torch.from_numpy(sample("int16", (4, 6))).to(getattr(torch, name))
    for label, x in [("C", base), ("transposed", base.t()), ("stepped", base[:, ::2]),
                     ("empty", base[:0])]:
        t = demo.Tensor.from_python(x, backend, autodiff)
        assert torch_bytes(torch.from_dlpack(t.share())) == torch_bytes(x), label
        # burn-nd-ndarray's shared array of borrowed memory is a copy: only flex shows it.
        ptr = t.storage_ptr() if backend == "flex" else None
        if label == "C" and ptr is not None and name != "bool":
            assert ptr == x.data_ptr(), "no copy"
        elif label in ("transposed", "stepped") and ptr is not None:
            assert ptr != x.data_ptr(), "a copy"


class Producer:
    """Only the DLPack protocol of a NumPy array, so burn-nd sees a foreign producer."""

    def __init__(self, array):
        self.array = array
        self.ndim, self.dtype = array.ndim, array.dtype

    def __dlpack__(self, **kwargs):
        return self.array.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.array.__dlpack_device__()


def test_foreign_layouts_lifetimes_and_the_deleter(device):
    backend, autodiff = device
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    for view in [a, a[::-1], a[:, ::-2], np.asfortranarray(a), a[1:3, 2:]]:
        t = demo.Tensor.from_python(Producer(view), backend, autodiff)
        same(t.numpy(), np.ascontiguousarray(view))
    source = np.arange(6, dtype=np.float64)
    alive = weakref.ref(source)
    before = sys.getrefcount(source)
    t = demo.Tensor.from_python(Producer(source), backend, autodiff)
    del source
    gc.collect()
    assert alive() is not None, "the tensor keeps the producer's memory"
    same(t.numpy(), np.arange(6, dtype=np.float64))
    del t
    gc.collect()
    assert alive() is None, "the deleter ran when the tensor went"
    assert before >= 2


def test_exports_are_read_only_and_outlive_their_tensor(device):
    backend, autodiff = device
    t = demo.Tensor.from_numpy(np.arange(6, dtype=np.float32), backend, autodiff)
    p = t.share()
    a = np.from_dlpack(p)
    with pytest.raises(ValueError):
        a[0] = 1.0
    view = memoryview(p)
    assert view.readonly and view.format == "f" and view.tolist() == list(range(6))
    fresh = np.asarray(p, copy=True)
    assert fresh.flags.writeable and data_ptr(fresh) != data_ptr(a)
    assert p.numpy(force=True).flags.writeable
    del t, p
    gc.collect()
    same(a, np.arange(6, dtype=np.float32))


class PyBuffer(ctypes.Structure):
    """CPython's Py_buffer, to make buffer requests Python code cannot spell."""

    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p), ("shape", ctypes.c_void_p),
                ("strides", ctypes.c_void_p), ("suboffsets", ctypes.c_void_p),
                ("internal", ctypes.c_void_p)]


def get_buffer(obj, flags):
    view = PyBuffer()
    ctypes.pythonapi.PyObject_GetBuffer.argtypes = [ctypes.py_object, ctypes.c_void_p, ctypes.c_int]
    ctypes.pythonapi.PyBuffer_Release.argtypes = [ctypes.c_void_p]
    ctypes.pythonapi.PyObject_GetBuffer(obj, ctypes.byref(view), flags)
    return view


def test_buffer_requests_without_a_shape_or_that_fail():
    p = demo.Tensor.from_numpy(np.arange(6, dtype=np.float32).reshape(2, 3)).share()
    simple = get_buffer(p, 0)  # PyBUF_SIMPLE: bytes only, no shape
    assert (simple.ndim, simple.len, simple.shape) == (1, 24, None)
    ctypes.pythonapi.PyBuffer_Release(ctypes.byref(simple))
    view = PyBuffer(obj=1)
    with pytest.raises(BufferError):
        ctypes.pythonapi.PyObject_GetBuffer(p, ctypes.byref(view), 1)  # PyBUF_WRITABLE
    assert view.obj is None, "a failed request leaves obj NULL"


def test_copy_dl_device_stream_and_legacy_requests(device):
    backend, autodiff = device
    t = demo.Tensor.from_numpy(np.arange(12, dtype=np.float32).reshape(3, 4), backend, autodiff)
    p = t.share()
    p.__dlpack__(max_version=(1, 0), copy=False, dl_device=(1, 0))
    with pytest.raises(BufferError):
        p.__dlpack__(max_version=(1, 0), dl_device=(2, 0))
    with pytest.raises(BufferError):
        p.__dlpack__(max_version=(1, 0), stream=1)
    with pytest.raises(BufferError):
        p.__dlpack__(copy=False)  # legacy ABI: no read-only flag
    legacy = p.__dlpack__()
    assert "dltensor" in repr(legacy) and "versioned" not in repr(legacy)
    same(torch.from_dlpack(legacy).numpy(), np.asarray(p))
    with pytest.raises(ValueError):
        p.__array__(dtype=np.float64, copy=False)  # a cast is a copy
    same(np.asarray(p, dtype=np.float64), np.asarray(p).astype(np.float64))
    flipped = t.flip().share()  # burn-flex: a negative stride, exported as a copy
    if backend == "flex":
        with pytest.raises(BufferError):
            flipped.__dlpack__(max_version=(1, 0), copy=False)
        with pytest.raises(ValueError):
            np.asarray(flipped, copy=False)
        with pytest.raises(TypeError):
            flipped.numpy()
    same(np.asarray(flipped), np.arange(12, dtype=np.float32).reshape(3, 4)[::-1])
    assert np.from_dlpack(flipped, copy=True).flags.writeable


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", DLDevice), ("ndim", ctypes.c_int32),
                ("dtype", DLDataType), ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("strides", ctypes.POINTER(ctypes.c_int64)), ("byte_offset", ctypes.c_uint64)]


DELETER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class DLManagedTensorVersioned(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32 * 2), ("manager_ctx", ctypes.c_void_p),
                ("deleter", DELETER), ("flags", ctypes.c_uint64), ("dl_tensor", DLTensor)]


class OnGpu:
    """A producer whose DLPack export is CUDA memory (its pointer is never read), as a real
    GPU array's is, with a deleter that counts its calls."""

    def __init__(self):
        self.deleted = 0
        self.shape = (ctypes.c_int64 * 1)(2)
        self.deleter = DELETER(self.delete)
        self.managed = DLManagedTensorVersioned(
            version=(1, 0), deleter=self.deleter,
            dl_tensor=DLTensor(data=0x1000, device=DLDevice(2, 0), ndim=1,
                               dtype=DLDataType(2, 32, 1), shape=self.shape))

    def delete(self, _):
        self.deleted += 1

    def __dlpack__(self, **kwargs):
        new = ctypes.pythonapi.PyCapsule_New
        new.restype, new.argtypes = ctypes.py_object, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
        return new(ctypes.addressof(self.managed), b"dltensor_versioned", None)

    def __dlpack_device__(self):
        return (2, 0)


def test_a_capsule_is_taken_once_and_bad_producers_are_named():
    p = demo.tensor(np.arange(3, dtype=np.int32))
    capsule = p.__dlpack__(max_version=(1, 0))
    same(demo.Tensor.from_python(capsule, kind="int").numpy(), np.arange(3, dtype=np.int32))
    with pytest.raises(Exception):
        demo.Tensor.from_python(capsule, kind="int")
    with pytest.raises(BufferError, match="gradient"):
        demo.tensor(torch.ones(2, requires_grad=True))

    gpu = OnGpu()
    with pytest.raises(ValueError, match="CUDA:0"):
        demo.tensor(gpu)
    assert gpu.deleted == 1, "the refused export's deleter ran, once"

    class CannotExport:
        """A device array whose producer cannot export at all (a TPU array, a meta tensor)."""

        def __dlpack__(self, **kwargs):
            raise BufferError("no DLPack export of this device's memory")

        def __dlpack_device__(self):
            return (2, 0)

    with pytest.raises(ValueError, match="CUDA:0") as caught:
        demo.tensor(CannotExport(), kind="float")
    assert isinstance(caught.value.__cause__, BufferError), "the producer's own error kept"

    class Legacy:
        """A producer of DLPack < 1.0: `__dlpack__` takes no max_version."""

        def __init__(self, array):
            self.array = array

        def __dlpack__(self):
            return self.array.__dlpack__()

    same(demo.Tensor.from_python(Legacy(np.arange(4.0)), kind="float").numpy(), np.arange(4.0))

    class Broken(Legacy):
        def __dlpack__(self):
            raise RuntimeError("broken producer")

    with pytest.raises(RuntimeError, match="broken producer") as caught:
        demo.Tensor.from_python(Broken(None), kind="float")
    assert isinstance(caught.value.__cause__, TypeError), "the max_version refusal kept"
    with pytest.raises(TypeError):
        demo.tensor(object(), kind="float")
    same(demo.Tensor.from_python(b"\x01\x02", kind="int").numpy(), np.array([1, 2], np.uint8))


def test_eight_threads_on_one_pytensor(device):
    backend, autodiff = device
    values = np.arange(64, dtype=np.float32).reshape(8, 8)
    p = demo.Tensor.from_numpy(values, backend, autodiff).share()

    def work(_):
        for _ in range(50):
            same(np.from_dlpack(p), values)
            assert torch_bytes(torch.from_dlpack(p)) == values.tobytes()
            same(demo.Tensor.from_python(p, backend, autodiff).numpy(), values)

    at_once(work)


def test_round_trips_leak_no_references():
    values = np.arange(1024, dtype=np.float32)
    before = sys.getrefcount(values)
    for _ in range(2000):
        p = demo.tensor(values)
        np.from_dlpack(p)
        torch.from_dlpack(p)
    del p
    gc.collect()
    assert sys.getrefcount(values) == before


def test_shared_exports_free_their_memory():
    """A PyTensor keeps its shared memory ready for every export, and lets it go with the last
    of them: 300 tensors of 4 MiB, each exported to NumPy and PyTorch many times and then
    dropped, would hold 1.2 GB if the memory outlived them."""
    values = np.arange(1 << 20, dtype=np.float32)

    def trip():
        p = demo.Tensor.from_numpy(values).bump().share()
        arrays = [np.from_dlpack(p) for _ in range(3)] + [torch.from_dlpack(p).numpy()]
        assert len({data_ptr(a) for a in arrays}) == 1, "one memory for every export"
        same(arrays[0][:4], values[:4] + 1)

    assert resident_growth(trip) < 200 << 20


def test_torch_ignores_read_only_as_the_readme_says():
    values = np.arange(3, dtype=np.float32)
    p = demo.tensor(values.copy())
    own = torch.from_dlpack(p, copy=True)
    own.add_(1)
    same(np.asarray(p), values)
    # PyTorch 2.9 takes the read-only export as writeable: its in-place op writes the Burn
    # tensor's memory (README says so). If this starts failing, PyTorch honours READ_ONLY.
    shared = torch.from_dlpack(p)
    shared.add_(1)
    same(np.asarray(p), values + 1)
