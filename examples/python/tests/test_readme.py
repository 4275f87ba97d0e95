"""The README's Python session, run as written (a doctest) from the repository root."""

import doctest
import os
from pathlib import Path

import pytest

import burn_nd_demo as demo

ROOT = Path(__file__).resolve().parents[3]
MARKER = "<!-- python session: run by examples/python/tests/test_readme.py -->"


@pytest.mark.skipif(demo.BURN_LINE != "0.22", reason="the session shows the default build (Burn 0.22)")
def test_readme_python_session():
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
    assert runner.failures == 0 and runner.tries == len(test.examples), runner.summarize()
