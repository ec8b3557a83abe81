r"""Deep nets on R^2 whose first-layer kinks cross at 2^-18 .. 2^-36 rad (issue 9).

Two failures, both reproduced by these nets before the fix:

* ``face_poset`` refused regions with "inconsistent incidence": a region 1e-8 wide at one end
  and 1e7 long was given dimension 1, its short edge being 1e-15 of its long one (rank
  relative to the longest direction row);
* the cone enumerators took a deeper neuron's zero set crossing a region 6e9 away (0.05 off
  at a vertex) for "through the vertex" (zero threshold ``geometry * |x|``), so the region
  was not split and its activation pattern was wrong on part of it.

Checked against an independent route: the activation pattern of the network evaluated in
exact rational arithmetic (:class:`fractions.Fraction`) at every vertex of every region, and
at a point inside it, must agree with the region's pattern (a vertex may lie on a kink: 0 is
allowed there, within the rounding of its float coordinates); every region's face poset has
the Euler characteristic of a polygon (1) or of an unbounded polygon (0).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import spectral_exact as se

#: the vertices are floats: a pre-activation exactly 0 at the true vertex is this many ulps
#: of ``|g| |x| + |c|`` at the rounded one
VERTEX_ULPS = 1024.0


def _deep_net(theta: float, seed: int) -> se.ReLUNetwork:
    """Two first-layer kinks at angle ``theta`` through the origin, two more, then 5, 4."""
    rng = np.random.default_rng(seed)
    W1 = np.array([[0.0, 1.0], [-np.sin(theta), np.cos(theta)], [1.0, 0.3], [0.4, -1.0]])
    return se.ReLUNetwork(
        [W1, rng.normal(size=(5, 4)), rng.normal(size=(4, 5)), rng.normal(size=(1, 4))],
        [np.array([0.0, 0.0, 0.2, -0.1]), 0.3 * rng.normal(size=5), 0.3 * rng.normal(size=4),
         np.zeros(1)],
    )  # fmt: skip


def _exact_preactivations(net: se.ReLUNetwork, x: np.ndarray) -> list[Fraction]:
    """Every hidden pre-activation at the float point ``x``, in exact arithmetic."""
    h = [Fraction(float(v)) for v in x]
    out: list[Fraction] = []
    for W, b in zip(net.weights[:-1], net.biases[:-1], strict=True):
        z = [sum((Fraction(float(w)) * v for w, v in zip(row, h, strict=True)), Fraction(0))
             + Fraction(float(c)) for row, c in zip(W, b, strict=True)]  # fmt: skip
        out += z
        h = [max(v, Fraction(0)) for v in z]
    return out


def _bounds(net: se.ReLUNetwork, x: np.ndarray) -> np.ndarray:
    """Rounding bound of each pre-activation at a float point ``x`` (|g| |x| + |c| ulps)."""
    a = np.abs(np.asarray(x, float))
    out = []
    for W, b in zip(net.weights[:-1], net.biases[:-1], strict=True):
        a = np.abs(W) @ a + np.abs(b)
        out.append(a)
    return VERTEX_ULPS * np.finfo(float).eps * np.concatenate(out)


@pytest.mark.parametrize("e", [18, 24, 30, 34, 36])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_deep_nets_with_nearly_parallel_kinks_on_R2(e: int, seed: int) -> None:
    net = _deep_net(2.0**-e, seed)
    regs = se.linear_regions(net, None)
    for r in regs:
        P = r.polytope
        G = se.face_poset(P)  # raised "inconsistent incidence" for 2^-24 .. 2^-36
        fv = se.f_vector(G)
        assert len(fv) == 3
        assert fv[0] - fv[1] + fv[2] == (1 if P.is_bounded else 0)
        pattern = np.concatenate(r.pattern)
        sign = np.where(pattern, 1, -1)
        for v in P.vertices:
            z = _exact_preactivations(net, v)
            bound = _bounds(net, v)
            # no neuron strictly on the wrong side at any vertex of the region
            wrong = [float(zi) * s < -b for zi, s, b in zip(z, sign, bound, strict=True)]
            assert not any(wrong), (e, seed, v)
        # a point inside (vertices' mean pushed along the rays): the exact pattern, where no
        # pre-activation is within rounding of 0 there
        x = P.vertices.mean(axis=0) + P.rays.sum(axis=0)
        z = _exact_preactivations(net, x)
        bound = _bounds(net, x)
        for zi, p, b in zip(z, pattern, bound, strict=True):
            if abs(float(zi)) > b:
                assert (zi > 0) == p
