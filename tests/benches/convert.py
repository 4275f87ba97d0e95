"""The NumPy / PyTorch side of benches/convert.rs: the same cases, sizes and repetition
counts, the same `RESULT <case> <source bytes> <median ns per call> <calls>` and `PAIR` lines.

    python convert.py [--quick | --casts-only]

`--casts-only` runs the cast cases alone at 64 MiB, for `cargo xtask bench`'s rounds that
alternate them with the Rust side's.
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


def calibrate(nbytes, run):
    """One warm-up call, then the calls per sample for a call as long as a second one."""
    run()  # warm-up
    start = time.perf_counter_ns()
    out = run()
    calls = calls_per_sample(nbytes, time.perf_counter_ns() - start)
    del out
    return calls


def sample(calls, run):
    """The time of `calls` calls of `run`; the outputs are dropped after the clock stops."""
    outputs = []
    start = time.perf_counter_ns()
    for _ in range(calls):
        outputs.append(run())
    elapsed = time.perf_counter_ns() - start
    del outputs
    return elapsed


def bench(nbytes, run):
    """Median time per call of `run`."""
    calls = calibrate(nbytes, run)
    n = samples(nbytes)
    times = sorted(sample(calls, run) for _ in range(n))
    return times[n // 2] // calls, n * calls


def pair(a, run_a, b, run_b, nbytes):
    """As `Bencher::pair` in convert.rs: `a` and `b` timed in alternating samples; prints the
    median over samples of a's time per call divided by b's."""
    calls_a, calls_b = calibrate(nbytes, run_a), calibrate(nbytes, run_b)
    ratios = []
    for _ in range(samples(nbytes)):
        per_call_a = sample(calls_a, run_a) / calls_a
        per_call_b = sample(calls_b, run_b) / calls_b
        ratios.append(per_call_a / max(1.0, per_call_b))
    ratios.sort()
    print(f"PAIR {a} {b} {nbytes} {ratios[len(ratios) // 2]:.4f} {len(ratios)}", flush=True)


def report(case, nbytes, timing):
    ns, calls = timing
    print(f"RESULT {case} {nbytes} {ns} {calls}", flush=True)


def run_size(nbytes, casts_only=False):
    def case(name, run):
        if casts_only and "astype" not in name and name != "torch_to_bf16":
            return
        report(name, nbytes, bench(nbytes, run))

    n = nbytes // 4
    a = (np.arange(n, dtype=np.float32) % 1000) * np.float32(0.25) - np.float32(100)
    case("numpy_copy", lambda: a.copy())
    out = np.empty_like(a)
    case("numpy_copyto_reused", lambda: np.copyto(out, a))
    if not casts_only:
        pair("numpy_copy", lambda: a.copy(), "numpy_copyto_reused", lambda: np.copyto(out, a), nbytes)
    del out
    case("numpy_astype_i32", lambda: a.astype(np.int32))
    case("numpy_astype_f16", lambda: a.astype(np.float16))
    case("numpy_astype_f64", lambda: a.astype(np.float64))
    # The same values in 4 KiB pages (an anonymous mmap without MADV_HUGEPAGE), as a Burn
    # tensor's buffer is: NumPy's own allocations use huge pages, which makes reading faster.
    m = mmap.mmap(-1, nbytes)
    b = np.frombuffer(m, dtype=np.float32)
    b[:] = a
    case("numpy_copy_4k", lambda: b.copy())
    case("numpy_astype_i32_4k", lambda: b.astype(np.int32))
    case("numpy_astype_f64_4k", lambda: b.astype(np.float64))
    del b
    m.close()
    t = torch.from_numpy(a)
    case("torch_numpy_view", lambda: t.numpy())
    case("torch_from_numpy", lambda: torch.from_numpy(a))
    case("torch_clone_numpy", lambda: t.clone().numpy())
    case("torch_to_bf16", lambda: t.to(torch.bfloat16))
    del t, a
    i = np.arange(n, dtype=np.int64) - 5000
    case("numpy_astype_i64_i32", lambda: i.astype(np.int32))
    m = mmap.mmap(-1, i.nbytes)
    j = np.frombuffer(m, dtype=np.int64)
    j[:] = i
    case("numpy_astype_i64_i32_4k", lambda: j.astype(np.int32))
    del j
    m.close()


if __name__ == "__main__":
    torch.set_num_threads(1)  # the Rust side is single-threaded
    quick = "--quick" in sys.argv
    print(f"VERSION numpy {np.__version__} torch {torch.__version__}", flush=True)
    if "--casts-only" in sys.argv:
        run_size(64 << 20, casts_only=True)
        sys.exit(0)
    for nbytes in SIZES:
        if quick and nbytes > 1 << 20:
            continue
        run_size(nbytes)
