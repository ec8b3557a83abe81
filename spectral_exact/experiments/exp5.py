r"""Experiment 5: regression on the flower manifolds (Rahaman et al., 2019, Sec. 4, Fig. 7, 8).

The data lie on :math:`\gamma_L(z) = (1 + \tfrac12 \sin(2\pi L z))\,(\cos 2\pi z, \sin 2\pi z)`,
``z ∈ [0, 1)``, a closed curve in :math:`\mathbb R^2` that wiggles ``L`` times (``L = 0`` is
the unit circle). The target is :math:`\tau(z) = \sum_i \sin(2\pi k_i z + \varphi_i)`,
``k_i = 20, 40, ..., 200``; a ReLU MLP :math:`f:\mathbb R^2\to\mathbb R` is trained on
``(γ_L(z_j), τ(z_j))``. We record the normalised spectrum ``2|DFT(f∘γ_L)(k_i)|/N`` (the
function along the curve, Fig. 8 heatmaps) and the loss (Fig. 8 right), and store the learned
function on a grid of the plane (Fig. 7). The paper's claim: learning the high frequencies
gets *easier* as ``L`` grows (the manifold folds the input space), so the loss decreases
faster with ``L``.

Scales
------
``paper``: ``N = 1000``, width 256, depth 6, Adam lr 3e-4, 50 000 iterations and 10 runs
(Sec. 4 / App. A.4), record every 100 (authors' notebook). ``quick``: width 128, lr 1e-3,
1500 iterations.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import _analysis as A
from ._claims import Claim, ClaimSpec, claims_from_values, learning_auc
from ._figures import new_figure, save_figure
from ._io import load_results
from ._protocol import MLPConfig, RunContext, make_run
from ._runtime import ExperimentError
from ._training import Record, n_records
from .targets import flower, wave_target

NAME = "exp5"
TITLE = "Regression on flower manifolds γ_L (Sec. 4, Fig. 7, 8)"


@dataclass(frozen=True)
class Config(MLPConfig):
    """Parameters of experiment 5 (see the module docstring)."""

    n_points: int = 1000
    freqs: tuple[int, ...] = (20, 40, 60, 80, 100, 120, 140, 160, 180, 200)
    Ls: tuple[float, ...] = (0, 4, 10, 16)
    width: int = 256
    depth: int = 6
    lr: float = 3e-4
    n_steps: int = 50_000
    record_every: int = 100
    grid: int = 121
    n_seeds: int = 10


CONFIGS = {
    "paper": Config(),
    "quick": Config(width=128, depth=6, lr=1e-3, n_steps=1500, record_every=50, n_seeds=1),
}


def _compute(config: Config, ctx: RunContext) -> dict[str, np.ndarray]:
    """One net per ``L`` and seed; the spectrum of ``f∘γ_L`` during training."""
    freqs = np.asarray(config.freqs)
    if freqs.max() >= config.n_points / 2:
        raise ExperimentError(f"n_points={config.n_points} is below Nyquist for k={freqs.max()}")
    nL, R, K = len(config.Ls), len(ctx.seeds), len(freqs)
    n_rec = n_records(config.n_steps, config.record_every)
    spec = np.zeros((nL, R, n_rec, K))
    loss = np.zeros((nL, R, config.n_steps))
    g = np.linspace(-1.6, 1.6, config.grid)
    gx, gy = np.meshgrid(g, g)
    grid_pts = ctx.tensor(np.stack([gx.ravel(), gy.ravel()], axis=-1))
    grid_pred = np.zeros((nL, R, config.grid, config.grid))
    z = np.arange(config.n_points) / config.n_points
    for li, L in enumerate(config.Ls):
        x_t = ctx.tensor(flower(z, L))
        for r, seed in enumerate(ctx.seeds):
            rng = ctx.seed(seed)
            phases = rng.uniform(0, 2 * np.pi, K)
            y_t = ctx.tensor(wave_target(z, freqs, phases)[:, None])
            model = ctx.mlp(2, config)

            def record(rec: Record, li: int = li, r: int = r, x_t: Any = x_t) -> None:
                pred = ctx.predict(rec.model, x_t)[:, 0]
                spec[li, r, rec.index] = 2 * np.abs(np.fft.rfft(pred))[freqs] / config.n_points

            loss[li, r] = ctx.train(
                model,
                x_t,
                y_t,
                config,
                record,
                desc=f"exp5 L={L} seed={seed}",
            )
            grid_pred[li, r] = ctx.predict(model, grid_pts)[:, 0].reshape(config.grid, config.grid)
    return {
        "freqs": freqs,
        "Ls": np.asarray(config.Ls, dtype=float),
        "steps": np.arange(n_rec) * config.record_every,
        "spectrum": spec,
        "loss": loss,
        "grid": g,
        "grid_pred": grid_pred,
    }


run = make_run(NAME, _compute, lambda out: plot(out))


def plot(out: str | os.PathLike[str]) -> list[Path]:
    """Draw the figures from the saved data.

    ``fig8.png`` (spectrum of f∘γ_L during training per L, and loss curves), ``fig7.png``
    (learned function in the plane with the manifold), ``fig6.png``, ``fig12.png`` and
    ``fig13.png`` (:func:`_plot_manifolds`).
    """
    a, meta = load_results(out)
    outp = Path(out)
    Ls, freqs, steps = a["Ls"], a["freqs"], a["steps"]
    nL = len(Ls)
    fig, axes = new_figure(1, nL + 1, figsize=(4 * (nL + 1), 4))
    for li, L in enumerate(Ls):
        im = axes[li].imshow(
            a["spectrum"][li].mean(0),
            aspect="auto",
            origin="lower",
            vmin=0,
            vmax=1,
            extent=(freqs[0] - 10, freqs[-1] + 10, steps[0], steps[-1]),
        )
        axes[li].set_title(f"L = {L:g}: |f∘γ_L~(k)|/A")
        axes[li].set_xlabel("k")
        axes[li].set_ylabel("iteration")
    fig.colorbar(im, ax=axes[nL - 1])
    for li, L in enumerate(Ls):
        axes[nL].semilogy(a["loss"][li].mean(0), label=f"L = {L:g}")
    axes[nL].set_xlabel("iteration")
    axes[nL].set_ylabel("training MSE")
    axes[nL].legend()
    paths = [save_figure(fig, outp / "fig8.png")]

    fig, axes = new_figure(1, nL, figsize=(4 * nL, 4))
    g = a["grid"]
    z = np.linspace(0, 1, 800, endpoint=False)
    for li, L in enumerate(Ls):
        v = a["grid_pred"][li, 0]
        lim = float(np.abs(v).max()) or 1.0
        axes[li].imshow(
            v, origin="lower", extent=(g[0], g[-1], g[0], g[-1]), cmap="RdBu_r", vmin=-lim, vmax=lim
        )
        pts = flower(z, L)
        axes[li].plot(pts[:, 0], pts[:, 1], "k-", lw=0.5)
        axes[li].set_title(f"learned f on R², L = {L:g}")
    paths.append(save_figure(fig, outp / "fig7.png"))
    paths += _plot_manifolds(a, meta, outp)
    return paths


def _plot_manifolds(a: dict[str, np.ndarray], meta: dict[str, Any], outp: Path) -> list[Path]:
    """Draw Figs. 6, 12 and 13 of the paper.

    Fig. 6: the flower manifolds γ_L in R² for every L; Fig. 12: the target τ along each γ_L
    (colour = τ at that point; first seed's phases); Fig. 13: the training loss against the
    iteration per L (mean ± sd over seeds).
    """
    Ls = a["Ls"]
    nL = len(Ls)
    z = np.linspace(0, 1, 2000, endpoint=False)
    fig, axes = new_figure(1, nL, figsize=(3.2 * nL, 3.2), squeeze=False)
    for li, L in enumerate(Ls):
        pts = flower(z, L)
        axes[0, li].plot(pts[:, 0], pts[:, 1], "k-", lw=0.8)
        axes[0, li].set_aspect("equal")
        axes[0, li].set_title(f"γ_L, L = {L:g}")
        axes[0, li].set_xlabel("x₁")
        axes[0, li].set_ylabel("x₂")
    paths = [save_figure(fig, outp / "fig6.png")]
    phases = np.random.default_rng(int(meta["seeds"][0])).uniform(0, 2 * np.pi, len(a["freqs"]))
    tau = wave_target(z, a["freqs"], phases)
    fig, axes = new_figure(1, nL, figsize=(3.4 * nL, 3.2), squeeze=False)
    for li, L in enumerate(Ls):
        pts = flower(z, L)
        sc = axes[0, li].scatter(pts[:, 0], pts[:, 1], c=tau, s=2, cmap="RdBu_r")
        axes[0, li].set_aspect("equal")
        axes[0, li].set_title(f"τ on γ_L, L = {L:g}")
        axes[0, li].set_xlabel("x₁")
    fig.colorbar(sc, ax=axes[0, nL - 1])
    paths.append(save_figure(fig, outp / "fig12.png"))
    fig, ax = new_figure(figsize=(6.5, 4.2))
    for li, L in enumerate(Ls):
        lg = np.log10(a["loss"][li])
        m, sd = lg.mean(0), lg.std(0)
        it = np.arange(m.size)
        ax.plot(it, 10**m, label=f"L = {L:g}")
        ax.fill_between(it, 10 ** (m - sd), 10 ** (m + sd), alpha=0.2)
    ax.set_yscale("log")
    ax.set_xlabel("training iteration")
    ax.set_ylabel("training loss (MSE)")
    ax.legend()
    paths.append(save_figure(fig, outp / "fig13.png"))
    return paths


#: arrays with one entry per seed, and the axis that indexes the seed
SEED_AXIS = {"spectrum": 1, "loss": 1, "grid_pred": 1}

#: the claims and their criteria, fixed before any result was seen
CLAIMS = (
    ClaimSpec(
        "spearman(L, mean log10 loss)",
        "Spearman over L of the training loss's mean log10 over all steps (area under "
        "the log-loss curve: faster learning gives a smaller area)",
        "<=",
        -0.5,
    ),
    ClaimSpec(
        "spearman(L, high-k AUC)",
        "Spearman over L of the area under min(|f∘γ_L~(k)|/A, 1) over the recorded "
        "steps, averaged over the upper half of the k_i",
        ">=",
        0.5,
    ),
)


def claims(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> list[Claim]:
    """Measure the claims of Sec. 4 per seed.

    With more wiggles L the loss falls faster, and the high frequencies of ``f∘γ_L`` are
    learned faster.
    """
    K = len(arrays["freqs"])
    Ls = arrays["Ls"]
    per_seed, d0, d1 = [], [], []
    for r, _seed in enumerate(meta["seeds"]):
        ll = np.log10(arrays["loss"][:, r]).mean(axis=-1)
        hi = learning_auc(arrays["spectrum"][:, r, :, K // 2 :], axis=1).mean(axis=-1)
        per_seed.append({CLAIMS[0].name: A.spearman(Ls, ll), CLAIMS[1].name: A.spearman(Ls, hi)})
        d0.append(str(np.round(ll, 3).tolist()))
        d1.append(str(np.round(hi, 3).tolist()))
    return claims_from_values(
        CLAIMS,
        meta["seeds"],
        per_seed,
        {
            CLAIMS[0].name: f"mean log10 loss per L={Ls.tolist()}: " + "; ".join(d0),
            CLAIMS[1].name: f"high-k AUC per L={Ls.tolist()}: " + "; ".join(d1),
        },
    )
