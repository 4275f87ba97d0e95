"""The NumPy bridge against NumPy (and PyTorch, where importable) in one process.

Run by `cargo xtask bench-python`, which builds burn_nd_demo in release first. Prints a
Markdown table: the median of `--rounds` rounds, the rounds of compared calls alternating.
"""

import argparse
import statistics
import sys
import time

import numpy as np

import burn_nd_demo as demo

MIB = 1 << 20


def timed(fn, setup=None):
    """Seconds `fn(setup())` takes; freeing its result is not counted."""
    arg = setup() if setup else None
    start = time.perf_counter()
    result = fn(arg)
    elapsed = time.perf_counter() - start
    del result
    return elapsed


def alternate(rounds, *cases):
    """Median seconds of each (fn, setup) case, the cases taking turns round by round."""
    times = [[] for _ in cases]
    for _ in range(rounds):
        for i, (fn, setup) in enumerate(cases):
            times[i].append(timed(fn, setup))
    return [statistics.median(t) for t in times]


def per_call(rounds, calls, *cases):
    """Median seconds per call of each case (a function of no arguments), `calls` calls a
    round, the cases taking turns round by round: for fixed costs of a microsecond, which one
    timed call cannot resolve."""
    times = [[] for _ in cases]
    for _ in range(rounds):
        for i, fn in enumerate(cases):
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            times[i].append((time.perf_counter() - start) / calls)
    return [statistics.median(t) for t in times]


def fmt(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None

    big = np.arange(64 * MIB // 4, dtype=np.float32)
    small = np.arange(1024, dtype=np.float32)
    rows = []
    if torch is not None:
        zero_copy, ref = per_call(args.rounds, 2000, lambda: demo.Tensor.from_numpy(small),
                                  lambda: torch.from_numpy(small))
        row_ = f"| zero-copy `from_numpy`, 4 KiB f32 (flex), per call | {fmt(zero_copy)} | "
        rows.append(row_ + f"`torch.from_numpy` {fmt(ref)} | {zero_copy / ref:.2f}× |")

    def row(what, burn, reference, ref_name):
        ratio = f"{burn / reference:.2f}×" if reference else ""
        ref = f"{ref_name} {fmt(reference)}" if reference else ""
        rows.append(f"| {what} | {fmt(burn)} | {ref} | {ratio} |")

    for backend, autodiff in [("flex", False), ("flex", True), ("ndarray", False)]:
        name = f"{backend}{' + autodiff' if autodiff else ''}"
        # A tensor made by a Burn op, shared with a clone the caller keeps.
        t = demo.Tensor.from_numpy(big[::-1], backend, autodiff).bump()
        keep = t.clone()
        burn, ref = alternate(args.rounds, (lambda _: t.numpy(), None), (lambda _: big.copy(), None))
        row(f"`to_numpy`, shared 64 MiB f32 tensor ({name})", burn, ref, "`a.copy()`")
        del keep

    def unique(size):
        return lambda: demo.Tensor.from_numpy(np.arange(size, dtype=np.float32)[::-1], "flex").bump()

    into_small, into_mid, into_big = alternate(
        args.rounds,
        (lambda t: t.into_numpy(), unique(1024)),
        (lambda t: t.into_numpy(), unique(4 * MIB // 4)),
        (lambda t: t.into_numpy(), unique(64 * MIB // 4)),
    )
    row("`into_numpy`, unique 4 KiB f32 tensor (flex)", into_small, None, "")
    row("`into_numpy`, unique 4 MiB f32 tensor (flex)", into_mid, into_small, "4 KiB:")
    row("`into_numpy`, unique 64 MiB f32 tensor (flex)", into_big, into_mid, "4 MiB:")
    from_small, from_big = alternate(
        args.rounds, (lambda _: demo.Tensor.from_numpy(small), None), (lambda _: demo.Tensor.from_numpy(big), None)
    )
    row("zero-copy `from_numpy`, 4 KiB C-contiguous f32 (flex)", from_small, None, "")
    row("zero-copy `from_numpy`, 64 MiB C-contiguous f32 (flex)", from_big, from_small, "4 KiB:")
    fortran = np.asfortranarray(big.reshape(4096, -1))
    copy_in, ref = alternate(
        args.rounds,
        (lambda _: demo.Tensor.from_numpy(fortran), None),
        (lambda _: np.ascontiguousarray(fortran), None),
    )
    row("copying `from_numpy`, 64 MiB Fortran-order f32 (flex)", copy_in, ref, "`np.ascontiguousarray`")
    flipped = big[::-1]
    copy_in, ref = alternate(
        args.rounds,
        (lambda _: demo.Tensor.from_numpy(flipped), None),
        (lambda _: np.ascontiguousarray(flipped), None),
    )
    row("copying `from_numpy`, 64 MiB reversed f32 (flex)", copy_in, ref, "`np.ascontiguousarray`")
    wide = big.astype(np.float64)
    copy_in, ref = alternate(
        args.rounds,
        (lambda _: demo.Tensor.from_numpy(wide, dtype="float32", casting="same_kind"), None),
        (lambda _: wide.astype(np.float32), None),
    )
    row("copying `from_numpy`, 128 MiB f64 as f32 (flex)", copy_in, ref, "`a.astype(np.float32)`")
    # A tensor on a NumPy buffer (zero-copy: fortran.T is C-contiguous), read into a new array:
    # one contiguous copy of the borrowed buffer, beside NumPy's copy of the same array.
    t_view = demo.Tensor.from_numpy(fortran.T)
    burn, ref = alternate(args.rounds, (lambda _: t_view.numpy(), None), (lambda _: fortran.T.copy(), None))
    row("`to_numpy`, 64 MiB f32 tensor on a NumPy buffer (flex)", burn, ref, "`a.copy()`")
    if torch is not None:
        tt = torch.from_numpy(big.copy())
        t = demo.Tensor.from_numpy(big[::-1], "flex").bump()
        keep = t.clone()
        burn, ref = alternate(args.rounds, (lambda _: t.numpy(), None), (lambda _: tt.numpy().copy(), None))
        row("`to_numpy` vs PyTorch, shared 64 MiB f32", burn, ref, "`t.numpy().copy()`")
        # Per call: one timed call of about a microsecond is mostly the timer and the cache.
        burn, ref = per_call(args.rounds, 2000, lambda: demo.Tensor.from_numpy(big), lambda: torch.from_numpy(big))
        row("zero-copy `from_numpy` vs PyTorch, 64 MiB, per call", burn, ref, "`torch.from_numpy`")
        del keep
        dlpack_rows(args.rounds, torch, row)
    else:
        rows.append("| PyTorch rows | not run: `torch` is not importable here | | |")
    # What users do today: the values through a Python list.
    t = demo.Tensor.from_numpy(big[::-1], "flex").bump()
    lists = alternate(3, (lambda _: np.array(t.numpy().tolist(), dtype=np.float32), None))[0]
    burn = alternate(3, (lambda _: t.numpy(), None))[0]
    row("the `tolist()` route, 64 MiB f32 (list, then `np.array`)", lists, burn, "`to_numpy`:")

    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'absent'}, "
          f"Python {sys.version.split()[0]}, Burn {demo.BURN_LINE}, {args.rounds} rounds")
    print()
    print("| case | burn-nd-numpy | reference | ratio |")
    print("|---|---|---|---|")
    print("\n".join(rows))


def dlpack_rows(rounds, torch, row):
    """DLPack both ways, per call, at 4 KiB and 64 MiB (flat: no copy): PyTensors of tensors
    made by a Burn op (plain and Autodiff) into NumPy and PyTorch beside the same consumer
    taking a NumPy array, and PyTorch tensors into Burn beside torch's own `x.__dlpack__()`."""
    for size, label in [(1024, "4 KiB"), (64 * MIB // 4, "64 MiB")]:
        array = np.arange(size, dtype=np.float32)
        for autodiff in (False, True):
            name = f"flex{' + autodiff' if autodiff else ''}"
            p = demo.Tensor.from_numpy(array, "flex", autodiff).bump().share()
            ours, ref = per_call(rounds, 2000, lambda: np.from_dlpack(p), lambda: np.from_dlpack(array))
            row(f"`np.from_dlpack(PyTensor)`, {label} f32 ({name}), per call", ours, ref,
                "`np.from_dlpack(ndarray)`")
            ours, ref = per_call(rounds, 2000, lambda: torch.from_dlpack(p),
                                 lambda: torch.from_dlpack(array))
            row(f"`torch.from_dlpack(PyTensor)`, {label} f32 ({name}), per call", ours, ref,
                "`torch.from_dlpack(ndarray)`")
        x = torch.from_numpy(array.copy())
        ours, ref = per_call(rounds, 2000, lambda: demo.Tensor.from_python(x), lambda: x.__dlpack__())
        row(f"`from_python(torch tensor)`, {label} f32 (flex), per call", ours, ref, "`x.__dlpack__()`")


if __name__ == "__main__":
    main()
