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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _common as C

NAME = "exp5"
TITLE = "Regression on flower manifolds γ_L (Sec. 4, Fig. 7, 8)"


def flower(z: np.ndarray, L: float) -> np.ndarray:
    r"""Points of :math:`\gamma_L(z)`, shape ``(n, 2)``."""
    r = 1.0 + 0.5 * np.sin(2 * np.pi * L * z)
    return np.stack([r * np.cos(2 * np.pi * z), r * np.sin(2 * np.pi * z)], axis=-1)


def wave_target(z: np.ndarray, freqs: ArrayLike, phases: np.ndarray) -> np.ndarray:
    """``Σ sin(2π k_i z + φ_i)`` (equal amplitudes)."""
    k = np.asarray(freqs, dtype=np.float64)
    return np.sum(np.sin(2 * np.pi * k * z[:, None] + phases), axis=1)


@dataclass(frozen=True)
class Config:
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


def run(
    config: Config,
    *,
    seeds: Sequence[int],
    out: str | os.PathLike[str],
    device: str = "cpu",
    show_progress: bool = True,
    plot_figures: bool = True,
) -> dict[str, np.ndarray]:
    """Train one net per ``L`` and seed; save data and figures into ``out``."""
    import torch

    dev = C.resolve_device(device)
    C.configure_torch()
    freqs = np.asarray(config.freqs)
    if freqs.max() >= config.n_points / 2:
        raise C.ExperimentError(f"n_points={config.n_points} is below Nyquist for k={freqs.max()}")
    nL, R, K = len(config.Ls), len(seeds), len(freqs)
    n_rec = config.n_steps // config.record_every + 1
    spec = np.zeros((nL, R, n_rec, K))
    loss = np.zeros((nL, R, config.n_steps))
    g = np.linspace(-1.6, 1.6, config.grid)
    gx, gy = np.meshgrid(g, g)
    grid_pts = np.stack([gx.ravel(), gy.ravel()], axis=-1)
    grid_pred = np.zeros((nL, R, config.grid, config.grid))
    z = np.arange(config.n_points) / config.n_points
    for li, L in enumerate(config.Ls):
        for r, seed in enumerate(seeds):
            rng = C.seed_everything(int(seed))
            phases = rng.uniform(0, 2 * np.pi, K)
            x_t = torch.as_tensor(flower(z, L), dtype=torch.float32, device=dev)
            y_t = torch.as_tensor(
                wave_target(z, freqs, phases)[:, None], dtype=torch.float32, device=dev
            )
            model = C.make_mlp(2, config.width, config.depth, device=dev)
            idx = [0]

            def record(
                step: int, m: Any, li: int = li, r: int = r, x_t: Any = x_t, idx: list[int] = idx
            ) -> None:
                with torch.no_grad():
                    pred = m(x_t)[:, 0].double().cpu().numpy()
                spec[li, r, idx[0]] = 2 * np.abs(np.fft.rfft(pred))[freqs] / config.n_points
                idx[0] += 1

            loss[li, r] = C.train_full_batch(
                model,
                x_t,
                y_t,
                lr=config.lr,
                n_steps=config.n_steps,
                record_every=config.record_every,
                on_record=record,
                show_progress=show_progress,
                desc=f"exp5 L={L} seed={seed}",
            )
            with torch.no_grad():
                gp = model(torch.as_tensor(grid_pts, dtype=torch.float32, device=dev))
            grid_pred[li, r] = gp[:, 0].double().cpu().numpy().reshape(config.grid, config.grid)
    arrays = {
        "freqs": freqs,
        "Ls": np.asarray(config.Ls, dtype=float),
        "steps": np.arange(n_rec) * config.record_every,
        "spectrum": spec,
        "loss": loss,
        "grid": g,
        "grid_pred": grid_pred,
    }
    C.save_results(out, arrays, C.base_meta(NAME, config, seeds, device))
    if plot_figures:
        plot(out)
    return arrays


def plot(out: str | os.PathLike[str]) -> list[Path]:
    """Plot ``fig8.png`` and ``fig7.png`` from saved data.

    ``fig8.png``: spectrum of f∘γ_L during training per L, and loss curves; ``fig7.png``:
    learned function in the plane with the manifold.
    """
    a, _meta = C.load_results(out)
    outp = Path(out)
    Ls, freqs, steps = a["Ls"], a["freqs"], a["steps"]
    nL = len(Ls)
    fig, axes = C.new_figure(1, nL + 1, figsize=(4 * (nL + 1), 4))
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
    paths = [C.save_figure(fig, outp / "fig8.png")]

    fig, axes = C.new_figure(1, nL, figsize=(4 * nL, 4))
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
    paths.append(C.save_figure(fig, outp / "fig7.png"))
    return paths


#: arrays with one entry per seed, and the axis that indexes the seed
SEED_AXIS = {"spectrum": 1, "loss": 1, "grid_pred": 1}

#: the claims and their criteria, fixed before any result was seen
CLAIMS = (
    C.ClaimSpec(
        "spearman(L, mean log10 loss)",
        "Spearman over L of the training loss's mean log10 over all steps (area under "
        "the log-loss curve: faster learning gives a smaller area)",
        "<=",
        -0.5,
    ),
    C.ClaimSpec(
        "spearman(L, high-k AUC)",
        "Spearman over L of the area under min(|f∘γ_L~(k)|/A, 1) over the recorded "
        "steps, averaged over the upper half of the k_i",
        ">=",
        0.5,
    ),
)


def claims(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> list[C.Claim]:
    """Sec. 4, per seed.

    With more wiggles L the loss falls faster, and the high frequencies of ``f∘γ_L`` are learned
    faster.
    """
    K = len(arrays["freqs"])
    Ls = arrays["Ls"]
    per_seed, d0, d1 = [], [], []
    for r, _seed in enumerate(meta["seeds"]):
        ll = np.log10(arrays["loss"][:, r]).mean(axis=-1)
        hi = C.learning_auc(arrays["spectrum"][:, r, :, K // 2 :], axis=1).mean(axis=-1)
        per_seed.append({CLAIMS[0].name: C.spearman(Ls, ll), CLAIMS[1].name: C.spearman(Ls, hi)})
        d0.append(str(np.round(ll, 3).tolist()))
        d1.append(str(np.round(hi, 3).tolist()))
    return C.claims_from_values(
        CLAIMS,
        meta["seeds"],
        per_seed,
        {
            CLAIMS[0].name: f"mean log10 loss per L={Ls.tolist()}: " + "; ".join(d0),
            CLAIMS[1].name: f"high-k AUC per L={Ls.tolist()}: " + "; ".join(d1),
        },
    )
