"""The README's Python session (readme_session.py), on the default build."""

import pytest

import burn_nd_demo as demo
from readme_session import run


@pytest.mark.skipif(demo.BURN_LINE != "0.22", reason="the session shows the default build (Burn 0.22)")
def test_readme_python_session():
    runner, examples = run()
    assert runner.failures == 0 and runner.tries == examples, runner.summarize()
