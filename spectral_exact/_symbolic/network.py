"""A ReLU network with exact rational weights (:class:`SymbolicNetwork`) and exact boxes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Integral
from typing import Any

import numpy as np
import sympy
from numpy.typing import NDArray

from .._errors import (
    InvalidDomainError,
    InvalidNetworkError,
)
from ..network import ReLUNetwork
from ..polytope import Box
from .rational import Point, _as_rational, _rational_matrix


@dataclass(frozen=True, eq=False)
class SymbolicNetwork:
    r"""A ReLU network with exact rational weights (and its float twin).

    Same layout as :class:`~spectral_exact.ReLUNetwork`:
    :math:`f(x) = W_{L+1}\,\mathrm{relu}(W_L \cdots \mathrm{relu}(W_1 x + b_1) \cdots + b_L)
    + b_{L+1}`.

    Parameters
    ----------
    weights : sequence of 2-D nested sequences / arrays / sympy matrices
        ``W_l`` of shape ``(d_l, d_{l-1})``; the last has exactly one row. Entries: anything
        :func:`_as_rational` accepts (ints, Fractions, sympy Rationals, ``"1/3"``, finite
        floats taken at their exact binary value). Irrational sympy numbers, NaN and inf
        raise :class:`~spectral_exact.InvalidNetworkError`.
    biases : sequence of 1-D sequences
        ``b_l`` of shape ``(d_l,)``.

    Attributes
    ----------
    weights, biases : tuple of sympy.ImmutableMatrix
        Exact weights (``(d_l, d_{l-1})``) and biases (``(d_l, 1)``).
    float_network : ReLUNetwork
        The same network with every entry rounded to the nearest double.

    Examples
    --------
    >>> from spectral_exact.symbolic import SymbolicNetwork
    >>> net = SymbolicNetwork([[[1], [-1]], [["1/2", "1/2"]]], [[0, 0], [0]])   # |x| / 2
    >>> net.evaluate(["-2/3"])
    1/3
    """

    weights: tuple[sympy.ImmutableMatrix, ...]
    biases: tuple[sympy.ImmutableMatrix, ...]
    float_network: ReLUNetwork = field(repr=False)

    def __init__(self, weights: Sequence[Any], biases: Sequence[Any]) -> None:
        if isinstance(weights, (np.ndarray, str)) or isinstance(biases, (np.ndarray, str)):
            raise InvalidNetworkError(
                "weights and biases must be sequences of per-layer arrays, not a single array"
            )
        ws = [
            sympy.ImmutableMatrix(_rational_matrix(w, f"weights[{i}]", 2))
            for i, w in enumerate(weights)
        ]
        bs = [
            sympy.ImmutableMatrix(_rational_matrix(b, f"biases[{i}]", 1))
            for i, b in enumerate(biases)
        ]
        # shape checks are the float network's (same messages as everywhere else)
        fnet = ReLUNetwork(
            [np.array(w.tolist(), dtype=np.float64) for w in ws],
            [np.array(b.tolist(), dtype=np.float64).reshape(-1) for b in bs],
        )
        object.__setattr__(self, "weights", tuple(ws))
        object.__setattr__(self, "biases", tuple(bs))
        object.__setattr__(self, "float_network", fnet)

    @classmethod
    def from_network(cls, net: ReLUNetwork, max_denominator: int | None = None) -> SymbolicNetwork:
        """Exact twin of a float network.

        ``max_denominator=None`` takes every double at its exact binary value (the float
        network is reproduced bit for bit, but denominators are powers of two up to
        ``2**1074``). An integer ``max_denominator`` replaces each entry by the closest
        fraction with at most that denominator (:meth:`fractions.Fraction.limit_denominator`):
        ``0.1 -> 1/10``; the network then changes by the rounding, at most
        ``1 / max_denominator`` per entry.
        """
        if not isinstance(net, ReLUNetwork):
            raise InvalidNetworkError(f"net must be a ReLUNetwork, got {type(net).__name__}")
        if max_denominator is not None and (
            not isinstance(max_denominator, Integral) or max_denominator < 1
        ):
            raise InvalidNetworkError(
                f"max_denominator must be a positive integer or None, got {max_denominator!r}"
            )

        def conv(a: NDArray[np.float64]) -> list[Any]:
            if max_denominator is None:
                return a.tolist()
            return np.vectorize(
                lambda x: Fraction(float(x)).limit_denominator(int(max_denominator)),
                otypes=[object],
            )(a).tolist()

        return cls([conv(w) for w in net.weights], [conv(b) for b in net.biases])

    @property
    def input_dim(self) -> int:
        """Input dimension ``d``."""
        return int(self.weights[0].shape[1])

    @property
    def architecture(self) -> tuple[int, ...]:
        """Layer widths, input first."""
        return self.float_network.architecture

    def __repr__(self) -> str:
        """Show the architecture."""
        return f"SymbolicNetwork({'-'.join(str(a) for a in self.architecture)})"

    def evaluate(self, x: Sequence[Any]) -> sympy.Rational:
        """Exact value ``f(x)`` at one rational point ``x`` (length ``d``)."""
        xs = [_as_rational(v, f"x[{i}]", InvalidDomainError) for i, v in enumerate(x)]
        if len(xs) != self.input_dim:
            raise InvalidDomainError(f"x must have length {self.input_dim}, got {len(xs)}")
        a = sympy.Matrix(xs)
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            a = (w * a + b).applyfunc(lambda t: sympy.Max(t, 0))
        return sympy.Rational((self.weights[-1] * a + self.biases[-1])[0])

    def affine_pieces(
        self, pattern: Sequence[Sequence[bool]]
    ) -> tuple[list[tuple[Point, sympy.Rational]], Point, sympy.Rational]:
        r"""Exact affine data of an activation pattern.

        Returns ``(pre, w, c)``: ``pre`` lists ``(a_j, b_j)`` with ``z_j(x) = a_j . x + b_j``
        the pre-activation of every hidden neuron (layer by layer) on the region of the
        pattern, and ``f(x) = w . x + c`` there.
        """
        d = self.input_dim
        A = sympy.eye(d)
        c = sympy.zeros(d, 1)
        pre: list[tuple[Point, sympy.Rational]] = []
        for layer, (w, b) in enumerate(zip(self.weights[:-1], self.biases[:-1], strict=True)):
            Z = w * A
            z0 = w * c + b
            act = [bool(s) for s in pattern[layer]]
            if len(act) != Z.shape[0]:
                raise InvalidNetworkError(
                    f"pattern of layer {layer} has {len(act)} entries, expected {Z.shape[0]}"
                )
            for j in range(Z.shape[0]):
                pre.append((tuple(Z.row(j)), z0[j]))
            D = sympy.diag(*[1 if s else 0 for s in act])
            A, c = D * Z, D * z0
        wl = self.weights[-1] * A
        cl = (self.weights[-1] * c + self.biases[-1])[0]
        return pre, tuple(wl.row(0)), sympy.Rational(cl)


def _as_symbolic_network(net: object) -> SymbolicNetwork:
    if isinstance(net, SymbolicNetwork):
        return net
    if isinstance(net, ReLUNetwork):
        return SymbolicNetwork.from_network(net)
    if isinstance(net, (tuple, list)) and len(net) == 2:
        return SymbolicNetwork(net[0], net[1])
    raise InvalidNetworkError(
        "expected a SymbolicNetwork, a ReLUNetwork or a (weights, biases) pair, got "
        f"{type(net).__name__}"
    )


def _as_exact_box(domain: object, d: int) -> tuple[Point, Point] | None:
    """``(lo, hi)`` as Rationals (``None`` for all of R^d)."""
    if domain is None:
        return None
    if isinstance(domain, Box):
        lo_in: Any = domain.lo.tolist()
        hi_in: Any = domain.hi.tolist()
    elif isinstance(domain, (tuple, list)) and len(domain) == 2:
        lo_in, hi_in = domain
        if isinstance(lo_in, (str, bytes)) or not isinstance(lo_in, Sequence):
            lo_in, hi_in = [lo_in], [hi_in]
    else:
        raise InvalidDomainError(
            f"domain must be a Box, (lo, hi) or None; got {type(domain).__name__}"
        )
    lo = tuple(_as_rational(v, f"domain lo[{i}]", InvalidDomainError) for i, v in enumerate(lo_in))
    hi = tuple(_as_rational(v, f"domain hi[{i}]", InvalidDomainError) for i, v in enumerate(hi_in))
    if len(lo) != d or len(hi) != d:
        raise InvalidDomainError(
            f"the domain must have {d} lower and upper bounds, got {len(lo)} and {len(hi)}"
        )
    for i, (a, b) in enumerate(zip(lo, hi, strict=True)):
        if not a < b:
            raise InvalidDomainError(f"the domain is empty or flat in axis {i}: lo={a} >= hi={b}")
    return lo, hi
