r"""Claims as statistics over seeds.

A paper's claim ("lower frequencies are learned first") becomes a *metric* computed on one
seed's run (e.g. the Spearman correlation between the frequency and the area under its
learning curve) and a *criterion* on that metric's mean over seeds (e.g. ``<= -0.5``), both
fixed in the experiment's module before any result is seen (:class:`ClaimSpec`). A run over
seeds ``0..N-1`` gives one value per seed; :class:`Claim` holds them all (failures included)
with their mean, spread and a seeded percentile-bootstrap confidence interval of the mean.

The claim passes when the whole interval clears the criterion:

* ``op = ">="`` / ``">"``: the lower end of the interval is ``>=`` / ``>`` the threshold;
* ``op = "<="`` / ``"<"``: the upper end is ``<=`` / ``<`` the threshold;

and every seed's value is finite, and there are at least :data:`MIN_SEEDS_TO_PASS` seeds (a
single seed has no spread, so it never passes).

Undefined values. By default (``undefined="fails"``) a seed on which the metric is undefined
(``nan``) makes the claim fail. A claim whose metric is undefined by construction on some
runs (exp9: a trend of class changes when no straight path changes class) may instead be
declared ``undefined="censored"`` in its :class:`ClaimSpec`, before its results are seen:
then the undefined seeds are *censored*, i.e. left out of the mean, spread and interval and
reported as such (:attr:`Claim.n_censored`), and the claim passes when at least
:data:`MIN_SEEDS_TO_PASS` seeds are defined and the interval over the defined seeds clears
the criterion. The percentile bootstrap of a mean of 5
values is known to be too narrow (it ignores the ``n/(n-1)`` variance factor and has only
``5^5`` distinct resamples): read the interval as a summary, and the per-seed values as the
evidence; the reports print both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "CI_LEVEL",
    "MIN_SEEDS_TO_PASS",
    "Claim",
    "ClaimSpec",
    "bootstrap_ci",
    "claims_from_values",
    "learning_auc",
    "seed_slice",
]

#: number of bootstrap resamples of the per-seed values
BOOTSTRAP_RESAMPLES = 10_000
#: two-sided confidence level of the interval
CI_LEVEL = 0.95
#: fewest seeds with which a claim can pass
MIN_SEEDS_TO_PASS = 3
#: seed of the bootstrap's own generator (the interval is a deterministic function of the values)
BOOTSTRAP_SEED = 20190614

_OPS = (">=", ">", "<=", "<")
#: what an undefined (``nan``) per-seed value does to a claim (see the module docstring)
UNDEFINED_RULES = ("fails", "censored")


def bootstrap_ci(
    values: ArrayLike,
    *,
    level: float = CI_LEVEL,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float]:
    r"""Percentile-bootstrap confidence interval of the mean of ``values``.

    Draws ``n_resamples`` samples of size ``n`` with replacement (NumPy generator seeded with
    ``seed``) and returns the ``(1-level)/2`` and ``(1+level)/2`` quantiles of their means.
    One value gives the degenerate interval ``(v, v)``; any non-finite value gives
    ``(nan, nan)``.

    Examples
    --------
    >>> bootstrap_ci([1.0, 1.0, 1.0])
    (1.0, 1.0)
    >>> lo, hi = bootstrap_ci([0.0, 1.0, 2.0, 3.0, 4.0])
    >>> 0.0 < lo < 2.0 < hi < 4.0
    True
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if v.size == 0 or not np.all(np.isfinite(v)):
        return (float("nan"), float("nan"))
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, v.size, size=(int(n_resamples), v.size))
    means = v[idx].mean(axis=1)
    lo, hi = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return (float(lo), float(hi))


@dataclass(frozen=True)
class ClaimSpec:
    """A claim fixed in code before any result is seen.

    What is measured on one seed's run (``metric``) and the criterion ``mean over seeds <op>
    threshold`` that its confidence interval must clear.
    """

    name: str
    metric: str
    op: str
    threshold: float
    #: ``"fails"`` (an undefined seed fails the claim) or ``"censored"`` (undefined seeds are
    #: left out and counted; at least :data:`MIN_SEEDS_TO_PASS` must be defined)
    undefined: str = "fails"

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"op must be one of {_OPS}, got {self.op!r}")
        if self.undefined not in UNDEFINED_RULES:
            raise ValueError(f"undefined must be one of {UNDEFINED_RULES}, got {self.undefined!r}")


@dataclass(frozen=True)
class Claim:
    """One claim measured over seeds.

    Attributes
    ----------
    name, metric, op, threshold
        As in :class:`ClaimSpec`.
    seeds : tuple of int
        The seeds, in the order of ``values``.
    values : tuple of float
        The metric on each seed's run (``nan`` where it is undefined on that run; such a seed
        makes the claim fail, unless ``undefined == "censored"``).
    details : str
        Free text: the per-seed quantities behind the metric.
    undefined : str
        ``"fails"`` or ``"censored"`` (:class:`ClaimSpec`).

    Examples
    --------
    >>> c = Claim("t", "m", "<=", -0.5, (0, 1, 2, 3), (-0.7, float("nan"), -0.7, -0.9),
    ...           undefined="censored")
    >>> c.n_censored, round(c.mean, 3), c.passed
    (1, -0.767, True)
    """

    name: str
    metric: str
    op: str
    threshold: float
    seeds: tuple[int, ...]
    values: tuple[float, ...]
    details: str = ""
    level: float = CI_LEVEL
    n_resamples: int = field(default=BOOTSTRAP_RESAMPLES, repr=False)
    undefined: str = "fails"

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"op must be one of {_OPS}, got {self.op!r}")
        if self.undefined not in UNDEFINED_RULES:
            raise ValueError(f"undefined must be one of {UNDEFINED_RULES}, got {self.undefined!r}")
        if len(self.seeds) != len(self.values):
            raise ValueError(
                f"{len(self.seeds)} seeds but {len(self.values)} values for claim {self.name!r}"
            )

    @property
    def used_values(self) -> tuple[float, ...]:
        """The values the statistics use: all of them, or the defined ones if censored."""
        if self.undefined == "censored":
            return tuple(v for v in self.values if np.isfinite(v))
        return self.values

    @property
    def n_censored(self) -> int:
        """How many seeds were left out as undefined (``0`` unless ``undefined == "censored"``)."""
        return len(self.values) - len(self.used_values)

    @property
    def mean(self) -> float:
        """Mean of the used per-seed values (``nan`` if any is ``nan``, or none is used)."""
        v = self.used_values
        return float(np.mean(v)) if v else float("nan")

    @property
    def measured(self) -> float:
        """Alias of :attr:`mean` (the single number a table shows)."""
        return self.mean

    @property
    def spread(self) -> float:
        """Sample standard deviation of the used per-seed values (``0`` for one seed)."""
        v = self.used_values
        if len(v) < 2:
            return 0.0
        return float(np.std(v, ddof=1))

    @property
    def ci(self) -> tuple[float, float]:
        """Percentile-bootstrap interval of the mean of the used values (:func:`bootstrap_ci`)."""
        return bootstrap_ci(self.used_values, level=self.level, n_resamples=self.n_resamples)

    @property
    def n_seeds_meeting(self) -> int:
        """How many seeds on their own meet the criterion."""
        return int(sum(_meets(v, self.op, self.threshold) for v in self.values))

    @property
    def passed(self) -> bool:
        """Whether the claim passes.

        The whole interval clears the criterion, every used value is finite and there are at
        least :data:`MIN_SEEDS_TO_PASS` used seeds (all seeds, or the defined ones of a
        censored claim).
        """
        v = self.used_values
        if len(v) < MIN_SEEDS_TO_PASS or not np.all(np.isfinite(v)):
            return False
        lo, hi = self.ci
        return _meets(lo if self.op in (">=", ">") else hi, self.op, self.threshold)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly summary (inputs and every derived number)."""
        lo, hi = self.ci
        return {
            "name": self.name,
            "metric": self.metric,
            "op": self.op,
            "threshold": self.threshold,
            "seeds": list(self.seeds),
            "values": [float(v) for v in self.values],
            "mean": self.mean,
            "spread": self.spread,
            "ci": [lo, hi],
            "ci_level": self.level,
            "n_seeds_meeting": self.n_seeds_meeting,
            "undefined": self.undefined,
            "n_censored": self.n_censored,
            "passed": self.passed,
            "details": self.details,
        }


#: slack of ``>=`` / ``<=``, so that a rank correlation of exactly 0.5 computed as 0.4999999999
#: meets ``>= 0.5``
COMPARISON_SLACK = 1e-9


def _meets(v: float, op: str, threshold: float) -> bool:
    if not np.isfinite(v):
        return False
    eps = COMPARISON_SLACK
    return bool(
        {
            ">=": v >= threshold - eps,
            ">": v > threshold,
            "<=": v <= threshold + eps,
            "<": v < threshold,
        }[op]
    )


def claims_from_values(
    specs: Sequence[ClaimSpec],
    seeds: Sequence[int],
    per_seed: Sequence[dict[str, float]],
    details: dict[str, str] | None = None,
) -> list[Claim]:
    """Build one :class:`Claim` per spec from ``per_seed[r][spec.name]`` (seed ``seeds[r]``).

    Examples
    --------
    >>> spec = ClaimSpec("up", "spearman(k, t)", ">=", 0.5)
    >>> [c] = claims_from_values([spec], [0, 1, 2], [{"up": 0.9}, {"up": 1.0}, {"up": 0.8}])
    >>> c.passed, round(c.mean, 6)
    (True, 0.9)
    """
    if len(seeds) != len(per_seed):
        raise ValueError(f"{len(seeds)} seeds but {len(per_seed)} per-seed metric sets")
    out = []
    for s in specs:
        vals = tuple(float(m.get(s.name, float("nan"))) for m in per_seed)
        out.append(
            Claim(
                s.name,
                s.metric,
                s.op,
                float(s.threshold),
                tuple(int(x) for x in seeds),
                vals,
                (details or {}).get(s.name, ""),
                undefined=s.undefined,
            )
        )
    return out


def learning_auc(curves: ArrayLike, axis: int = 0, cap: float = 1.0) -> NDArray[np.float64]:
    r"""Area under learning curves, normalised to ``[0, cap]``.

    The mean over the recorded steps (along ``axis``) of ``min(curve, cap)``.

    Unlike "the first step at which the curve reaches a threshold" it is defined for every
    curve (no ``never``), so rank correlations over frequencies have no ties from curves that
    never reach the threshold. A curve learned early has a large area.

    Examples
    --------
    >>> learning_auc([[0.0, 0.0], [1.0, 0.5], [1.0, 1.5]]).tolist()
    [0.6666666666666666, 0.5]
    """
    c = np.minimum(np.asarray(curves, dtype=np.float64), cap)
    return np.asarray(c.mean(axis=axis))


def seed_slice(a: ArrayLike, r: int, axis: int) -> NDArray[Any]:
    """Return the part of ``a`` belonging to the ``r``-th seed (seed axis ``axis``)."""
    return np.take(np.asarray(a), r, axis=axis)
