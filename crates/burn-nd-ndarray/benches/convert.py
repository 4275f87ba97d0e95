"""The NumPy / PyTorch side of benches/convert.rs: the same cases, sizes and repetition
counts, the same `RESULT <case> <source bytes> <median ns> <reps>` lines.

    python convert.py [--quick]
"""
import mmap
import sys
import time

import numpy as np
import torch

SIZES = [1 << 10, 1 << 20, 64 << 20, 1 << 30]


def reps(nbytes):
    return 2000 if nbytes <= 1 << 10 else 200 if nbytes <= 1 << 20 else 15 if nbytes <= 64 << 20 else 5


def bench(n, run):
    run()  # warm-up
    times = []
    for _ in range(n):
        start = time.perf_counter_ns()
        out = run()
        times.append(time.perf_counter_ns() - start)
        del out
    times.sort()
    return times[len(times) // 2]


def report(case, nbytes, n, ns):
    print(f"RESULT {case} {nbytes} {ns} {n}", flush=True)


def run_size(nbytes):
    r = reps(nbytes)
    n = nbytes // 4
    a = (np.arange(n, dtype=np.float32) % 1000) * np.float32(0.25) - np.float32(100)
    report("numpy_copy", nbytes, r, bench(r, lambda: a.copy()))
    report("numpy_astype_i32", nbytes, r, bench(r, lambda: a.astype(np.int32)))
    report("numpy_astype_f16", nbytes, r, bench(r, lambda: a.astype(np.float16)))
    report("numpy_astype_f64", nbytes, r, bench(r, lambda: a.astype(np.float64)))
    # The same values in 4 KiB pages (an anonymous mmap without MADV_HUGEPAGE), as a Burn
    # tensor's buffer is: NumPy's own allocations use huge pages, which makes reading faster.
    m = mmap.mmap(-1, nbytes)
    b = np.frombuffer(m, dtype=np.float32)
    b[:] = a
    report("numpy_copy_4k", nbytes, r, bench(r, lambda: b.copy()))
    report("numpy_astype_i32_4k", nbytes, r, bench(r, lambda: b.astype(np.int32)))
    report("numpy_astype_f64_4k", nbytes, r, bench(r, lambda: b.astype(np.float64)))
    del b
    m.close()
    t = torch.from_numpy(a)
    report("torch_numpy_view", nbytes, r, bench(r, lambda: t.numpy()))
    report("torch_from_numpy", nbytes, r, bench(r, lambda: torch.from_numpy(a)))
    report("torch_clone_numpy", nbytes, r, bench(r, lambda: t.clone().numpy()))
    report("torch_to_bf16", nbytes, r, bench(r, lambda: t.to(torch.bfloat16)))
    del t, a
    i = np.arange(n, dtype=np.int64) - 5000
    report("numpy_astype_i64_i32", nbytes, r, bench(r, lambda: i.astype(np.int32)))
    m = mmap.mmap(-1, i.nbytes)
    j = np.frombuffer(m, dtype=np.int64)
    j[:] = i
    report("numpy_astype_i64_i32_4k", nbytes, r, bench(r, lambda: j.astype(np.int32)))
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
