"""Exact rationals for the symbolic transforms: conversion of user numbers, ``QQ`` elements."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from numbers import Integral
from typing import Any

import numpy as np
import sympy
from sympy import QQ

from .._errors import (
    InvalidNetworkError,
    SpectralExactError,
)

Rat = sympy.Rational
Point = tuple[sympy.Rational, ...]

#: dimensions handled by the exact region reconstruction and the transforms
_MAX_DIM = 3


def _as_rational(x: object, what: str, err: type[SpectralExactError]) -> sympy.Rational:
    """Convert ``x`` to an exact :class:`sympy.Rational` or raise ``err`` naming ``what``.

    Accepted: int, :class:`fractions.Fraction`, sympy Rational, numpy integers, strings such as
    ``"1/3"`` or ``"0.1"`` (read as decimals, so ``"0.1" -> 1/10``), and finite floats, which
    are converted to their exact binary value (``0.5 -> 1/2`` but ``0.1`` -> a power-of-two
    denominator: pass ``"0.1"`` or ``Fraction(1, 10)`` instead).
    """
    if isinstance(x, bool):
        raise err(f"{what} is a bool ({x!r}), not a number")
    if isinstance(x, sympy.Rational):
        return x
    if isinstance(x, (Integral, np.integer)):
        return sympy.Integer(int(x))
    if isinstance(x, Fraction):
        return Rat(x.numerator, x.denominator)
    if isinstance(x, (float, np.floating)):
        xf = float(x)
        if not math.isfinite(xf):
            raise err(f"{what} is not finite: {xf!r}")
        return Rat(*xf.as_integer_ratio())
    if isinstance(x, str):
        try:
            r = sympy.Rational(x.strip())
        except (TypeError, ValueError, SyntaxError) as exc:
            raise err(f"{what} = {x!r} is not a rational number: {exc}") from exc
        return r
    if isinstance(x, sympy.Basic):
        if x.is_Rational:
            return sympy.Rational(x)
        raise err(f"{what} = {x} is not a rational number (got a {type(x).__name__})")
    raise err(f"{what} = {x!r} ({type(x).__name__}) is not a rational number")


def _qq(r: sympy.Rational) -> Any:
    """Return a sympy Rational as an element of the ground domain ``QQ``."""
    return QQ(int(r.p), int(r.q))


def _rational_matrix(a: Any, what: str, ndim: int) -> list[list[sympy.Rational]] | list[Any]:
    """Nested lists of Rationals with ``ndim`` levels; raises InvalidNetworkError."""
    if isinstance(a, sympy.MatrixBase):
        a = a.tolist() if ndim == 2 else list(a)
    elif isinstance(a, np.ndarray):
        a = a.tolist()
    if ndim == 1:
        if isinstance(a, (str, bytes)) or not isinstance(a, Sequence):
            raise InvalidNetworkError(f"{what} must be a 1-D sequence, got {a!r}")
        return [_as_rational(x, f"{what}[{i}]", InvalidNetworkError) for i, x in enumerate(a)]
    if isinstance(a, (str, bytes)) or not isinstance(a, Sequence):
        raise InvalidNetworkError(f"{what} must be a 2-D nested sequence, got {a!r}")
    rows = [_rational_matrix(r, f"{what}[{i}]", 1) for i, r in enumerate(a)]
    if not rows or len({len(r) for r in rows}) != 1:
        raise InvalidNetworkError(
            f"{what} must be a non-empty rectangular matrix, got row lengths "
            f"{[len(r) for r in rows]}"
        )
    return rows
