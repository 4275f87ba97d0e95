"""The NumPy / PyTorch side of benches/convert.rs: the same cases, sizes and repetition
counts, the same `RESULT <case> <source bytes> <median ns per call> <calls>` lines.

    python convert.py [--quick]
"""
import mmap
import sys
import time

import numpy as np
import torch

SIZES = [1 << 10, 1 << 20, 64 << 20, 1 << 30]


def samples(nbytes):
    return 201 if nbytes <= 1 << 10 else 200 if nbytes <= 1 << 20 else 31 if nbytes <= 64 << 20 else 5


def calls_per_sample(nbytes, once_ns):
    """As in convert.rs: up to 1 MiB, enough calls to fill about 10 µs (at most 100), so that
    reading the clock is not counted; above 1 MiB one call."""
    if nbytes > 1 << 20:
        return 1
    return min(100, max(1, 10_000 // max(1, once_ns)))


def bench(nbytes, run):
    """Median time per call of `run`; outputs are dropped after the clock stops."""
    run()  # warm-up
    start = time.perf_counter_ns()
    out = run()
    calls = calls_per_sample(nbytes, time.perf_counter_ns() - start)
    del out
    n = samples(nbytes)
    times = []
    for _ in range(n):
        outputs = []
        start = time.perf_counter_ns()
        for _ in range(calls):
            outputs.append(run())
        times.append(time.perf_counter_ns() - start)
        del outputs
    times.sort()
    return times[n // 2] // calls, n * calls


def report(case, nbytes, timing):
    ns, calls = timing
    print(f"RESULT {case} {nbytes} {ns} {calls}", flush=True)


def run_size(nbytes):
    n = nbytes // 4
    a = (np.arange(n, dtype=np.float32) % 1000) * np.float32(0.25) - np.float32(100)
    report("numpy_copy", nbytes, bench(nbytes, lambda: a.copy()))
    report("numpy_astype_i32", nbytes, bench(nbytes, lambda: a.astype(np.int32)))
    report("numpy_astype_f16", nbytes, bench(nbytes, lambda: a.astype(np.float16)))
    report("numpy_astype_f64", nbytes, bench(nbytes, lambda: a.astype(np.float64)))
    # The same values in 4 KiB pages (an anonymous mmap without MADV_HUGEPAGE), as a Burn
    # tensor's buffer is: NumPy's own allocations use huge pages, which makes reading faster.
    m = mmap.mmap(-1, nbytes)
    b = np.frombuffer(m, dtype=np.float32)
    b[:] = a
    report("numpy_copy_4k", nbytes, bench(nbytes, lambda: b.copy()))
    report("numpy_astype_i32_4k", nbytes, bench(nbytes, lambda: b.astype(np.int32)))
    report("numpy_astype_f64_4k", nbytes, bench(nbytes, lambda: b.astype(np.float64)))
    del b
    m.close()
    t = torch.from_numpy(a)
    report("torch_numpy_view", nbytes, bench(nbytes, lambda: t.numpy()))
    report("torch_from_numpy", nbytes, bench(nbytes, lambda: torch.from_numpy(a)))
    report("torch_clone_numpy", nbytes, bench(nbytes, lambda: t.clone().numpy()))
    report("torch_to_bf16", nbytes, bench(nbytes, lambda: t.to(torch.bfloat16)))
    del t, a
    i = np.arange(n, dtype=np.int64) - 5000
    report("numpy_astype_i64_i32", nbytes, bench(nbytes, lambda: i.astype(np.int32)))
    m = mmap.mmap(-1, i.nbytes)
    j = np.frombuffer(m, dtype=np.int64)
    j[:] = i
    report("numpy_astype_i64_i32_4k", nbytes, bench(nbytes, lambda: j.astype(np.int32)))
    del j
    m.close()


if __name__ == "__main__":
    torch.set_num_threads(1)  # the Rust side is single-threaded
    quick = "--quick" in sys.argv
    print(f"VERSION numpy {np.__version__} torch {torch.__version__}", flush=True)
    for nbytes in SIZES:
        if quick and nbytes > 1 << 20:
            continue
        run_size(nbytes)
