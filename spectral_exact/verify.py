r"""Theorem 1 verified numerically: measured decay exponents next to the theory.

Rahaman et al. (2019), Theorem 1: on :math:`\mathbb{R}^d` the transform of a ReLU net decays
like :math:`|k|^{-(d+1)}` along almost every direction, like :math:`|k|^{-2}` along the normal
of a bounded kink facet, and (in 3-D) like :math:`|k|^{-3}` in the plane orthogonal to a kink
edge. :func:`verify_theorem1` picks such directions from the net's own geometry
(:func:`~spectral_exact.special_directions`), evaluates the exact transform along them, fits the
exponent through an oscillation-robust envelope (:func:`~spectral_exact.measure_decay`) and
reports pass/fail against a tolerance.

Direction choice (all from the geometry, reproducible):

``generic``
    The random direction (best of many, seeded) farthest from every special set; the
    asymptotic regime starts once ``t * angle * size`` is large, so far from special is fast.
``facet normal``
    Among bounded kink facets whose normal is regular (off the singular set of the
    distribution: no unbounded face orthogonal to it), the ten maximising
    ``measure * min(margin, 0.2)`` (large facet, not close to the singular set) are compared
    by their :func:`~spectral_exact.theorem1_terms` at a probe frequency, and the one whose
    codimension-1 group is largest relative to the vertex group is taken (the asymptotic
    regime starts earliest there).
``edge-orthogonal`` (3-D)
    Among directions orthogonal to kink edges, the one where the codimension-2 group of
    :func:`~spectral_exact.theorem1_terms` is largest relative to the vertex group at a probe
    frequency: around edges where two flat hyperplanes cross, the edge terms of neighbouring
    regions cancel (continuity) and the decay is faster; Theorem 1's rate is an upper bound.

References
----------
N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio and A.
Courville, "On the spectral bias of neural networks", Proc. 36th ICML, PMLR 97, 5301-5310
(2019). doi:10.48550/arXiv.1806.08734 (Lemma 1 and Theorem 1).
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray

from . import _validate as validate
from ._errors import IllConditionedWarning, InvalidFrequencyError, SingularFrequencyError
from ._tolerances import DEFAULT_TOLERANCES, Tolerances
from ._types import ComplexArray, FloatArray
from .decay import measure_decay
from .fourier import network_fourier, prepare_network, special_directions, theorem1_terms
from .network import ReLUNetwork

#: :func:`verify_theorem1` warns (:class:`IllConditionedWarning`) when the transform's error
#: bound on the fitted points exceeds this fraction of ``|F|`` (a slope fitted over decades
#: is insensitive to smaller relative errors)
DECAY_FIT_RTOL = 1e-3

#: singular margins above this count as "far enough" when picking the facet normal
MARGIN_CAP = 0.2
#: how many of the best-scored facet normals are compared by their Theorem 1 terms
FACET_CANDIDATES = 10

__all__ = ["DecayCheck", "theorem1_directions", "verify_theorem1", "decay_table_markdown"]


@dataclass(frozen=True)
class DecayCheck:
    """One row of the Theorem 1 table."""

    kind: str
    direction: tuple[float, ...]
    theory: float
    measured: float
    r2: float
    t_min: float
    t_max: float
    tolerance: float

    @property
    def passed(self) -> bool:
        """Whether ``|measured - theory| <= tolerance``."""
        return abs(self.measured - self.theory) <= self.tolerance

    def as_dict(self) -> dict[str, object]:
        """Return the fields and ``passed`` as a dict."""
        out = asdict(self)
        out["passed"] = self.passed
        return out


def theorem1_directions(
    net: ReLUNetwork,
    *,
    seed: int = 0,
    probe_t: float = 1e3,
    tol: Tolerances = DEFAULT_TOLERANCES,
) -> dict[str, tuple[NDArray[np.float64], float]]:
    """Named directions with their Theorem 1 exponents: ``{kind: (unit direction, theory)}``.

    Kinds: ``"generic"`` (``d + 1``), ``"facet normal"`` (2, if the net has a regular bounded
    kink facet) and, for ``d = 3``, ``"edge-orthogonal"`` (3). See the module docs.
    """
    validate.network(net)
    seed = validate.integer(seed, "seed", minimum=0)
    probe_t = validate.positive_float(probe_t, "probe_t", maximum=float("inf"))
    prep = prepare_network(net, None, tol=tol)
    sd = special_directions(prep)
    d = net.input_dim
    out: dict[str, tuple[NDArray[np.float64], float]] = {
        "generic": (sd.generic_direction(seed=seed), float(d + 1))
    }
    if d == 1:
        return out
    cand = np.flatnonzero(sd.regular & sd.facet_bounded)
    if len(cand):
        score = sd.facet_measure[cand] * np.minimum(sd.singular_margin[cand], MARGIN_CAP)
        best = cand[np.argsort(score)[::-1][:FACET_CANDIDATES]]
        # among the best-scored, the one whose codim-1 group dominates soonest
        T = theorem1_terms(prep, probe_t * sd.facet_normals[best])
        ratio = np.abs(T.terms[1]) / np.maximum(np.abs(T.terms[2]), np.finfo(float).tiny)
        out["facet normal"] = (sd.facet_normals[best[int(np.argmax(ratio))]], 2.0)
    if d == 3 and len(sd.edge_directions):
        rng = np.random.default_rng(seed)
        best_ratio, best_v = 0.0, None
        for e in sd.edge_directions:
            v = np.cross(e, rng.normal(size=3))
            v /= np.linalg.norm(v)
            try:
                T = theorem1_terms(prep, probe_t * v)
            except SingularFrequencyError:
                continue
            ratio = float(abs(T.terms[2]) / max(abs(T.terms[3]), np.finfo(float).tiny))
            if ratio > best_ratio:
                best_ratio, best_v = ratio, v
        if best_v is not None:
            out["edge-orthogonal"] = (best_v, 3.0)
    return out


def verify_theorem1(
    net: ReLUNetwork,
    *,
    t_min: float = 1e3,
    t_max: float = 1e6,
    n: int = 800,
    tolerance: float = 0.15,
    seed: int = 0,
    tol: Tolerances = DEFAULT_TOLERANCES,
) -> list[DecayCheck]:
    """Measured decay exponents of the exact transform on R^d along Theorem 1's directions.

    Parameters
    ----------
    net : ReLUNetwork
    t_min, t_max, n : float, float, int
        Log-spaced radii ``|k|`` of the fit.
    tolerance : float
        Pass when ``|measured - theory| <= tolerance``.

    Returns
    -------
    list of DecayCheck
    """
    validate.network(net)
    t_min = validate.positive_float(t_min, "t_min", maximum=float("inf"))
    t_max = validate.positive_float(t_max, "t_max", maximum=float("inf"))
    n = validate.integer(n, "n", minimum=2)
    tolerance = validate.positive_float(tolerance, "tolerance", maximum=float("inf"))
    seed = validate.integer(seed, "seed", minimum=0)
    if not 0 < t_min < t_max:
        raise InvalidFrequencyError(f"need 0 < t_min < t_max, got {t_min}, {t_max}")
    prep = prepare_network(net, None, tol=tol)
    rows = []
    for kind, (u, theory) in theorem1_directions(net, seed=seed, tol=tol).items():
        worst = [0.0]

        def values(k: FloatArray, worst: list[float] = worst) -> ComplexArray:
            # the fit needs |F| to a few digits only: the engine's per-point warning is
            # replaced by one warning per direction when the bound reaches DECAY_FIT_RTOL
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", IllConditionedWarning)
                v, bound = network_fourier(prep, k, return_error=True)
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = np.where(bound > 0, bound / np.abs(v), 0.0)
            worst[0] = max(worst[0], float(np.max(rel, initial=0.0)))
            return v

        fit = measure_decay(values, u, t_min, t_max, n)
        if worst[0] > DECAY_FIT_RTOL:
            warnings.warn(
                IllConditionedWarning(
                    f"Theorem 1 direction {kind!r}: the transform's error bound reaches "
                    f"{worst[0]:.1e} of |F| on the fitted points (DECAY_FIT_RTOL = "
                    f"{DECAY_FIT_RTOL:g}); the fitted exponent may be off"
                ),
                stacklevel=2,
            )
        rows.append(
            DecayCheck(
                kind,
                tuple(float(x) for x in u),
                theory,
                float(fit.exponent),
                float(fit.r2),
                t_min,
                t_max,
                tolerance,
            )
        )
    return rows


def decay_table_markdown(rows: list[DecayCheck], title: str = "") -> str:
    """Return a markdown table of :class:`DecayCheck` rows."""
    lines = [f"### {title}", ""] if title else []
    lines += [
        "| direction | u | theory p | measured p | R^2 | t range | pass (tol) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        u = "(" + ", ".join(f"{x:+.3f}" for x in r.direction) + ")"
        lines.append(
            f"| {r.kind} | {u} | {r.theory:.0f} | {r.measured:.3f} | {r.r2:.4f} | "
            f"[{r.t_min:.0e}, {r.t_max:.0e}] | {'PASS' if r.passed else 'FAIL'} "
            f"(±{r.tolerance}) |"
        )
    return "\n".join(lines) + "\n"
