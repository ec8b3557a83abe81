"""The 1-D sorted-breakpoint path: hand-solved nets, the polytope engine, 40-digit mpmath."""

from __future__ import annotations

import itertools

import mpmath
import numpy as np
import pytest

import spectral_exact as se
from spectral_exact import regions as regions_module
from spectral_exact.fourier import spectrum as network_module
from spectral_exact.fourier._onedim import (
    Breakpoints,
    breakpoints,
    breakpoints_fourier,
    region_affine,
)
from spectral_exact.fourier.spectrum import network_fourier, prepare_network
from spectral_exact.testing import (
    assert_transform_close,
    mp_network_fourier_box,
    mp_network_pieces_box,
)

#: agreement with the polytope engine / mpmath at moderate |k| (relative, per frequency)
RTOL = 1e-12
#: at |k| = 1e6 the value itself is conditioned by |k| * |breakpoint| * eps (phase of e^{-ikt})
RTOL_HUGE_K = 1e-8
#: relative to max |F| when comparing whole spectra with the engine on a box
RTOL_MAX = 1e-13
MP_DPS = 40

K_SMALL = np.array([0.0, 1e-12, 1e-9, 1e-6, 1e-3, 0.3])
K_MID = np.array([-37.5, -3.0, 1.0, 2.5, 10.0, 61.0, 1e3])
K_HUGE = np.array([1e6, -1e6])


def _net(ws, bs) -> se.ReLUNetwork:  # type: ignore[no-untyped-def]
    return se.ReLUNetwork([np.array(w, dtype=float) for w in ws], [np.array(b, float) for b in bs])


def _relu() -> se.ReLUNetwork:
    return _net([[[1.0]], [[1.0]]], [[0.0], [0.0]])


def _abs() -> se.ReLUNetwork:
    return _net([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])


def _hat() -> se.ReLUNetwork:
    """relu(x + 1) - 2 relu(x) + relu(x - 1): the hat on [-1, 1], peak 1 at 0."""
    return _net([[[1.0], [1.0], [1.0]], [[1.0, -2.0, 1.0]]], [[1.0, 0.0, -1.0], [0.0]])


def _mp_affine(a: float, b: float, slope: float, offset: float, k: float) -> complex:
    """40-digit int_a^b (slope x + offset) e^{-ikx} dx."""
    with mpmath.workdps(MP_DPS + 20):
        a_, b_, s, c, kk = (mpmath.mpf(v) for v in (a, b, slope, offset, k))
        if kk == 0:
            return complex(s * (b_**2 - a_**2) / 2 + c * (b_ - a_))

        def prim(x):  # type: ignore[no-untyped-def]
            e = mpmath.exp(-1j * kk * x)
            return s * e * (1 + 1j * kk * x) / kk**2 + c * e / (-1j * kk)

        return complex(prim(b_) - prim(a_))


def _mp_line(net: se.ReLUNetwork, k: np.ndarray, reach: float) -> np.ndarray:
    """40-digit transform on R off k = 0: Lemma 1 over the mpmath pieces of [-reach, reach]
    (which must contain every breakpoint): -k^-2 sum_j (slope jump)_j e^{-ik t_j}.
    """
    pieces = mp_network_pieces_box(net, [-reach], [reach], MP_DPS)
    pieces.sort(key=lambda p: p.vertices[0][0])
    out = []
    with mpmath.workdps(MP_DPS + 20):
        for kv in k:
            kk = mpmath.mpf(float(kv))
            acc = mpmath.mpc(0)
            for left, right in itertools.pairwise(pieces):
                t = right.vertices[0][0]
                acc += (right.weight[0] - left.weight[0]) * mpmath.exp(-1j * kk * t)
            out.append(complex(-acc / kk**2))
    return np.array(out)


# ----------------------------------------------------------------------------- hand-solved
@pytest.mark.parametrize("k", [*K_SMALL, *K_MID, *K_HUGE])
def test_relu_on_box_matches_hand_formula(k: float) -> None:
    want = _mp_affine(0.0, 2.0, 1.0, 0.0, k)
    got = complex(se.network_fourier(_relu(), [k], domain=se.Box([-1], [2])))
    rtol = RTOL_HUGE_K if abs(k) > 1e5 else RTOL
    assert abs(got - want) <= rtol * abs(want)


@pytest.mark.parametrize("k", [*K_SMALL, *K_MID, *K_HUGE])
def test_abs_and_hat_on_box(k: float) -> None:
    box = se.Box([-1.5], [2.0])
    want = _mp_affine(-1.5, 0.0, -1.0, 0.0, k) + _mp_affine(0.0, 2.0, 1.0, 0.0, k)
    got = complex(se.network_fourier(_abs(), [k], domain=box))
    rtol = RTOL_HUGE_K if abs(k) > 1e5 else RTOL
    assert abs(got - want) <= rtol * abs(want)
    want_hat = _mp_affine(-1.0, 0.0, 1.0, 1.0, k) + _mp_affine(0.0, 1.0, -1.0, 1.0, k)
    got_hat = complex(se.network_fourier(_hat(), [k], domain=box))
    # the hat's transform vanishes at k = 2 pi n: compare against its scale 1 there
    assert abs(got_hat - want_hat) <= rtol * max(abs(want_hat), 1e-3)


@pytest.mark.parametrize("k", [1e-9, 1e-4, 0.5, 3.0, -7.0, 1e3, 1e6])
def test_hand_solved_on_the_line(k: float) -> None:
    relu = complex(se.network_fourier(_relu(), [k]))
    assert relu == pytest.approx(-1.0 / k**2, rel=1e-15)
    absx = complex(se.network_fourier(_abs(), [k]))
    assert absx == pytest.approx(-2.0 / k**2, rel=1e-15)
    # the hat has compact support: 4 sin^2(k/2) / k^2, no 1/k^2 cancellation at tiny k
    with mpmath.workdps(50):
        want = float(4 * mpmath.sin(mpmath.mpf(k) / 2) ** 2 / mpmath.mpf(k) ** 2)
    hat = complex(se.network_fourier(_hat(), [k]))
    assert abs(hat - want) <= 1e-14 * max(abs(want), 1e-6 if abs(k) > 1 else 1.0)


def test_hat_near_zero_beats_lemma1_cancellation() -> None:
    """At k = 1e-6 the engine's Lemma 1 loses ~12 digits to the 1/k^2 cancellation; the 1-D
    path keeps the compact-support value 4 sin^2(k/2)/k^2 ~ 1 to rounding.
    """
    k = 1e-6
    got = complex(se.network_fourier(_hat(), [k]))
    assert abs(got - 1.0) < 1e-13


def test_affine_and_constant_nets() -> None:
    const = _net([[[0.0]], [[2.0]]], [[1.5], [0.25]])  # f = 2 * 1.5 + 0.25 everywhere
    box = se.Box([-1], [3])
    for k in [0.0, 1e-8, 2.0]:
        got = complex(se.network_fourier(const, [k], domain=box))
        want = _mp_affine(-1.0, 3.0, 0.0, 3.25, k)
        assert abs(got - want) <= RTOL * abs(want)
    bp = breakpoints(const, None)
    assert bp.n_regions == 1 and len(bp.points) == 0 and bp.constant == 3.25
    assert complex(se.network_fourier(const, [1.0])) == 0  # supported at k = 0 only
    affine = _net([[[-2.0]]], [[0.5]])  # no hidden layer: f = -2x + 0.5
    assert complex(se.network_fourier(affine, [1.0])) == 0
    got = complex(se.network_fourier(affine, [0.7], domain=box))
    assert abs(got - _mp_affine(-1.0, 3.0, -2.0, 0.5, 0.7)) <= RTOL


# ------------------------------------------------------------------------ degenerate nets
def test_breakpoints_at_the_box_ends() -> None:
    relu = _relu()
    bp = breakpoints(relu, se.Box([0.0], [1.0]))  # kink exactly at lo
    assert bp.points.tolist() == [0.0, 1.0] and bp.n_regions == 1
    shifted = _net([[[1.0]], [[1.0]]], [[-1.0], [0.0]])  # relu(x - 1): kink exactly at hi
    bp = breakpoints(shifted, se.Box([0.0], [1.0]))
    assert bp.points.tolist() == [0.0, 1.0] and bp.n_regions == 1
    assert bp.patterns[0].tolist() == [[False]]
    for k in [0.0, 1e-7, 4.0]:
        assert complex(se.network_fourier(shifted, [k], domain=([0.0], [1.0]))) == 0
        got = complex(se.network_fourier(relu, [k], domain=([0.0], [1.0])))
        assert abs(got - _mp_affine(0.0, 1.0, 1.0, 0.0, k)) <= RTOL * abs(got)


def test_coincident_and_nearly_coincident_breakpoints() -> None:
    # relu(x) + relu(2x) + relu(x - 1e-15): three crossings, two exactly at 0, one 1e-15 away
    net = _net([[[1.0], [2.0], [1.0]], [[1.0, 1.0, 1.0]]], [[0.0, 0.0, -1e-15], [0.0]])
    box = se.Box([-1.0], [1.0])
    bp = breakpoints(net, box)
    assert len(bp.points) == 3  # lo, one merged breakpoint, hi
    assert bp.n_regions == len(_general_regions(net, box)) == 2
    # on R the tolerances are relative to the arrangement's own length (the farthest
    # first-layer crossing, 1e-15 here: scale covariance), where the crossings are two points,
    # as for the general enumerator's route on R (linear_regions rescales the same way)
    tol = se.DEFAULT_TOLERANCES
    line = breakpoints(net, None)
    general = se.Regions(net, None, regions_module._unbounded_regions_rescaled(net, tol), tol)
    assert line.n_regions == len(general) == 3
    assert line.jumps.tolist() == pytest.approx([3.0, 1.0])
    # the same crossings in an arrangement of length 1 (one more at x = 1): merged into one
    wider = _net([[[1.0], [2.0], [1.0], [1.0]], [[1.0] * 4]], [[0.0, 0.0, -1e-15, -1.0], [0.0]])
    line = breakpoints(wider, None)
    general = se.Regions(wider, None, regions_module._unbounded_regions_rescaled(wider, tol), tol)
    assert line.n_regions == len(general) == 3
    assert line.jumps.tolist() == pytest.approx([4.0, 1.0])
    k = np.array([0.0, 1e-9, 2.0, 1e3])
    assert_transform_close(
        se.network_fourier(net, k[:, None], domain=box),
        mp_network_fourier_box(net, [-1.0], [1.0], k[:, None]),
        rtol=1e-14,
        atol=1e-15,
    )


def test_dead_and_vanishing_neurons() -> None:
    # layer 1: relu(x), a dead neuron (W = 0, b < 0) and a constant one (W = 0, b > 0);
    # layer 2: relu(h1) vanishes identically on x < 0, relu(-h1) on all of R.
    net = _net(
        [[[1.0], [0.0], [0.0]], [[1.0, 5.0, 0.0], [-1.0, 0.0, 0.0]], [[2.0, 7.0]]],
        [[0.0, -1.0, 3.0], [0.0, 0.0], [0.5]],
    )
    box = se.Box([-2.0], [3.0])
    bp = breakpoints(net, box)
    assert bp.points.tolist() == [-2.0, 0.0, 3.0]
    regs = _general_regions(net, box)
    assert len(regs) == len(se.linear_regions(net, box)) == bp.n_regions == 2
    ours = sorted(p.tolist() for P in zip(*bp.patterns) for p in [np.concatenate(P)])
    theirs = sorted(np.concatenate(r.pattern).tolist() for r in regs)
    assert ours == theirs
    k = np.array([0.0, 1e-10, 0.7, 50.0])[:, None]
    assert_transform_close(
        se.network_fourier(net, k, domain=box),
        mp_network_fourier_box(net, [-2.0], [3.0], k),
        rtol=1e-14,
    )
    assert complex(se.network_fourier(net, [3.0])) == pytest.approx(-2.0 / 9.0, rel=1e-15)


# ----------------------------------------------------------------- against the engine
def _general_regions(net: se.ReLUNetwork, box: se.Box | None) -> se.Regions:
    """The general-dimension enumerators of :mod:`spectral_exact.regions` (not the 1-D path)."""
    tol = se.DEFAULT_TOLERANCES
    if box is None:
        arrays = regions_module._unbounded_regions(net, tol)
    else:
        arrays = regions_module._bounded_regions(net, box.to_polytope(), tol)
    return se.Regions(net, box, arrays, tol)


def _engine_prepare(
    net: se.ReLUNetwork, box: se.Box | None, monkeypatch: pytest.MonkeyPatch
) -> network_module.PreparedNetwork:
    """The polytope engine on the general enumerator's regions: the route before the 1-D path."""
    with monkeypatch.context() as m:
        m.setattr(network_module, "linear_regions", lambda n, b, **kw: _general_regions(n, b))
        return prepare_network(net, box)


def _region_key(r: se.Region) -> tuple[float, float]:
    v = r.polytope.vertices[:, 0]
    lo = float(v.min()) if not np.any(r.polytope.rays[:, 0] < 0) else -np.inf
    hi = float(v.max()) if not np.any(r.polytope.rays[:, 0] > 0) else np.inf
    return lo, hi


@pytest.mark.parametrize("arch", [(1, 3, 1), (1, 8, 8, 1), (1, 16, 16, 16, 1)])
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("on_box", [True, False])
def test_linear_regions_match_the_general_enumerator(
    arch: tuple[int, ...], seed: int, on_box: bool
) -> None:
    net = se.ReLUNetwork.random(arch, seed=seed, scale="pytorch")
    box = se.Box([-1.5], [2.0]) if on_box else None
    new = sorted(se.linear_regions(net, box), key=_region_key)
    old = sorted(_general_regions(net, box), key=_region_key)
    assert len(new) == len(old)
    for a, b in zip(new, old, strict=True):
        assert np.allclose(_region_key(a), _region_key(b), rtol=1e-12, atol=1e-12)
        for pa, pb in zip(a.pattern, b.pattern, strict=True):
            assert np.array_equal(pa, pb)
        assert a.weight == pytest.approx(b.weight, rel=1e-12, abs=1e-13)
        assert a.bias == pytest.approx(b.bias, rel=1e-12, abs=1e-13)
        P, Q = a.polytope, b.polytope
        assert P.volume == pytest.approx(Q.volume, rel=1e-12)
        assert (len(P.vertices), len(P.rays), len(P.lineality), len(P.A)) == (
            len(Q.vertices),
            len(Q.rays),
            len(Q.lineality),
            len(Q.A),
        )
        assert sorted(P.A[:, 0].tolist()) == sorted(Q.A[:, 0].tolist())


ARCHS = [(1, 3, 1), (1, 8, 8, 1), (1, 16, 16, 16, 1), (1, 32, 32, 32, 32, 1)]


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("seed", [0, 1])
def test_box_matches_polytope_engine(
    arch: tuple[int, ...], seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    net = se.ReLUNetwork.random(arch, seed=seed, scale="pytorch")
    box = se.Box([-1.5], [2.0])
    k = np.concatenate([K_SMALL, K_MID, np.linspace(-40, 40, 17)])[:, None]
    prep = _engine_prepare(net, box, monkeypatch)  # the old route, called explicitly
    old = network_fourier(prep, k)
    new = se.network_fourier(net, k, domain=box)
    assert_transform_close(new, old, rtol=0, atol=RTOL_MAX * np.max(np.abs(old)))
    assert_transform_close(new, old, rtol=1e-10, atol=1e-13 * np.max(np.abs(old)))
    for method in ("lemma1", "laplacian"):
        nz = k[k[:, 0] != 0]
        assert_transform_close(
            se.network_fourier(net, nz, domain=box, method=method), new[k[:, 0] != 0], rtol=0
        )
    bp = breakpoints(net, box)
    assert bp.n_regions == len(prep.regions)
    w, c = region_affine(bp)
    mids = 0.5 * (bp.points[:-1] + bp.points[1:])
    order = np.argsort([r.polytope.vertices.min() for r in prep.regions])
    assert np.allclose(w, [prep.regions[i].weight[0] for i in order], rtol=1e-13, atol=1e-13)
    assert np.allclose(w * mids + c, net(mids[:, None]), rtol=1e-12, atol=1e-12)


@pytest.mark.filterwarnings("ignore::spectral_exact.IllConditionedWarning")
@pytest.mark.parametrize("arch", ARCHS[:3])
@pytest.mark.parametrize("seed", [0, 1])
def test_line_matches_polytope_engine(
    arch: tuple[int, ...], seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    net = se.ReLUNetwork.random(arch, seed=seed, scale="pytorch")
    k = np.concatenate([K_SMALL[1:], K_MID, -K_MID])[:, None]
    prep = _engine_prepare(net, None, monkeypatch)
    old = network_fourier(prep, k, method="laplacian")  # the engine's most accurate R route
    new = se.network_fourier(net, k)
    assert_transform_close(new, old, rtol=1e-10)
    assert breakpoints(net, None).n_regions == len(prep.regions)
    same = [se.network_fourier(net, k, method=m) for m in ("regions", "lemma1", "laplacian")]
    for s in same:
        assert_transform_close(s, new, rtol=0)


# ---------------------------------------------------------------------- 40-digit mpmath
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_box_matches_mpmath(seed: int) -> None:
    net = se.ReLUNetwork.random((1, 8, 8, 1), seed=seed, scale="pytorch")
    lo, hi = [-1.25], [1.75]
    k = np.concatenate([K_SMALL, K_MID])[:, None]
    want = mp_network_fourier_box(net, lo, hi, k)
    assert_transform_close(se.network_fourier(net, k, domain=(lo, hi)), want, rtol=RTOL)
    kh = K_HUGE[:, None]
    want_h = mp_network_fourier_box(net, lo, hi, kh)
    assert_transform_close(se.network_fourier(net, kh, domain=(lo, hi)), want_h, rtol=RTOL_HUGE_K)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_line_matches_mpmath(seed: int) -> None:
    net = se.ReLUNetwork.random((1, 8, 8, 1), seed=seed, scale="pytorch")
    bp = breakpoints(net, None)
    reach = 2.0 * float(np.max(np.abs(bp.points))) + 1.0
    k = np.concatenate([K_SMALL[1:], K_MID])
    assert_transform_close(se.network_fourier(net, k[:, None]), _mp_line(net, k, reach), rtol=RTOL)
    got = se.network_fourier(net, K_HUGE[:, None])
    assert_transform_close(got, _mp_line(net, K_HUGE, reach), rtol=RTOL_HUGE_K)


# ------------------------------------------------------------------------------ scale law
#: biases times s: f_s(x) = s f(x / s), so F_s(k) = s^2 F(s k) on the box scaled by s and on R
SCALES = [1e-12, 1e-9, 1e-4, 1e4, 1e9, 1e12]


@pytest.mark.parametrize("s", SCALES)
@pytest.mark.parametrize("on_box", [True, False])
def test_scale_law(s: float, on_box: bool) -> None:
    net = se.ReLUNetwork.random((1, 16, 16, 16, 1), seed=4, scale="pytorch")
    scaled = se.ReLUNetwork(net.weights, [s * b for b in net.biases])
    k = np.concatenate([K_SMALL if on_box else K_SMALL[1:], K_MID])
    lo, hi = -1.25, 1.75
    box, box_s = (([lo], [hi]), ([s * lo], [s * hi])) if on_box else (None, None)
    want = s * s * se.network_fourier(net, k[:, None], domain=box)
    got = se.network_fourier(scaled, (k / s)[:, None], domain=box_s)
    assert breakpoints(scaled, box_s).n_regions == breakpoints(net, box).n_regions
    # |k| = 1e3 on R: the phase k t at the far breakpoints (|t| ~ 1e2) is conditioned to
    # eps |k t| ~ 1e-11, as at huge k on the box
    mid = np.abs(k) <= 100
    assert_transform_close(got[mid], want[mid], rtol=RTOL)
    assert_transform_close(got[~mid], want[~mid], rtol=RTOL_HUGE_K)


# --------------------------------------------------------------------- invariants, errors
def test_conjugate_symmetry_and_batch_shape() -> None:
    net = se.ReLUNetwork.random((1, 16, 16, 1), seed=3)
    k = np.linspace(0.1, 30, 12).reshape(3, 4, 1)
    for dom in (None, se.Box([-1], [1])):
        F = se.network_fourier(net, k, domain=dom)
        assert F.shape == (3, 4)
        assert_transform_close(se.network_fourier(net, -k, domain=dom), np.conj(F), rtol=1e-14)


def test_breakpoints_object_is_reusable_and_checks_its_domain() -> None:
    net = se.ReLUNetwork.random((1, 8, 1), seed=0)
    box = se.Box([0.0], [1.0])
    bp = breakpoints(net, box)
    assert isinstance(bp, Breakpoints)
    k = np.array([[0.0], [5.0]])
    assert_transform_close(se.network_fourier(bp, k), se.network_fourier(net, k, domain=box), 0)
    with pytest.raises(se.InvalidDomainError, match="breakpoints are for domain"):
        breakpoints_fourier(bp, k, domain=se.Box([0.0], [2.0]))


def test_cache_reuses_the_enumeration_and_does_not_keep_networks_alive() -> None:
    import gc
    import weakref

    from spectral_exact.fourier import _onedim

    net = se.ReLUNetwork.random((1, 8, 8, 1), seed=5)
    k = np.array([[0.5], [3.0]])
    for dom in (None, se.Box([-1.0], [1.0])):
        first = se.network_fourier(net, k, domain=dom)
        hit = _onedim._CACHE[net][1]
        again = se.network_fourier(net, k, domain=dom)
        assert _onedim._CACHE[net][1] is hit  # no second enumeration
        assert_transform_close(again, first, rtol=0)
    ref = weakref.ref(net)
    del net
    gc.collect()
    assert ref() is None


def test_errors_name_the_problem() -> None:
    net = _relu()
    with pytest.raises(se.SingularFrequencyError, match="k = 0"):
        se.network_fourier(net, [[1.0], [0.0]])
    with pytest.raises(se.SingularFrequencyError, match="method='lemma1'"):
        se.network_fourier(net, [0.0], domain=se.Box([0], [1]), method="lemma1")
    with pytest.raises(se.InvalidArgumentError, match="unknown method 'fft'"):
        se.network_fourier(net, [1.0], method="fft")
    with pytest.raises(se.InvalidDomainError, match="R\\^2"):
        se.network_fourier(net, [1.0], domain=se.Box([0, 0], [1, 1]))
    with pytest.raises(se.InvalidFrequencyError):
        se.network_fourier(net, [[1.0, 2.0]])
    with pytest.raises(se.InvalidNetworkError, match="one input"):
        breakpoints(se.ReLUNetwork.random((2, 3, 1)), None)
