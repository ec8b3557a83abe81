"""Claims as statistics over seeds (spectral_exact.experiments._claims): the bootstrap
interval against a hand-enumerated bootstrap, pass rules at the edges, and the per-seed
metrics of the experiments on hand-made arrays.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from spectral_exact.experiments import _analysis as A
from spectral_exact.experiments import get_experiment
from spectral_exact.experiments._claims import (
    MIN_SEEDS_TO_PASS,
    Claim,
    ClaimSpec,
    bootstrap_ci,
    claims_from_values,
    learning_auc,
)


def test_bootstrap_ci_matches_exact_bootstrap_distribution() -> None:
    # for n = 3 the bootstrap distribution of the mean is enumerable: 27 equally likely
    # resamples; the seeded Monte-Carlo quantiles must be close to the exact ones
    v = np.array([0.0, 1.0, 5.0, 2.0])
    means = np.sort([np.mean(c) for c in itertools.product(v, repeat=4)])
    cdf = np.arange(1, means.size + 1) / means.size

    def exact_quantile(q: float) -> float:  # inverse CDF of the exact bootstrap distribution
        return float(means[np.searchsorted(cdf, q)])

    lo, hi = bootstrap_ci(v, n_resamples=200_000)
    # 256 atoms of mass 1/256, none of whose CDF steps is near 0.025 or 0.975: with 2e5
    # resamples the Monte-Carlo quantiles land on the exact atoms (0.5 and 4.0)
    assert (lo, hi) == (exact_quantile(0.025), exact_quantile(0.975)) == (0.5, 4.0)
    assert lo <= v.mean() <= hi
    # deterministic in its own seed
    assert bootstrap_ci(v) == bootstrap_ci(v)


def test_bootstrap_ci_degenerate_inputs() -> None:
    assert bootstrap_ci([0.3]) == (0.3, 0.3)
    assert all(np.isnan(bootstrap_ci([0.3, float("nan")])))
    assert all(np.isnan(bootstrap_ci([])))
    with pytest.raises(ValueError, match="level must be in"):
        bootstrap_ci([1.0, 2.0], level=1.5)


def _claim(values: tuple[float, ...], op: str = ">=", thr: float = 0.5) -> Claim:
    return Claim("c", "m", op, thr, tuple(range(len(values))), values)


def test_claim_statistics_and_pass_rules() -> None:
    c = _claim((0.6, 0.8, 1.0, 0.9, 0.7))
    assert c.mean == pytest.approx(0.8)
    assert c.spread == pytest.approx(np.std([0.6, 0.8, 1.0, 0.9, 0.7], ddof=1))
    assert c.n_seeds_meeting == 5 and c.passed
    # mean clears the criterion but the interval does not: fails
    wide = _claim((1.0, 1.0, 1.0, -0.5, 1.0))
    assert wide.mean > 0.5 and wide.ci[0] < 0.5 and not wide.passed
    assert wide.n_seeds_meeting == 4
    # "<=" uses the upper end of the interval
    assert _claim((-0.9, -1.0, -0.8), "<=", -0.5).passed
    assert not _claim((-0.9, -1.0, -0.2), "<=", -0.7).passed
    # an undefined seed fails the claim; so do too few seeds
    assert not _claim((1.0, 1.0, float("nan"), 1.0)).passed
    assert not _claim((1.0,) * (MIN_SEEDS_TO_PASS - 1)).passed
    assert _claim((1.0,) * MIN_SEEDS_TO_PASS).passed
    # exactly on the threshold (up to rounding) meets ">="
    assert _claim((0.5 - 1e-12,) * 3).passed
    d = c.as_dict()
    assert d["values"] == [0.6, 0.8, 1.0, 0.9, 0.7] and d["passed"] is True
    assert d["ci"][0] <= d["mean"] <= d["ci"][1]


def test_claim_validation() -> None:
    with pytest.raises(ValueError, match="op must be one of"):
        ClaimSpec("c", "m", "=>", 0.5)
    with pytest.raises(ValueError, match="2 seeds but 1 values"):
        Claim("c", "m", ">=", 0.5, (0, 1), (0.5,))
    spec = ClaimSpec("a", "m", ">=", 0.5)
    [c] = claims_from_values([spec], [3, 4, 5], [{"a": 1.0}, {}, {"a": 0.9}])
    assert c.seeds == (3, 4, 5) and np.isnan(c.values[1]) and not c.passed


def test_learning_auc_has_no_never_ties() -> None:
    steps = 11
    t = np.linspace(0, 1, steps)[:, None]
    # two curves that never reach 0.5 still get different areas
    curves = np.hstack([0.4 * t, 0.2 * t, np.minimum(3 * t, 1.5)])
    auc = learning_auc(curves, axis=0)
    np.testing.assert_allclose(auc[:2], [0.2, 0.1])
    # capped at 1: min(3t, 1) on the 11-point grid
    assert auc[2] == pytest.approx(np.minimum(3 * t[:, 0], 1.0).mean())


def _exp1_arrays(n_seeds: int, reverse_seed: int | None = None) -> tuple[dict, dict]:
    """Synthetic exp1 results: frequency k_i rises as a ramp starting at step 10 i
    (lower k first), except on ``reverse_seed`` where the order is reversed.
    """
    freqs = np.arange(5, 55, 5)
    K, T = len(freqs), 101
    steps = np.arange(T) * 10
    amp = np.zeros((2, n_seeds, T, K))
    for r in range(n_seeds):
        for i in range(K):
            j = (K - 1 - i) if r == reverse_seed else i
            amp[:, r, :, i] = np.clip((np.arange(T) - 8 * j) / 20, 0, 1)
    norms = np.ones((2, n_seeds, T, 3)) * (1 + np.arange(T))[None, None, :, None]
    arrays = {
        "freqs": freqs,
        "steps": steps,
        "exact_amp": amp,
        "dft_amp": amp.copy(),
        "spectral_norms": norms,
    }
    return arrays, {"seeds": list(range(n_seeds)), "settings": ["equal", "increasing"]}


def test_exp1_claims_per_seed_on_synthetic_curves() -> None:
    pytest.importorskip("torch")  # trains or builds a torch model
    exp1 = get_experiment("exp1")
    arrays, meta = _exp1_arrays(5)
    cl = {c.name: c for c in exp1.claims(arrays, meta)}
    assert [s.name for s in exp1.CLAIMS] == list(cl)
    for setting in ("equal", "increasing"):
        c = cl[f"{setting}/exact: spearman(k, AUC)"]
        np.testing.assert_allclose(c.values, -1.0)
        assert c.passed
        assert cl[f"{setting}: spearman(Π‖W_l‖, high-k amplitude)"].passed
    # one seed with the reversed order: it is reported as +1 and the claim fails
    arrays, meta = _exp1_arrays(5, reverse_seed=2)
    c = {c.name: c for c in exp1.claims(arrays, meta)}["equal/dft: spearman(k, AUC)"]
    np.testing.assert_allclose(c.values, [-1, -1, 1, -1, -1])
    assert c.n_seeds_meeting == 4 and not c.passed


def test_exp2_claims_both_readings_and_learned_filter() -> None:
    pytest.importorskip("torch")  # trains or builds a torch model
    exp2 = get_experiment("exp2")
    freqs = np.arange(5, 55, 5)
    deltas = np.linspace(0, 1, 5)
    K = len(freqs)
    # relative spectrum decays faster for higher k: rel = exp(-delta * k / 10)
    rel = np.exp(-deltas[:, None] * freqs[None, :] / 10)
    rel3 = np.stack([rel] * 3)
    base = np.ones((3, K))
    base[1, 3:] = 0.1  # seed 1 learned only 3 frequencies
    base[2, 2:] = 0.1  # seed 2 learned only 2: undefined
    arrays = {
        "freqs": freqs,
        "deltas": deltas,
        "base_amp": base,
        "dft_rel": rel3,
        "exact_rel": rel3,
        "dft_rel_mean": rel3 * 0.5,
        "exact_rel_mean": rel3,
    }
    cl = exp2.claims(arrays, {"seeds": [0, 1, 2]})
    assert len(cl) == 4
    for c in cl:
        assert c.values[0] == pytest.approx(-1.0) and c.values[1] == pytest.approx(-1.0)
        assert np.isnan(c.values[2]) and not c.passed
    # the score is the mean over delta > 0 of min(rel, 1)
    np.testing.assert_allclose(exp2.robustness_scores(rel, deltas), rel[1:].mean(axis=0))


def _dip_curves(dips: np.ndarray) -> np.ndarray:
    """Validation-loss curves ``[1, 1 - d, 1]`` whose dip ``(final - min)/final`` is ``d``."""
    return np.stack([np.ones_like(dips), 1 - dips, np.ones_like(dips)], axis=-1)


def test_exp3_claims_dip_over_k_and_beta() -> None:
    exp3 = get_experiment("exp3")
    ks = np.array([0.0, 4.0, 16.0, 64.0])
    betas = np.array([0.25, 0.5, 1.0])
    # dip = 0.1 * beta * rank(k) on seed 0; on seed 1 the k order is reversed for beta = 0.5
    d0 = 0.1 * betas[:, None] * np.arange(4)[None, :]
    d1 = d0.copy()
    d1[1, 1:] = d1[1, 1:][::-1]
    val = _dip_curves(np.stack([d0, d1], axis=2))  # (betas, k, seeds, T)
    arrays = {"noise_freqs": ks, "betas": betas, "val_loss": val}
    got = {c.name: c.values for c in exp3.claims(arrays, {"seeds": [0, 1]})}
    assert got["β=0.25: spearman(k, val-loss dip)"] == pytest.approx((1.0, 1.0))
    assert got["β=0.5: spearman(k, val-loss dip)"] == pytest.approx((1.0, -1.0))
    # mean dip over k > 0 per beta: seed 0 increasing in beta; seed 1 still (reversal keeps mean)
    assert got["spearman(β, mean dip)"] == pytest.approx((1.0, 1.0))
    np.testing.assert_allclose(exp3.dip(val)[..., 0], d0, atol=1e-15)


def test_exp4_dip_claim_over_gamma() -> None:
    exp4 = get_experiment("exp4")
    modes = np.array([1, 10, 50, 200])
    d = np.array([[0.0, 0.1, 0.2, 0.3], [0.3, 0.2, 0.25, 0.0]]).T  # (modes, seeds)
    arrays = {
        "noise_modes": modes,
        "val_loss": _dip_curves(d),
        "band_err": np.tile(np.arange(4.0), (2, 3, 1)),  # (seeds, T, bands): increasing
    }
    got = {c.name: c.values for c in exp4.claims(arrays, {"seeds": [0, 1]})}
    assert got["spearman(γ, val-loss dip)"] == pytest.approx((1.0, -0.8))
    assert got["spearman(band, mean band error)"] == pytest.approx((1.0, 1.0))


def test_censored_claim_leaves_undefined_seeds_out_and_needs_three_defined() -> None:
    vals = (-0.7, float("nan"), -0.9, -0.8, float("nan"))
    kw = dict(seeds=(0, 1, 2, 3, 4), values=vals)
    strict = Claim("t", "m", "<=", -0.5, **kw)
    cens = Claim("t", "m", "<=", -0.5, **kw, undefined="censored")
    assert not strict.passed and np.isnan(strict.mean)
    assert cens.passed and cens.n_censored == 2 and strict.n_censored == 0
    assert cens.mean == pytest.approx(-0.8, abs=1e-12)
    assert cens.spread == pytest.approx(np.std([-0.7, -0.9, -0.8], ddof=1), abs=1e-12)
    assert cens.ci == bootstrap_ci([-0.7, -0.9, -0.8])
    assert cens.as_dict()["n_censored"] == 2 and cens.as_dict()["undefined"] == "censored"
    two = Claim("t", "m", "<=", -0.5, (0, 1, 2), (-0.9, float("nan"), -0.9), undefined="censored")
    assert not two.passed  # only two defined seeds
    with pytest.raises(ValueError, match="undefined must be one of"):
        ClaimSpec("t", "m", "<=", -0.5, undefined="skip")
    [c] = claims_from_values(
        [ClaimSpec("t", "m", "<=", -0.5, undefined="censored")],
        (0, 1, 2, 3, 4),
        [{"t": v} for v in vals],
    )
    assert c.passed and c.n_censored == 2


def test_exp9_neb_trend_claim_is_censored_only_without_any_class_change() -> None:
    exp9 = get_experiment("exp9")
    ck = np.array([0, 5, 15, 50, 150])
    # seeds: changes removed; no changes at all (censored); changes never removed (0); two
    # more seeds removing changes
    per = [
        [[2, 0, 0, 0, 0], [2, 1, 0, 0, 0]],
        [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0]],
        [[1, 1, 1, 1, 1], [1, 1, 1, 1, 1]],
        [[2, 2, 1, 0, 0], [2, 0, 0, 0, 0]],
        [[4, 2, 0, 0, 0], [2, 2, 2, 0, 0]],
    ]
    changes = np.asarray(per)
    arrays = {
        "checkpoints": ck,
        "class_changes": changes,
        "n_regions": np.ones_like(changes),
    }
    c0, c1 = exp9.claims(arrays, {"seeds": [0, 1, 2, 3, 4]})
    assert c0.undefined == "censored" and c0.n_censored == 1 and np.isnan(c0.values[1])
    assert c0.values[2] == 0.0
    expect = [A.spearman(ck, changes[r].mean(0)) for r in (0, 3, 4)]
    np.testing.assert_allclose([c0.values[i] for i in (0, 3, 4)], expect, atol=1e-15)
    assert c0.mean == pytest.approx(np.mean([*expect, 0.0]), abs=1e-12)
    assert c1.undefined == "fails" and c1.values == (1.0, 1.0, 0.0, 1.0, 1.0)


def test_knn_claims_on_hand_made_spectra() -> None:
    knn = get_experiment("knn")
    radii = np.array([1.0, 2.0, 3.0, 4.0])
    Ks = np.array([5.0, 6.0, 7.0])
    acc = np.zeros((3, 3, 2, 1))  # (seeds, K, k, L)
    acc[:, :, 1, 0] = [0.9, 0.8, 0.7]  # high k: accuracy falls with K
    dnn = np.tile(radii**-2.0, (3, 1))
    arrays = {
        "freqs": np.array([10.0, 40.0]),
        "Ks": Ks,
        "radii": radii,
        "knn_acc": acc,
        "zeta_dnn": dnn,
        "zeta_knn": np.tile(radii**-3.0, (3, 1)),  # decays faster: ratio falls
        "zeta_dnn_w": dnn,
        "zeta_knn_w": np.tile(radii**-1.0, (3, 1)),  # decays slower: ratio grows
        "dnn_acc": np.ones(3),
        "knn_acc_spec": np.ones(3),
    }
    c0, c1, c2 = knn.claims(arrays, {"seeds": [0, 1, 2]})
    assert c0.values == (-1.0, -1.0, -1.0) and c0.passed
    assert c1.values == (-1.0, -1.0, -1.0) and not c1.passed
    assert c2.values == (1.0, 1.0, 1.0) and c2.passed
    # runs made before the windowed spectra: the windowed claim is undefined and fails
    old = {k: v for k, v in arrays.items() if not k.endswith("_w")}
    *_, w = knn.claims(old, {"seeds": [0, 1, 2]})
    assert np.all(np.isnan(w.values)) and not w.passed
