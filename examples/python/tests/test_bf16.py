"""bfloat16 with and without ml_dtypes."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import burn_nd_demo as demo
from conftest import HOLDS, same

BF16_BACKENDS = [b for b in demo.BACKENDS if "bfloat16" in HOLDS[b]]


@pytest.mark.parametrize("backend", BF16_BACKENDS)
def test_bfloat16_round_trips_as_ml_dtypes_bfloat16(backend):
    # Imported, not importorskip'd: ml_dtypes is one of the test venv's packages, and a run
    # without it must fail here rather than pass with this test skipped. The test below covers
    # its absence, in an interpreter where the import fails.
    import ml_dtypes

    a = np.array([[1.5, -2.0], [np.inf, 3.140625]], dtype=ml_dtypes.bfloat16)
    t = demo.Tensor.from_numpy(a, backend)
    assert t.dtype == "bfloat16"
    out = t.numpy()
    assert out.dtype == np.dtype(ml_dtypes.bfloat16)
    same(out, a)
    same(t.to_pyarray("float32"), a.astype(np.float32))
    same(t.to_pyarray("bfloat16"), a)
    same(demo.Tensor.from_numpy(a.T, backend).numpy(), a.T)
    f = demo.Tensor.from_numpy(np.array([1.0, 0.1], np.float32), backend, dtype="bfloat16", casting="same_kind")
    same(f.into_numpy(), np.array([1.0, 0.1], np.float32).astype(ml_dtypes.bfloat16))


@pytest.mark.parametrize("backend", BF16_BACKENDS)
def test_without_ml_dtypes_bfloat16_is_a_type_error_naming_it(backend):
    # A fresh interpreter in which `import ml_dtypes` fails, as where it is not installed.
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["ml_dtypes"] = None
        import numpy as np
        import burn_nd_demo as demo
        t = demo.Tensor.from_numpy(np.array([1.5, 2.0], np.float32), {backend!r},
                                   dtype="bfloat16", casting="same_kind")
        for read in (t.numpy, lambda: t.to_pyarray("bfloat16")):
            try:
                read()
            except TypeError as e:
                assert "ml_dtypes" in str(e) and "to_pyarray::<f32>" in str(e), e
            else:
                raise AssertionError("no TypeError")
        assert t.to_pyarray("float32").tolist() == [1.5, 2.0]
        assert t.dtype == "bfloat16"
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
