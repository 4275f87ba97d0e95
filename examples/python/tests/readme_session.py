"""The README's Python session, run as written (a doctest) from the repository root.

Needs the installed module and PyTorch: pytest runs it (test_readme.py), and `cargo xtask
test-backends` runs this file in a fresh venv holding just the wheel, NumPy, ml_dtypes and
PyTorch.
"""

import doctest
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MARKER = "<!-- python session: run by examples/python/tests/test_readme.py -->"


def run():
    """The doctest runner after the session ran, and the number of examples in it."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split(MARKER, 1)[1].split("```python\n", 1)[1].split("\n```", 1)[0]
    test = doctest.DocTestParser().get_doctest(block, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        runner.run(test)
    finally:
        os.chdir(cwd)
    return runner, len(test.examples)


if __name__ == "__main__":
    runner, examples = run()
    print(runner.summarize())
    sys.exit(0 if runner.failures == 0 and runner.tries == examples > 0 else 1)
