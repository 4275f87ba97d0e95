"""The NumPy side of tests/numpy.rs. Both sides build the same arrays from the same spec, so
each checks what the other wrote against its own expectation, bit for bit.

    python numpy_files.py check DIR   # load what Rust wrote in DIR, compare, exit 1 on mismatch
    python numpy_files.py write DIR   # write the expected arrays with np.save / np.savez
    python numpy_files.py module DIR  # load DIR/module.npz, double every array, save module2.npz
"""
import sys
from pathlib import Path

import numpy as np

# Must match `spec()` in numpy.rs.
FLOATS = [0.0, -0.0, 1.5, -2.25, float("inf"), float("-inf"), float("nan"), 65504.0, 2.0**-10]
DTYPES = ["f8", "f4", "f2", "i8", "i4", "i2", "i1", "u8", "u4", "u2", "u1", "b1"]
SHAPES = {"c23": ((2, 3), "C"), "f23": ((2, 3), "F"), "f213": ((2, 1, 3), "F"),
          "v4": ((4,), "C"), "e03": ((0, 3), "C"), "s": ((), "C")}


def pattern(dtype):
    d = np.dtype(dtype)
    if d.kind == "f":
        return FLOATS
    if d.kind == "b":
        return [True, False, False, True]
    info = np.iinfo(d)
    return [0, 1, 7, int(info.min), int(info.max)] if d.kind == "i" else [0, 1, 7, int(info.max)]


def expected(dtype, shape, order):
    p = pattern(dtype)
    n = int(np.prod(shape))
    flat = np.array([p[k % len(p)] for k in range(n)], dtype=dtype)
    return np.reshape(flat, shape, order="C").copy(order=order)


def cases():
    for dtype in DTYPES:
        for tag, (shape, order) in SHAPES.items():
            yield f"{dtype}_{tag}", expected(dtype, shape, order), order


def same(a, e):
    """Exact equality: dtype, shape, and bits (so -0.0 and NaN payloads count)."""
    if a.dtype != e.dtype or a.shape != e.shape:
        return False
    bits = lambda x: np.ascontiguousarray(x).view(np.uint8)
    return np.array_equal(bits(a), bits(e))


def check(d):
    bad = []
    for name, e, order in cases():
        a = np.load(d / f"{name}.npy")
        if not same(a, e):
            bad.append(f"{name}: got {a.dtype} {a.shape} {a!r}")
        # Fortran-contiguous arrays with more than one non-trivial axis must come back so.
        if order == "F" and a.ndim > 1 and np.isfortran(e) and not np.isfortran(a):
            bad.append(f"{name}: not written in Fortran order")
    for npz in ["all.npz", "all_compressed.npz"]:
        with np.load(d / npz) as z:
            names = sorted(z.files)
            want = sorted(name for name, _, _ in cases())
            if names != want:
                bad.append(f"{npz}: members {names}")
            for name, e, _ in cases():
                if name in z.files and not same(z[name], e):
                    bad.append(f"{npz}:{name}: got {z[name]!r}")
    print("\n".join(bad) if bad else f"numpy {np.__version__}: all arrays equal")
    return not bad


def write(d):
    for name, e, _ in cases():
        np.save(d / f"{name}.npy", e)
    # The other byte order, as a big-endian machine would write it.
    for name, e, _ in cases():
        if e.dtype.itemsize > 1:
            np.save(d / f"{name}_be.npy", e.astype(e.dtype.newbyteorder(">")))
    np.savez(d / "all.npz", **{name: e for name, e, _ in cases()})
    np.savez_compressed(d / "all_compressed.npz", **{name: e for name, e, _ in cases()})
    return True


def module(d):
    with np.load(d / "module.npz") as z:
        doubled = {name: z[name] * 2 for name in z.files}
    print(" ".join(f"{k}:{v.dtype}{list(v.shape)}" for k, v in sorted(doubled.items())))
    np.savez(d / "module2.npz", **doubled)
    return True


if __name__ == "__main__":
    mode, d = sys.argv[1], Path(sys.argv[2])
    ok = {"check": check, "write": write, "module": module}[mode](d)
    sys.exit(0 if ok else 1)
