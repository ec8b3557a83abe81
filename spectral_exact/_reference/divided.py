r"""Divided differences of ``exp`` in mpmath: Newton recursion and scaled Opitz-Taylor table.

See :mod:`spectral_exact.testing` for the two algorithms and their references.

References
----------
C. de Boor, "Divided differences", Surveys in Approximation Theory 1, 46-69 (2005), ISSN
1555-578X (the Hermite-Genocchi formula: the integral of exp over a simplex is a divided
difference of exp).

A. McCurdy, K. C. Ng and B. N. Parlett, "Accurate computation of divided differences of the
exponential function", Math. Comp. 43, 501-528 (1984).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import mpmath
from mpmath import mp

from .._errors import (
    InvalidArgumentError,
)
from .common import _GUARD_DIGITS, _NEWTON_MAX_EXTRA_DIGITS, _TAYLOR_RADIUS, DEFAULT_DPS


def _newton_extra_digits(nodes: Sequence[mpmath.mpc]) -> float:
    """Estimated digits lost by the Newton recursion on ``nodes`` (already sorted)."""
    m = len(nodes) - 1
    extra = 0.0
    for q in range(1, m + 1):
        gaps = [abs(nodes[i + q] - nodes[i]) for i in range(m + 1 - q)]
        nonzero = [g for g in gaps if g != 0]
        if nonzero:
            extra += max(0.0, -float(mpmath.log10(min(nonzero))))
    return extra


def _spread_digits(nodes: Sequence[mpmath.mpc]) -> float:
    """``m * log10(1 + r)``: digits by which the result may be smaller than the table entries."""
    c = mpmath.fsum(nodes) / len(nodes)
    r = max(abs(z - c) for z in nodes)
    return (len(nodes) - 1) * math.log10(1.0 + float(r))


def _dd_newton(nodes: Sequence[mpmath.mpc]) -> mpmath.mpc:
    """Newton/Hermite recursion; ``nodes`` sorted so that equal nodes are adjacent."""
    n = len(nodes)
    col = [mpmath.exp(z) for z in nodes]  # level 0: exp[z_i]
    for q in range(1, n):
        new = []
        for i in range(n - q):
            den = nodes[i + q] - nodes[i]
            if den == 0:  # nodes[i..i+q] all equal (sorted): e^z / q!
                new.append(mpmath.exp(nodes[i]) / mpmath.factorial(q))
            else:
                new.append((col[i + 1] - col[i]) / den)
        col = new
    return col[0]


def _dd_taylor_table(nodes: Sequence[mpmath.mpc], digits: int) -> list[list[mpmath.mpc]]:
    """Full table ``T[i][l] = exp[z_i..z_l]`` by scaling and squaring the Opitz matrix."""
    n = len(nodes)
    c = mpmath.fsum(nodes) / n
    w = [z - c for z in nodes]
    r = max(abs(z) for z in w)
    s = 0 if r <= _TAYLOR_RADIUS else math.ceil(math.log2(float(r) / _TAYLOR_RADIUS))
    scale = mpmath.ldexp(mpmath.mpf(1), -s)
    u = [z * scale for z in w]
    # |h_p(u_i..u_l)| <= C(p+q, q) rho^p, so term p <= rho^p / (p! q!): stop below 10^-digits.
    n_terms = 1
    log_eps = -digits * math.log(10.0)
    while n_terms * math.log(_TAYLOR_RADIUS) - math.lgamma(n_terms + 1) > log_eps:
        n_terms += 1
    inv_fact = [1 / mpmath.factorial(p) for p in range(n_terms + n)]
    table = [[mpmath.mpc(0)] * n for _ in range(n)]
    for i in range(n):
        h = [u[i] ** p for p in range(n_terms)]
        table[i][i] = mpmath.exp(u[i])
        for col_l in range(i + 1, n):
            ul = u[col_l]
            for p in range(1, n_terms):
                h[p] = h[p] + ul * h[p - 1]
            q = col_l - i
            table[i][col_l] = mpmath.fsum(h[p] * inv_fact[p + q] for p in range(n_terms))
    # exp(Z / 2^s) has super-diagonal 2^-s: entry (i, l) carries the factor 2^{-s (l - i)}.
    for i in range(n):
        for col_l in range(i + 1, n):
            table[i][col_l] *= scale ** (col_l - i)
    for _ in range(s):
        table = [
            [
                mpmath.fsum(table[i][j] * table[j][col_l] for j in range(i, col_l + 1))
                if col_l >= i
                else mpmath.mpc(0)
                for col_l in range(n)
            ]
            for i in range(n)
        ]
    ec = mpmath.exp(c)
    return [[ec * t for t in row] for row in table]


def mp_exp_divided_difference(
    nodes: Sequence[Any], dps: int = DEFAULT_DPS, method: str = "auto"
) -> mpmath.mpc:
    r"""Divided difference :math:`\exp[z_0, \dots, z_m]` of the exponential, to ``dps`` digits.

    Parameters
    ----------
    nodes : sequence of complex or mpc
        The nodes :math:`z_j`; repeated nodes are allowed (Hermite divided differences).
    dps : int
        Target decimal digits (relative to the size of the table entries,
        :math:`\max_j |e^{z_j}|`).
    method : {"auto", "newton", "taylor"}
        See the module docstring.

    Returns
    -------
    mpmath.mpc
        Computed at ``dps`` plus guard digits; carries that precision.
    """
    if method not in ("auto", "newton", "taylor"):
        raise InvalidArgumentError(f"method must be 'auto', 'newton' or 'taylor', got {method!r}")
    if len(nodes) == 0:
        raise InvalidArgumentError("at least one node is needed")
    with mp.workdps(dps + _GUARD_DIGITS):
        zs = [mpmath.mpc(z) for z in nodes]
        zs.sort(key=lambda z: (z.real, z.imag))
        spread = _spread_digits(zs)
        extra = _newton_extra_digits(zs)
    if method == "newton" or (method == "auto" and extra <= _NEWTON_MAX_EXTRA_DIGITS):
        work = dps + _GUARD_DIGITS + math.ceil(spread + extra)
        with mp.workdps(work):
            return +_dd_newton([mpmath.mpc(z) for z in zs])
    work = dps + _GUARD_DIGITS + math.ceil(spread * (len(zs) + 1) / max(len(zs) - 1, 1))
    with mp.workdps(work):
        table = _dd_taylor_table([mpmath.mpc(z) for z in zs], work)
        return +table[0][-1]
