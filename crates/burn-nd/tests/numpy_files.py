"""The NumPy side of tests/numpy.rs. Both sides build the same arrays from the same spec, so
each checks what the other wrote against its own expectation, bit for bit.

    python numpy_files.py check DIR   # load what Rust wrote in DIR, compare, exit 1 on mismatch
    python numpy_files.py write DIR   # write the expected arrays with np.save / np.savez
    python numpy_files.py module DIR  # load DIR/module.npz, double every array, save module2.npz
    python numpy_files.py hostile DIR # write hostile and unusual files, and what NumPy makes of each
"""
import io
import json
import struct
import sys
import zipfile
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
        # Byte for byte what np.save writes: the same header, padding and data.
        saved = io.BytesIO()
        np.save(saved, np.load(d / f"{name}.npy"))
        if (d / f"{name}.npy").read_bytes() != saved.getvalue():
            bad.append(f"{name}: bytes differ from np.save's")
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


def raw_npy(header, data=b"", version=None):
    """An .npy file with exactly this header text (padded as NumPy pads) and data."""
    text = header.encode("latin1")
    if version is None:
        version = (1, 0) if len(text) < 60000 else (2, 0)
    fmt = "<H" if version == (1, 0) else "<I"
    hlen = len(text) + 1
    pad = 64 - (8 + struct.calcsize(fmt) + hlen) % 64
    return (b"\x93NUMPY" + bytes(version) + struct.pack(fmt, hlen + pad) + text
            + b" " * pad + b"\n" + data)


def dict_header(descr, shape, fortran=False):
    return f"{{'descr': {descr}, 'fortran_order': {fortran}, 'shape': {shape!r}, }}"


def numpy_says(path, **kwargs):
    """What np.load makes of a file: 'ok' or the exception's type and message."""
    try:
        loaded = np.load(path, **kwargs)
        if isinstance(loaded, np.lib.npyio.NpzFile):
            with loaded:
                # Every member by its own name; a directory entry loads as bytes.
                shown = (loaded[n] for n in loaded.zip.namelist())
                return "ok: " + " ".join(
                    f"{n}={v.tolist()!r}" if isinstance(v, np.ndarray) else f"{n}=<bytes>"
                    for n, v in zip(loaded.zip.namelist(), shown))
        return f"ok: {loaded.dtype.str} {list(loaded.shape)}"
    except Exception as e:  # the answer is the point, whatever it is
        return f"{type(e).__name__}: {str(e)[:120]}"


# Spellings of `descr` that numpy.dtype accepts, each paired with what it means.
SPELLINGS = ["f8", "=f8", "|f8", "float32", "d", "e", "<f2", "?", "b1", ">b1", "bool", "b",
             "B", "h", "H", "i", "I", "l", "L", "q", "Q", "int8", "uint16", "int32", "uint64",
             ">i8", ">u4", "=u2"]


def hostile(d):
    files = {}
    deep = "(" * 7000 + "'<f8'" + ",)" * 7000
    files["deep_tuples.npy"] = raw_npy(dict_header(deep, (1,)), b"\0" * 8)
    small_deep = "(" * 1500 + "'<f8'" + ",)" * 1500
    files["deep_tuples_small.npy"] = raw_npy(dict_header(small_deep, (1,)), b"\0" * 8)
    files["nested_lists.npy"] = raw_npy(dict_header("[" * 26 + "]" * 26, (1,)))
    files["too_big_f4.npy"] = raw_npy(dict_header("'<f4'", (0, 2**61)))
    files["too_big_u1.npy"] = raw_npy(dict_header("'|u1'", (0, 2**32, 2**32, 2**32)))
    files["long_header.npy"] = raw_npy(dict_header("'<f8'", (1,)) + " " * 20000, b"\0" * 8)
    for i, spelling in enumerate(SPELLINGS):
        values = np.array([0, 1, 2, 0, 1], dtype=spelling)
        files[f"spelling_{i}.npy"] = raw_npy(dict_header(repr(spelling), (5,)),
                                             values.tobytes())
        np.save(d / f"spelling_{i}_expected.npy", values)
    np.save(d / "scalar.npy", np.array(1.5))
    for name, data in files.items():
        (d / name).write_bytes(data)

    # A member whose header claims 1 GiB of float64 over 8 bytes of data.
    with zipfile.ZipFile(d / "lying_member.npz", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.npy", raw_npy(dict_header("'<f8'", (2**27,)), b"\0" * 8))
    # The same archive, its directory also claiming 1 GiB for the member.
    data = bytearray((d / "lying_member.npz").read_bytes())
    for sig, offset in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)]:
        at = data.index(sig)
        data[at + offset:at + offset + 4] = struct.pack("<I", 2**30)
    (d / "lying_directory.npz").write_bytes(bytes(data))
    # Directory entries, as `zip -r` and zipfile.mkdir make them.
    with zipfile.ZipFile(d / "directories.npz", "w") as z:
        z.mkdir("weights")
        with z.open("weights/a.npy", "w") as f:
            np.save(f, np.arange(3, dtype="i2"))
    # Two members that strip to the same name: NumPy keeps both, under `a` and `a.npy`.
    with zipfile.ZipFile(d / "clash.npz", "w") as z:
        for member, values in [("a", [1.0, 2.0]), ("a.npy", [3, 4, 5])]:
            with z.open(member, "w") as f:
                np.save(f, np.array(values))
    with np.load(d / "clash.npz") as z:
        np.save(d / "clash_a_expected.npy", z["a"])
        np.save(d / "clash_a.npy_expected.npy", z["a.npy"])

    said = {name: numpy_says(d / name) for name in sorted(files)}
    for name in ["lying_member.npz", "lying_directory.npz", "directories.npz", "clash.npz",
                 "scalar.npy"]:
        said[name] = numpy_says(d / name)
    (d / "numpy_says.json").write_text(json.dumps(said, indent=1))
    print("\n".join(f"{k}: {v}" for k, v in said.items()))
    return True


if __name__ == "__main__":
    mode, d = sys.argv[1], Path(sys.argv[2])
    ok = {"check": check, "write": write, "module": module, "hostile": hostile}[mode](d)
    sys.exit(0 if ok else 1)
