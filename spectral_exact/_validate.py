"""Input validation shared by every public function (one place, one set of rules).

Each helper converts one argument or raises a :class:`~spectral_exact.SpectralExactError`
subclass whose message names the argument and repeats the offending value. Rules:

* numbers are real: complex input is refused, never truncated to its real part;
* integers must be integers: ``2.7`` or ``True`` is not a width, ``3.0`` is;
* NaN and inf are refused wherever a finite value is needed.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._errors import InvalidArgumentError, SpectralExactError

__all__ = [
    "OVERFLOW_LIMIT",
    "as_box_domain",
    "check_network_scale",
    "check_same_domain",
    "integer",
    "network",
    "numeric_array",
    "optional_limit",
    "polyhedron",
    "positive_float",
    "real_array",
    "real_number",
    "seed",
    "tolerances",
]


def _short(x: Any, limit: int = 80) -> str:
    s = repr(x.item() if isinstance(x, np.generic) else x)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def real_array(
    a: Any,
    what: str,
    err: type[SpectralExactError] = InvalidArgumentError,
    *,
    ndim: int | None = None,
    finite: bool = True,
) -> NDArray[np.float64]:
    """Return ``a`` as float64; complex, non-numeric, wrongly shaped or non-finite input raises.

    Examples
    --------
    >>> real_array([1, 2], "k").tolist()
    [1.0, 2.0]
    >>> real_array([1j], "k")
    Traceback (most recent call last):
    ...
    spectral_exact._errors.InvalidArgumentError: k must be real, got complex values [1j]
    """
    if a is None:
        raise err(f"{what} is required, got None")
    if np.iscomplexobj(a):
        raise err(f"{what} must be real, got complex values {_short(a)}")
    try:
        arr = np.array(a, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise err(f"{what} is not a numeric array: {_short(a)} ({exc})") from exc
    if ndim is not None and arr.ndim != ndim:
        raise err(f"{what} must be {ndim}-D, got shape {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0].tolist()
        raise err(f"{what} has a non-finite entry (NaN or inf) at index {bad}")
    return arr


def integer(
    x: Any,
    what: str,
    err: type[SpectralExactError] = InvalidArgumentError,
    *,
    minimum: int | None = None,
) -> int:
    """``x`` as an ``int``; refuses bools, strings, and floats that are not whole numbers.

    Examples
    --------
    >>> integer(3.0, "width")
    3
    >>> integer(2.7, "width")
    Traceback (most recent call last):
    ...
    spectral_exact._errors.InvalidArgumentError: width must be an integer, got 2.7
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.integer)):
        raise err(f"{what} must be an integer, got {_short(x)}")
    if isinstance(x, (float, np.floating)) and not (np.isfinite(x) and float(x).is_integer()):
        raise err(f"{what} must be an integer, got {_short(x)}")
    value = int(x) if isinstance(x, (int, np.integer)) else int(float(x))
    if minimum is not None and value < minimum:
        raise err(f"{what} must be at least {minimum}, got {value}")
    return value


def positive_float(
    x: Any,
    what: str,
    err: type[SpectralExactError] = InvalidArgumentError,
    *,
    maximum: float | None = None,
) -> float:
    """``x`` as a finite float ``> 0`` (and ``<= maximum`` if given).

    Examples
    --------
    >>> positive_float(0, "merge_tol")
    Traceback (most recent call last):
    ...
    spectral_exact._errors.InvalidArgumentError: merge_tol must be a finite number > 0, got 0
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.floating)):
        raise err(f"{what} must be a finite number > 0, got {_short(x)}")
    value = float(x)
    if not (np.isfinite(value) and value > 0):
        raise err(f"{what} must be a finite number > 0, got {_short(x)}")
    if maximum is not None and value > maximum:
        raise err(f"{what} must be at most {maximum}, got {value}")
    return value


def as_box_domain(domain: Any, dim: int) -> Any:
    """Return a transform's domain as a :class:`~spectral_exact.Box` (or ``None`` for R^d).

    Accepts a ``Box``, a ``(lo, hi)`` pair, ``None``, and in 1-D a bounded interval given as a
    ``Polytope``; anything else, or a domain in another dimension than ``dim``, raises
    :class:`~spectral_exact.InvalidDomainError` naming it.
    """
    from ._errors import InvalidDomainError
    from .polytope import Box, Polytope

    if domain is None:
        return None
    if isinstance(domain, Box):
        box = domain
    elif isinstance(domain, Polytope) and domain.ambient_dim == 1:
        if not domain.is_bounded or domain.dim != 1:
            raise InvalidDomainError(
                f"a polytope domain must be a bounded interval here, got {domain!r}"
            )
        box = Box([float(domain.vertices.min())], [float(domain.vertices.max())])
    elif isinstance(domain, (tuple, list)) and len(domain) == 2:
        try:
            box = Box(domain[0], domain[1])
        except SpectralExactError as exc:
            raise InvalidDomainError(f"domain {_short(domain)}: {exc}") from exc
    else:
        raise InvalidDomainError(
            f"domain must be a Box, (lo, hi) or None; got {type(domain).__name__} {_short(domain)}"
        )
    if box.dim != dim:
        raise InvalidDomainError(
            f"the domain lives in R^{box.dim} but the network takes inputs in R^{dim}"
        )
    return box


#: bound on |f| and |grad f| * |x| over the domain beyond which a network is refused: the
#: transform multiplies such values by volumes and |k|, and products must stay finite
OVERFLOW_LIMIT = 1e150


def check_network_scale(net: Any, radius: float) -> None:
    """Refuse a network whose values could overflow double precision within ``radius``.

    Propagates the bound ``B_l = |W_l|_F B_{l-1} + |b_l|`` (``B_0 = radius``) in logarithms,
    so it never overflows itself; weights of 1e300 used to give ``F(0) = 0`` silently.
    Ordinary networks are many orders of magnitude below :data:`OVERFLOW_LIMIT`.
    """
    from ._errors import InvalidNetworkError

    log_limit = float(np.log(OVERFLOW_LIMIT))

    def log_norm(a: NDArray[np.float64]) -> float:
        m = float(np.max(np.abs(a), initial=0.0))
        return -np.inf if m == 0 else float(np.log(m) + np.log(np.linalg.norm(a / m)))

    log_b = float(np.log(max(radius, 1.0)))
    for i, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        log_b = float(np.logaddexp(log_norm(w) + log_b, log_norm(b)))
        if log_b > log_limit:
            raise InvalidNetworkError(
                f"the network's values can reach ~1e{log_b / np.log(10):.0f} by layer {i} on a "
                f"domain of radius {radius:.3g}, beyond the {OVERFLOW_LIMIT:g} that double "
                "precision transforms allow; rescale the weights"
            )


def check_same_domain(domain: Any, prepared: Any, dim: int, what: str) -> None:
    """Refuse a ``domain`` that differs from the one a prepared object was built for.

    ``domain=None`` means "the prepared one" and passes; otherwise it must be the same box
    (bounds compared exactly). ``what`` starts the message (e.g. "the prepared network is").
    """
    from ._errors import InvalidDomainError

    if domain is None:
        return
    box = as_box_domain(domain, dim)
    same = (
        prepared is not None
        and np.array_equal(box.lo, prepared.lo)
        and np.array_equal(box.hi, prepared.hi)
    )
    if not same:
        raise InvalidDomainError(f"{what} for domain {prepared!r}, not {box!r}")


def tolerances(tol: Any, what: str = "tol") -> Any:
    """``tol`` if it is a :class:`~spectral_exact.Tolerances`, else a library error naming it.

    Examples
    --------
    >>> tolerances("loose")
    Traceback (most recent call last):
    ...
    spectral_exact._errors.InvalidArgumentError: tol must be a Tolerances, got str 'loose'
    """
    from ._tolerances import Tolerances

    if not isinstance(tol, Tolerances):
        raise InvalidArgumentError(
            f"{what} must be a Tolerances, got {type(tol).__name__} {_short(tol)}"
        )
    return tol


def network(net: Any, what: str = "net", *, prepared: bool = False) -> Any:
    """``net`` if it is a ReLUNetwork (or, with ``prepared``, a PreparedNetwork)."""
    from ._errors import InvalidNetworkError
    from .network import ReLUNetwork

    kinds: tuple[type, ...] = (ReLUNetwork,)
    names = "a ReLUNetwork"
    if prepared:
        from .fourier.spectrum import PreparedNetwork

        kinds = (ReLUNetwork, PreparedNetwork)
        names = "a ReLUNetwork or PreparedNetwork"
    if not isinstance(net, kinds):
        raise InvalidNetworkError(f"{what} must be {names}, got {type(net).__name__} {_short(net)}")
    return net


def polyhedron(P: Any, what: str = "P") -> Any:
    """``P`` if it is a :class:`~spectral_exact.Polytope` or :class:`~spectral_exact.Box`."""
    from ._errors import InvalidPolytopeError
    from .polytope import Box, Polytope

    if not isinstance(P, (Polytope, Box)):
        raise InvalidPolytopeError(
            f"{what} must be a Polytope or a Box, got {type(P).__name__} {_short(P)}"
        )
    return P


def real_number(x: Any, what: str, err: type[SpectralExactError] = InvalidArgumentError) -> float:
    """``x`` as a finite real ``float`` (no complex, no string, no array, no NaN/inf)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.floating)):
        raise err(f"{what} must be a finite real number, got {_short(x)}")
    value = float(x)
    if not np.isfinite(value):
        raise err(f"{what} must be a finite real number, got {_short(x)}")
    return value


def optional_limit(x: Any, what: str) -> float | None:
    """``None`` (no limit) or a number ``> 0`` (``inf`` allowed): ``max_regions`` and kin."""
    if x is None:
        return None
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.floating)):
        raise InvalidArgumentError(f"{what} must be None or a number > 0, got {_short(x)}")
    value = float(x)
    if np.isnan(value) or value <= 0:
        raise InvalidArgumentError(f"{what} must be None or a number > 0, got {_short(x)}")
    return value


def seed(x: Any, what: str = "seed") -> int | None:
    """Validate a random seed: ``None`` or an integer ``>= 0``."""
    if x is None:
        return None
    return integer(x, what, minimum=0)


def numeric_array(a: Any, what: str) -> NDArray[np.complex128]:
    """Return ``a`` as a complex array (real or complex input; None, strings, objects refused)."""
    if a is None:
        raise InvalidArgumentError(f"{what} is required, got None")
    try:
        return np.asarray(a, dtype=np.complex128)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(f"{what} is not a numeric array: {_short(a)} ({exc})") from exc
