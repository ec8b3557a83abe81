"""Guard rails: Zaslavsky's first-layer count, the sampled estimate, max_regions, progress."""

from __future__ import annotations

import math

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact._estimate import arrangement_regions, check_region_budget
from spectral_exact._progress import progress
from spectral_exact.cli import main as cli_main
from spectral_exact.fourier.spectrum import prepare_network

#: the sampled estimate must lie within this factor of the true count (either side)
SAMPLED_FACTOR = 2.0


def _one_layer(A: np.ndarray, c: np.ndarray) -> se.ReLUNetwork:
    return se.ReLUNetwork([A, np.ones((1, len(A)))], [c, np.zeros(1)])


def _directions(n: int) -> np.ndarray:
    th = np.linspace(0.0, np.pi, n, endpoint=False) + 0.1
    return np.column_stack([np.cos(th), np.sin(th)])


# --------------------------------------------------------------- hand-checkable arrangements
@pytest.mark.parametrize("n", [1, 2, 5, 9])
def test_lines_in_general_position(n: int) -> None:
    A = _directions(n)
    c = np.arange(n, dtype=float) ** 1.5 + 0.3  # no three lines through one point
    assert arrangement_regions(A, c) == (1 + n + math.comb(n, 2), True)


@pytest.mark.parametrize("n", [2, 3, 7])
def test_concurrent_lines(n: int) -> None:
    assert arrangement_regions(_directions(n), np.zeros(n)) == (2 * n, True)
    shifted = _directions(n) @ np.array([2.0, -1.0])  # all through (2, -1): c = -a . p
    assert arrangement_regions(_directions(n), -shifted) == (2 * n, True)


@pytest.mark.parametrize("n", [1, 4, 8])
def test_parallel_and_repeated_lines(n: int) -> None:
    A = np.tile([[1.0, 2.0]], (n, 1))
    assert arrangement_regions(A, np.arange(n, dtype=float)) == (n + 1, True)
    # the same line given twice (also scaled and with the opposite sign) counts once
    A2 = np.vstack([A, -3.0 * A[:1]])
    c2 = np.concatenate([np.arange(n, dtype=float), [0.0]])
    assert arrangement_regions(A2, c2) == (n + 1, True)


def test_triple_points_grid_matches_enumeration() -> None:
    """Lines x = i, y = j, x - y = k (i, j, k in -3..3): 37 triple points."""
    A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]] * 7)
    c = -np.repeat(np.arange(-3.0, 4.0), 3)
    assert arrangement_regions(A, c) == (1 + 21 + 37 * 2 + 36, True)
    net = _one_layer(A, c)
    assert arrangement_regions(A, c)[0] == len(se.linear_regions(net))
    box = se.Box([-2.5, -2.5], [2.5, 2.5])
    assert arrangement_regions(A, c, box)[0] == len(se.linear_regions(net, box))


def test_planes_through_lines_and_points_3d() -> None:
    # the 3 coordinate planes plus x + y + z = 0 (through the origin) and x = 1 (parallel to x=0)
    A = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [1, 0, 0]], dtype=float)
    c = np.array([0, 0, 0, 0, -1], dtype=float)
    got = arrangement_regions(A, c)
    assert got == (len(se.linear_regions(_one_layer(A, c))), True)
    box = se.Box([-2, -2, -2], [2, 2, 2])
    assert arrangement_regions(A, c, box)[0] == len(se.linear_regions(_one_layer(A, c), box))


@pytest.mark.parametrize("d,width", [(1, 9), (2, 7), (2, 14), (3, 6), (3, 10)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_layer_estimate_is_the_exact_count(d: int, width: int, seed: int) -> None:
    net = se.ReLUNetwork.random((d, width, 1), seed=seed)
    box = se.Box(-0.7 * np.ones(d), 0.9 * np.ones(d))
    for dom in (None, box):
        est = se.estimate_regions(net, dom)
        assert est.exact
        assert est.estimate == est.lower_bound == len(se.linear_regions(net, dom))


def test_general_position_fallback_in_4d_is_flagged() -> None:
    net = se.ReLUNetwork.random((4, 6, 1), seed=0)
    est = se.estimate_regions(net)
    assert not est.exact and "general position" in est.method
    assert est.first_layer == sum(math.comb(6, i) for i in range(5))


# -------------------------------------------------------------------------- sampled estimate
@pytest.mark.parametrize(
    "arch,box",
    [
        ((2, 16, 16, 1), True),
        ((2, 8, 8, 8, 1), True),
        ((2, 8, 8, 8, 1), False),
        ((3, 8, 8, 1), True),
        ((3, 8, 8, 1), False),
    ],
)
def test_sampled_estimate_within_a_factor_of_the_truth(arch: tuple[int, ...], box: bool) -> None:
    d = arch[0]
    net = se.ReLUNetwork.random(arch, seed=1)
    dom = se.Box(-np.ones(d), np.ones(d)) if box else None
    truth = len(se.linear_regions(net, dom, max_regions=None))
    est = se.estimate_regions(net, dom)
    assert not est.exact and est.method.startswith("chord scaling")
    assert est.lower_bound <= truth
    assert truth / SAMPLED_FACTOR <= est.estimate <= SAMPLED_FACTOR * truth
    assert est == se.estimate_regions(net, dom)  # deterministic for a fixed seed


def test_one_dimensional_estimate_is_exact() -> None:
    net = se.ReLUNetwork.random((1, 32, 32, 1), seed=0)
    for dom in (None, se.Box([-1.0], [2.0])):
        est = se.estimate_regions(net, dom)
        assert est.exact and est.estimate == len(se.linear_regions(net, dom))


# ------------------------------------------------------------------------------- refusals
def test_linear_regions_refuses_naming_the_estimate() -> None:
    net = se.ReLUNetwork.random((2, 64, 64, 64, 64, 1), seed=0)
    box = se.Box([-1, -1], [1, 1])
    est = se.estimate_regions(net, box)
    with pytest.raises(se.TooManyRegionsError, match=f"estimated {est.estimate:,.0f} linear"):
        se.linear_regions(net, box, max_regions=1000)
    with pytest.raises(se.TooManyRegionsError, match="max_regions=1,000"):
        prepare_network(net, box, max_regions=1000)
    with pytest.raises(se.TooManyRegionsError, match="max_regions=1,000"):
        se.network_fourier(net, [[1.0, 2.0]], domain=box, max_regions=1000)


def test_small_nets_skip_the_estimate_and_none_disables_it() -> None:
    net = se.ReLUNetwork.random((2, 8, 8, 1), seed=0)
    assert check_region_budget(net, None, 1e6) is None  # product bound already below
    assert check_region_budget(net, None, None) is None
    with pytest.raises(se.TooManyRegionsError):
        se.linear_regions(net, None, max_regions=5)
    assert len(se.linear_regions(net, None, max_regions=None)) > 5


def test_one_dimensional_refusal_during_enumeration() -> None:
    net = se.ReLUNetwork.random((1, 64, 64, 1), seed=0)
    n = len(se.linear_regions(net, se.Box([-3.0], [3.0])))
    with pytest.raises(se.TooManyRegionsError, match=f"max_regions={n - 1}"):
        se.linear_regions(net, se.Box([-3.0], [3.0]), max_regions=n - 1)
    with pytest.raises(se.TooManyRegionsError, match="linear regions after"):
        se.network_fourier(net, [1.0], domain=([-3.0], [3.0]), max_regions=n - 1)
    assert len(se.linear_regions(net, se.Box([-3.0], [3.0]), max_regions=n)) == n
    se.network_fourier(net, [1.0], domain=([-3.0], [3.0]), max_regions=None)  # now cached
    with pytest.raises(se.TooManyRegionsError, match=f"has {n} linear regions"):
        se.network_fourier(net, [1.0], domain=([-3.0], [3.0]), max_regions=n - 1)


def test_cli_max_regions(capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    args = ["regions", "--arch", "2,64,64,64,64,1", "--no-plot", "--out", str(tmp_path)]
    assert cli_main([*args, "--max-regions", "1000"]) == 2
    err = capsys.readouterr().err
    assert "estimated" in err and "max_regions=1,000" in err
    assert cli_main(["fourier", "--arch", "1,8,8,1", "--k", "1", "--max-regions", "none"]) == 0


# ------------------------------------------------------------------------------- progress
def test_progress_is_silent_when_disabled(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SPECTRAL_EXACT_PROGRESS", "0")
    net = se.ReLUNetwork.random((2, 8, 8, 1), seed=0)
    se.network_fourier(net, np.ones((5, 2)), domain=se.Box([-1, -1], [1, 1]))
    assert sum(progress(range(3), desc="x")) == 3
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_budget_check_takes_the_quick_estimate_only_far_below_the_budget() -> None:
    net = se.ReLUNetwork.random((2, 64, 64, 1), seed=0)
    box = se.Box([-1, -1], [1, 1])
    full = se.estimate_regions(net, box)
    quick = se.estimate_regions(net, box, n_samples=2_000)
    assert full.n_samples > quick.n_samples
    # far below: the quick estimate is returned
    got = check_region_budget(net, box, 1e6)
    assert got is not None and got.n_samples == quick.n_samples
    assert got.estimate == quick.estimate
    # within the margin (4x in 2-D): the full estimate decides, on both sides of the budget
    got = check_region_budget(net, box, 2.0 * full.estimate)
    assert got is not None and got.n_samples == full.n_samples
    with pytest.raises(se.TooManyRegionsError, match=f"estimated {full.estimate:,.0f} linear"):
        check_region_budget(net, box, 0.5 * full.estimate)
    # the quick estimate's error is far inside the margin here (6,498 vs 6,671 regions)
    assert 0.5 < quick.estimate / len(se.linear_regions(net, box)) < 2.0


@pytest.mark.parametrize("seed", range(4))
def test_vectorised_3d_count_matches_deletion_restriction(seed: int) -> None:
    """General position: 1 + planes + lines + points equals the plane-by-plane count."""
    from spectral_exact._estimate import (
        _count_3d_general,
        _count_3d_incremental,
        _unique_hyperplanes,
    )

    rng = np.random.default_rng(seed)
    eps = 1e-10
    for n in (1, 2, 3, 9, 20):
        A, c = _unique_hyperplanes(rng.normal(size=(n, 3)), 0.6 * rng.normal(size=n), 1e-12)
        for lo, hi in ((-np.ones(3), np.ones(3)), (None, None)):
            got = _count_3d_general(A, c, lo, hi, eps)
            assert got is not None
            assert got == _count_3d_incremental(A, c, lo, hi, eps)
    # on R^3 the general-position count is Zaslavsky's sum of binomials
    A, c = _unique_hyperplanes(rng.normal(size=(7, 3)), rng.normal(size=7), 1e-12)
    assert _count_3d_general(A, c, None, None, eps) == sum(math.comb(7, i) for i in range(4))


def test_vectorised_3d_count_refuses_special_position() -> None:
    """Parallel planes, three through a line, four through a point: the general route counts."""
    from spectral_exact._estimate import _count_3d_general

    e = np.eye(3)
    cases = {
        "parallel": (np.array([e[0], e[0], e[1], e[2]]), np.array([0.0, 0.5, 0.1, 0.2])),
        "pencil": (np.array([e[0], e[1], (e[0] + e[1]) / np.sqrt(2), e[2]]), np.zeros(4)),
        "four through a point": (
            np.vstack([e, np.ones(3) / np.sqrt(3)]),
            np.array([0.1, 0.2, 0.3, 0.6 / np.sqrt(3)]),
        ),
    }
    for name, (A, c) in cases.items():
        assert _count_3d_general(A, c, -np.ones(3), np.ones(3), 1e-10) is None, name
        # and the public count still takes the general route: compare with enumeration
        net = se.ReLUNetwork([A, np.ones((1, len(A)))], [c, np.zeros(1)])
        box = se.Box(-np.ones(3), np.ones(3))
        n, exact = arrangement_regions(A, c, box)
        assert exact and n == len(se.linear_regions(net, box)), name
