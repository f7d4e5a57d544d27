"""Tests of nnsimple, the course's network: gradients against finite differences, the course's
updates, bad input, and that the file runs on its own (numpy and the standard library only)."""

import ast
import math
import sys

import numpy as np
import pytest

import nnsimple as nn
from tests.course import course_costs


@pytest.fixture
def xor():
    return nn.load_dataset("xor")


def test_nnsimple_imports_only_numpy_and_the_standard_library():
    tree = ast.parse(open(nn.__file__, encoding="utf-8").read())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0}
    assert imported - set(sys.stdlib_module_names) == {"numpy"}


# ---------------------------------------------------------------- gradients


@pytest.mark.parametrize("loss", nn.LOSSES)
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_gradient_check_passes_on_random_parameters(loss, seed):
    rng = np.random.RandomState(100 + seed)
    X = rng.randn(3, 5)
    Y = (rng.rand(1, 5) > 0.5).astype(float)
    parameters = {
        "W1": rng.randn(4, 3),
        "b1": rng.randn(4, 1),
        "W2": rng.randn(1, 4),
        "b2": rng.randn(1, 1),
    }
    assert nn.gradient_check(X, Y, parameters, loss) < 1e-7


@pytest.mark.parametrize("loss", nn.LOSSES)
@pytest.mark.parametrize("init", ["random", "xavier"])
def test_gradient_check_passes_on_xor(xor, loss, init):
    X, Y = xor
    parameters = nn.initialize_parameters(2, 2, 1, init=init, seed=3)
    assert nn.gradient_check(X, Y, parameters, loss) < 1e-7


def test_naive_mse_gradient_fails_the_check(xor):
    """The students' MSE backward pass (BCE's dZ2 = (A2 - Y)/m) is not the MSE gradient."""
    X, Y = xor
    parameters = nn.initialize_parameters(2, 2, 1, seed=2)
    assert nn.gradient_check(X, Y, parameters, "mse", grad_loss="bce") > 1e-2


def test_mse_dZ2_is_the_derivative_of_the_cost_through_the_sigmoid():
    Z2 = np.array([[-1.5, 0.2, 0.7, 3.0]])
    Y = np.array([[0.0, 1.0, 1.0, 0.0]])
    h = 1e-6
    for j in range(4):
        up, down = Z2.copy(), Z2.copy()
        up[0, j] += h
        down[0, j] -= h
        numeric = (nn.mse_cost(nn.sigmoid(up), Y) - nn.mse_cost(nn.sigmoid(down), Y)) / (2 * h)
        assert nn.mse_dZ2(nn.sigmoid(Z2), Y)[0, j] == pytest.approx(numeric, rel=1e-7)


# ---------------------------------------------------------------- the course's numbers


def test_course_model_makes_the_course_number_of_updates(xor):
    X, Y = xor
    _, expected = course_costs(iterations=1000)
    parameters = nn.model(X, Y, 2, 2, 1, 1000, 0.3)
    for name in nn.PARAMETER_NAMES:
        np.testing.assert_allclose(parameters[name], expected[name], rtol=0, atol=1e-12)


def test_update_parameters_leaves_inputs_untouched(xor):
    X, Y = xor
    parameters = nn.initialize_parameters(2, 2, 1)
    copy = {k: v.copy() for k, v in parameters.items()}
    grads = nn.backward_prop(X, Y, nn.forward_prop(X, parameters)[1], parameters)
    nn.update_parameters(parameters, grads, 0.5)
    for name in nn.PARAMETER_NAMES:
        np.testing.assert_array_equal(parameters[name], copy[name])


def test_xavier_scales_the_course_draws():
    course = nn.initialize_parameters(2, 3, 1, init="random", seed=4)
    xavier = nn.initialize_parameters(2, 3, 1, init="xavier", seed=4)
    np.testing.assert_allclose(xavier["W1"], course["W1"] / np.sqrt(2))
    np.testing.assert_allclose(xavier["W2"], course["W2"] / np.sqrt(3))


# ---------------------------------------------------------------- bad input


def test_unknown_choice_lists_the_valid_ones_and_suggests():
    with pytest.raises(ValueError, match=r"'zeros', 'random', 'xavier'.*¿Quiso decir 'zeros'\?"):
        nn.initialize_parameters(2, 2, 1, init="zero")
    with pytest.raises(ValueError, match=r"'bce', 'mse'"):
        nn.compute_cost(np.array([[0.5]]), np.array([[1.0]]), loss="cross-entropy")
    with pytest.raises(ValueError, match=r"'xnor'.*'xor', 'and', 'or'"):
        nn.load_dataset("xnor")


def test_bce_never_returns_inf_or_nan():
    Y = np.array([[0.0, 1.0]])
    assert math.isfinite(nn.compute_cost(np.array([[1.0, 0.0]]), Y, "bce"))
    assert nn.compute_cost(np.array([[0.0, 1.0]]), Y, "bce") == pytest.approx(0, abs=1e-12)


# ---------------------------------------------------------------- kept states (steps) and blocks


def test_an_unknown_loss_is_named_with_feminine_agreement():
    with pytest.raises(ValueError, match="Función de costo desconocida: 'hinge'"):
        nn.check_loss("hinge")
