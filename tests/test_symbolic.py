"""Exact symbolic transforms (spectral_exact.symbolic).

Fixtures are small nets with hand-checkable structure; the symbolic expression is compared
with hand-solved integrals (exact equality in sympy), with the float engine at generic
frequencies (numpy: 1e-12 relative; mpmath: 1e-13), and checked for exact structure (rational
vertices, exact tiling of the box, no Float atoms).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

import spectral_exact as se
from spectral_exact.symbolic import (
    SymbolicNetwork,
    frequency_symbols,
    lambdify_fourier,
    symbolic_network_fourier,
    symbolic_polytope_fourier,
    symbolic_regions,
    to_latex,
)

I = sympy.I
X = sympy.Symbol("x", real=True)


def relu_net() -> SymbolicNetwork:
    """f(x) = relu(x)."""
    return SymbolicNetwork([[[1]], [[1]]], [[0], [0]])


def abs_net() -> SymbolicNetwork:
    """f(x) = |x| = relu(x) + relu(-x)."""
    return SymbolicNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])


def net_2_3_1() -> SymbolicNetwork:
    return SymbolicNetwork(
        [[[1, 2], [-1, "1/2"], ["1/3", -1]], [[1, "-1/2", 2]]],
        [[0, "1/4", "-1/3"], ["1/5"]],
    )


def net_2_3_2_1() -> SymbolicNetwork:
    return SymbolicNetwork(
        [
            [[1, 2], [-1, "1/2"], ["1/3", -1]],
            [[1, -1, "1/2"], [-1, "2/3", 1]],
            [[1, "-3/2"]],
        ],
        [[0, "1/4", "-1/3"], ["1/5", "-1/7"], [0]],
    )


SQUARE = ([-1, -1], [1, 1])


def generic_frequencies(n: int, d: int, seed: int = 0) -> np.ndarray:
    """Frequencies away from the removable singularities: every |k_i| in [1.5, 9]."""
    rng = np.random.default_rng(seed)
    return rng.uniform(1.5, 9.0, (n, d)) * rng.choice([-1.0, 1.0], (n, d))


# ---------------------------------------------------------------------------- 1-D, exact
def test_relu_on_interval_equals_hand_integral() -> None:
    (k,) = frequency_symbols(1)
    F = symbolic_network_fourier(relu_net(), domain=(-1, 1))
    hand = sympy.integrate(X * sympy.exp(-I * k * X), (X, 0, 1), conds="none")
    assert sympy.simplify(F - hand) == 0
    assert F == (I / k + 1 / k**2) * sympy.exp(-I * k) - 1 / k**2
    assert sympy.limit(F, k, 0) == sympy.Rational(1, 2)  # F(0) = int_0^1 x dx


def test_relu_and_abs_on_the_line_follow_lemma1() -> None:
    (k,) = frequency_symbols(1)
    assert symbolic_network_fourier(relu_net()) == -1 / k**2  # constant -i, not +i
    assert symbolic_network_fourier(abs_net()) == -2 / k**2


def test_abs_on_interval_equals_hand_integral() -> None:
    (k,) = frequency_symbols(1)
    F = symbolic_network_fourier(abs_net(), domain=(["-1"], ["1"]))
    hand = 2 * sympy.integrate(X * sympy.cos(k * X), (X, 0, 1), conds="none")
    assert sympy.simplify((F - hand).rewrite(sympy.exp)) == 0
    assert sympy.simplify(F.subs(k, -k) - sympy.conjugate(F)) == 0  # real f


def test_two_unit_net_on_the_line_exact() -> None:
    """F = relu(x) - 2 relu(x - 1/2): kinks +1 at 0 and -2 at 1/2 (Lemma 1)."""
    (k,) = frequency_symbols(1)
    net = SymbolicNetwork([[[1], [1]], [[1, -2]]], [[0, "-1/2"], [0]])
    F = symbolic_network_fourier(net)
    assert sympy.simplify(F - (-1 / k**2 + 2 * sympy.exp(-I * k / 2) / k**2)) == 0
    K = np.array([[0.7], [-2.3], [5.1]])
    ref = se.network_fourier(net.float_network, K)
    np.testing.assert_allclose(lambdify_fourier(F, 1)(K), ref, rtol=1e-13)


# ---------------------------------------------------------------------------- 2-D, vs float
@pytest.mark.parametrize("make", [net_2_3_1, net_2_3_2_1], ids=["2-3-1", "2-3-2-1"])
def test_2d_net_matches_float_engine(make) -> None:
    net = make()
    F = symbolic_network_fourier(net, SQUARE)
    assert not F.atoms(sympy.Float)
    K = generic_frequencies(12, 2)
    ref = se.network_fourier(net.float_network, K, domain=se.Box(*SQUARE))
    got = lambdify_fourier(F, 2)(K)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=0)
    # in 30-digit arithmetic the exact expression meets the float engine at its own accuracy
    with mpmath.workdps(30):
        got_mp = lambdify_fourier(F, 2, modules="mpmath")(K[:3])
    np.testing.assert_allclose(got_mp, ref[:3], rtol=1e-13, atol=0)


def test_2d_unsimplified_form_is_the_same_function() -> None:
    net = net_2_3_1()
    F = symbolic_network_fourier(net, SQUARE)
    G = symbolic_network_fourier(net, SQUARE, simplify=False)
    K = generic_frequencies(6, 2, seed=3)
    np.testing.assert_allclose(lambdify_fourier(G, 2)(K), lambdify_fourier(F, 2)(K), rtol=1e-12)


def test_exact_regions_are_rational_and_tile_the_box() -> None:
    net = net_2_3_2_1()
    regs = symbolic_regions(net, SQUARE)
    assert sum(r.volume for r in regs) == 4
    for r in regs:
        for v in r.vertices:
            assert all(isinstance(t, sympy.Rational) for t in v)
            # the region's affine piece is f itself at its (exact) vertices
            assert r.value(v) == net.evaluate(v)
    # the float enumerator counts the same regions
    assert len(regs) == len(se.linear_regions(net.float_network, se.Box(*SQUARE)))


def test_one_hidden_layer_keeps_only_boundary_vertices() -> None:
    """For ridge functions, interior kink crossings cancel: every surviving exponential sits on
    the boundary of the square (|v|_inf = 1).
    """
    F = symbolic_network_fourier(net_2_3_1(), SQUARE)
    k1, k2 = frequency_symbols(2)
    for e in F.atoms(sympy.exp):
        arg = sympy.expand(I * e.args[0])  # = k . v
        v = (arg.coeff(k1), arg.coeff(k2))
        assert max(abs(t) for t in v) == 1, v


def test_3d_net_matches_float_engine() -> None:
    net = SymbolicNetwork([[[1, 2, -1], [-1, "1/2", 1]], [[1, "-1/2"]]], [[0, "1/4"], ["1/5"]])
    box = ([-1, -1, -1], [1, 1, 1])
    assert sum(r.volume for r in symbolic_regions(net, box)) == 8
    F = symbolic_network_fourier(net, box)
    K = generic_frequencies(5, 3, seed=1)
    ref = se.network_fourier(net.float_network, K, domain=se.Box(*box))
    np.testing.assert_allclose(lambdify_fourier(F, 3)(K), ref, rtol=1e-12)


# ---------------------------------------------------------------------------- polytopes
def test_unit_square_indicator_is_a_product_of_sincs() -> None:
    k1, k2 = frequency_symbols(2)
    F = symbolic_polytope_fourier([[0, 0], [1, 0], [1, 1], [0, 1], ["1/2", "1/2"]])
    hand = (1 - sympy.exp(-I * k1)) / (I * k1) * (1 - sympy.exp(-I * k2)) / (I * k2)
    assert sympy.simplify(sympy.expand(F - hand)) == 0


def test_affine_weight_on_triangle_matches_float_engine() -> None:
    V = [[0, 0], ["3/2", 0], ["1/3", 1]]
    w, c = ["1/2", -1], 2
    F = symbolic_polytope_fourier(V, weight=(w, c))
    K = generic_frequencies(8, 2, seed=2)
    P = se.Polytope.from_vertices(np.array([[0, 0], [1.5, 0], [1 / 3, 1]]))
    ref = se.affine_polytope_fourier(P, np.array([0.5, -1.0]), 2.0, K)
    np.testing.assert_allclose(lambdify_fourier(F, 2)(K), ref, rtol=1e-12)


# ---------------------------------------------------------------------------- presentation
def test_latex_has_one_exponential_per_line() -> None:
    F = symbolic_network_fourier(net_2_3_1(), SQUARE)
    tex = to_latex(F)
    assert "e^{" in tex and tex == tex.strip()
    assert sympy.latex(F)  # plain sympy printing works too
    lines = to_latex(F, multiline=True).splitlines()
    assert lines[0] == r"\begin{aligned}" and lines[-1] == r"\end{aligned}"
    assert len(lines) - 2 == len(F.atoms(sympy.exp))


def test_custom_symbols() -> None:
    xi = sympy.Symbol("xi", real=True)
    F = symbolic_network_fourier(relu_net(), k_symbols=[xi])
    assert F == -1 / xi**2


# ---------------------------------------------------------------------------- input
def test_rational_inputs_in_every_spelling() -> None:
    a = SymbolicNetwork([[[Fraction(1, 3)]], [[sympy.Rational(2)]]], [["1/4"], [0.5]])
    assert a.weights[0][0, 0] == sympy.Rational(1, 3)
    assert a.biases[1][0] == sympy.Rational(1, 2)
    b = SymbolicNetwork.from_network(a.float_network, max_denominator=100)
    assert b.weights[0][0, 0] == sympy.Rational(1, 3) and b.biases[0][0] == sympy.Rational(1, 4)
    assert SymbolicNetwork.from_network(a.float_network).weights[0][0, 0] == sympy.Rational(
        *(1 / 3).as_integer_ratio()
    )


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ([[[sympy.sqrt(2)]], [[1]]], r"weights\[0\]\[0\]\[0\] = sqrt\(2\) is not a rational"),
        ([[[float("nan")]], [[1]]], r"weights\[0\]\[0\]\[0\] is not finite: nan"),
        ([[["one"]], [[1]]], r"'one' is not a rational number"),
        ([[[1, 2], [3]], [[1, 1]]], r"rectangular"),
    ],
)
def test_bad_weights_raise(weights, match) -> None:
    with pytest.raises(se.InvalidNetworkError, match=match):
        SymbolicNetwork(weights, [[0] * len(weights[0]), [0]])


@pytest.mark.parametrize(
    ("domain", "match"),
    [
        (([sympy.pi], [4]), r"domain lo\[0\] = pi is not a rational"),
        (([float("inf")], [4]), r"not finite"),
        (([1], [1]), r"empty or flat in axis 0"),
        (([0, 0], [1, 1]), r"must have 1 lower and upper bounds, got 2 and 2"),
    ],
)
def test_bad_domain_raises(domain, match) -> None:
    with pytest.raises(se.InvalidDomainError, match=match):
        symbolic_network_fourier(relu_net(), domain)


def test_whole_plane_is_refused_in_2d() -> None:
    with pytest.raises(se.InvalidDomainError, match="only for d = 1"):
        symbolic_network_fourier(net_2_3_1())


def test_flat_polytope_and_bad_symbols_raise() -> None:
    with pytest.raises(se.InvalidPolytopeError, match="lower-dimensional"):
        symbolic_polytope_fourier([[0, 0], [1, 1], [2, 2]])
    with pytest.raises(se.InvalidFrequencyError, match="2 sympy Symbols"):
        symbolic_polytope_fourier([[0, 0], [1, 0], [0, 1]], k_symbols=[sympy.Symbol("k")])
