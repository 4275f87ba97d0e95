"""Writes tests/data/numpy_can_cast.tsv: numpy.can_cast for every pair of the dtypes burn-nd
shares with NumPy, under each casting mode. Rerun with any NumPy >= 2:

    python3 tests/scripts/gen_can_cast.py > tests/data/numpy_can_cast.tsv
"""
import numpy as np

DTYPES = ["bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64",
          "float16", "float32", "float64"]
MODES = ["no", "safe", "same_kind", "unsafe"]

print(f"# numpy {np.__version__}")
print("\t".join(["from", "to", *MODES]))
for a in DTYPES:
    for b in DTYPES:
        row = [a, b] + [str(int(np.can_cast(np.dtype(a), np.dtype(b), casting=m))) for m in MODES]
        print("\t".join(row))
