"""The regression example's MLP, trained and queried from Python."""

from pathlib import Path

import numpy as np
import pytest

import burn_nd_demo as demo
from conftest import at_once, in_child

DATA = Path(__file__).resolve().parents[2] / "data" / "diabetes.csv"


def load():
    rows = np.loadtxt(DATA, delimiter=",", skiprows=1, dtype=np.float32)
    x, y = rows[:, :10], rows[:, 10:]
    x = (x - x.mean(0)) / x.std(0)
    return x, (y - y.mean()) / y.std()


def test_fit_predict_and_state_dict():
    x, y = load()
    model = demo.Regressor.fit(x, y, epochs=30, seed=0)
    pred = model.predict(x)
    assert pred.dtype == np.float32 and pred.shape == (len(x), 1)
    # Better than predicting the mean (a scaled target's mean squared error is 1).
    assert float(((pred - y) ** 2).mean()) < 0.7
    params = model.state_dict()
    assert sorted(params) == [
        "fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight", "out.bias", "out.weight",
    ]
    assert params["fc1.weight"].shape == (10, 16) and params["out.bias"].shape == (1,)
    assert all(p.dtype == np.float32 for p in params.values())
    # The same forward pass in NumPy from the state dict gives the same predictions.
    h = np.maximum(x @ params["fc1.weight"] + params["fc1.bias"], 0)
    h = np.maximum(h @ params["fc2.weight"] + params["fc2.bias"], 0)
    np.testing.assert_allclose(h @ params["out.weight"] + params["out.bias"], pred, rtol=1e-4, atol=1e-5)


def test_predict_takes_any_float_layout():
    x, y = load()
    model = demo.Regressor.fit(x[:64], y[:64], epochs=1, seed=1)
    c = model.predict(x[:8])
    np.testing.assert_array_equal(model.predict(np.asfortranarray(x[:8])), c)
    np.testing.assert_array_equal(model.predict(x[:8].astype(np.float64)), c)


def test_bad_inputs_are_errors_and_the_model_stays_usable():
    x, y = load()
    model = demo.Regressor.fit(x[:64], y[:64], epochs=1, seed=1)
    c = model.predict(x[:8])
    with pytest.raises(ValueError, match="5 columns; the model takes 10"):
        model.predict(x[:8, :5])
    with pytest.raises(ValueError, match="2-D"):
        model.predict(x[0])
    with pytest.raises(TypeError, match="complex64"):
        model.predict(x[:8].astype(np.complex64))
    # The model answers as before: no error above left it locked or half-used.
    np.testing.assert_array_equal(model.predict(x[:8]), c)
    assert sorted(model.state_dict()) == sorted(model.state_dict())


def predict_from_8_threads():
    """8 threads call `predict` on one Regressor at once, 20 times each; every answer must be
    the model's. (Run by the test below in a child interpreter.)"""
    x, y = load()
    model = demo.Regressor.fit(x[:64], y[:64], epochs=1, seed=2)
    expected = model.predict(x[:100])

    def work(_):
        for _ in range(20):
            np.testing.assert_array_equal(model.predict(x[:100]), expected)

    at_once(work)


def test_eight_threads_predict_with_one_model():
    # The forward pass releases the GIL. Were the model's lock held across it, a thread waiting
    # for that lock with the GIL held would stop the predicting thread from taking the GIL
    # back: a deadlock of the whole process, hence the child interpreter.
    in_child(predict_from_8_threads)
