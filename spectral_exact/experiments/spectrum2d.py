r"""Beyond the paper.

The exact 2-D spectrum of a net during training, next to Theorem 1's numerator ``N_f · L_f``.

A ReLU net :math:`f:\mathbb R^2 \to \mathbb R` is trained on a grid of
``[0, 1]^2`` to regress :math:`T(x) = \sum_j A_j \sin(2\pi \xi_j\cdot x)` with wave vectors of
increasing norm. At ``n_checkpoints`` moments we compute the exact transform
:math:`|F(2\pi\xi)|` of the net on ``[0, 1]^2`` on a grid of ``ξ``
(:func:`spectral_exact.network_fourier`), the number of linear regions ``N_f`` in the box
(:func:`spectral_exact.linear_regions`) and the Lipschitz bound ``L_f`` (product of spectral
norms). Theorem 1 of Rahaman et al. (2019) bounds the spectrum's decay by
:math:`N_f L_f / \|k\|^{d+1}`, so high-frequency content requires ``N_f L_f`` to grow.

The normalised amplitude at a target wave vector is ``2|F(2πξ_j)|/A_j`` (``= 1`` for a
perfect fit, as in experiment 1).

Scales
------
``paper``: width 64, depth 4, 64x64 training grid, 5000 iterations, 12 checkpoints,
ξ-grid ``[-8, 8]^2`` step 0.25 (no such experiment in the paper; sizes are ours).
``quick``: width 16, depth 3, 24x24 grid, 1200 iterations, 6 checkpoints, ξ step 0.5 on
``[-6, 6]^2``.
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
from ._spectra import count_regions, exact_fourier, to_relu_network
from ._training import Record, train_full_batch
from .targets import plane_waves

NAME = "spectrum2d"
TITLE = "Exact 2-D spectrum during training with Theorem 1's N_f·L_f (beyond the paper)"

#: the 2-D target (also :func:`.targets.plane_waves`)
target_fn = plane_waves


@dataclass(frozen=True)
class Config(MLPConfig):
    """Parameters of the 2-D spectrum experiment (see the module docstring)."""

    waves: tuple[tuple[float, float], ...] = ((1.0, 0.0), (2.0, 2.0), (0.0, 4.0))
    amps: tuple[float, ...] = (1.0, 1.0, 1.0)
    n_grid: int = 64
    width: int = 64
    depth: int = 4
    lr: float = 1e-3
    n_steps: int = 5000
    n_checkpoints: int = 12
    xi_max: float = 8.0
    xi_step: float = 0.25
    n_seeds: int = 1


CONFIGS = {
    "paper": Config(),
    "quick": Config(
        n_grid=24,
        width=32,
        depth=3,
        lr=3e-3,
        n_steps=6000,
        n_checkpoints=24,
        xi_max=6.0,
        xi_step=0.5,
    ),
}


def _compute(config: Config, ctx: RunContext) -> dict[str, np.ndarray]:
    """Train one net per seed; exact spectra, N_f and L_f at the checkpoints."""
    R, J = len(ctx.seeds), len(config.waves)
    xi1 = np.arange(-config.xi_max, config.xi_max + 1e-9, config.xi_step)
    XI = np.stack(np.meshgrid(xi1, xi1, indexing="xy"), axis=-1)
    ckpt = np.unique(np.linspace(0, config.n_steps, config.n_checkpoints).round().astype(int))
    nC = ckpt.size
    spec = np.zeros((R, nC, xi1.size, xi1.size))
    amp = np.zeros((R, nC, J))
    n_regions = np.zeros((R, nC), dtype=np.int64)
    lip = np.zeros((R, nC))
    loss = np.zeros((R, config.n_steps))
    g = (np.arange(config.n_grid) + 0.5) / config.n_grid
    X = np.stack(np.meshgrid(g, g, indexing="xy"), axis=-1).reshape(-1, 2)
    waves = np.asarray(config.waves, dtype=float)
    x_t = ctx.tensor(X)
    y_t = ctx.tensor(plane_waves(X, config.waves, config.amps)[:, None])
    for r, seed in enumerate(ctx.seeds):
        ctx.seed(seed)
        model = ctx.mlp(2, config)

        def snapshot(rec: Record, r: int = r) -> None:
            net = to_relu_network(rec.model)
            c = rec.index
            spec[r, c] = np.abs(
                exact_fourier(net, 2 * np.pi * XI, [0, 0], [1, 1], device=ctx.exact_device)
            )
            amp[r, c] = 2 * np.abs(
                exact_fourier(net, 2 * np.pi * waves, [0, 0], [1, 1], device=ctx.exact_device)
            )
            amp[r, c] /= np.asarray(config.amps)
            n_regions[r, c] = count_regions(net, [0, 0], [1, 1])
            lip[r, c] = net.lipschitz_bound()

        loss[r] = train_full_batch(
            model,
            x_t,
            y_t,
            lr=config.lr,
            n_steps=config.n_steps,
            record_steps=ckpt.tolist(),
            on_record=snapshot,
            show_progress=ctx.show_progress,
            desc=f"spectrum2d seed={seed}",
        )
    return {
        "xi": xi1,
        "checkpoints": ckpt,
        "spectrum": spec,
        "wave_amp": amp,
        "waves": waves,
        "n_regions": n_regions,
        "lipschitz": lip,
        "loss": loss,
        "target_spectrum": _target_spectrum(XI, config),
    }


run = make_run(NAME, _compute, lambda out: plot(out))


def _target_spectrum(XI: np.ndarray, config: Config) -> np.ndarray:
    """``|F[T](2πξ)|`` on the unit square, closed form (sine = two complex exponentials)."""

    def box_ft(k: np.ndarray) -> np.ndarray:  # ∫_[0,1]^2 e^{-i k·x} dx
        out = np.ones(k.shape[:-1], dtype=complex)
        for c in range(2):
            kc = k[..., c]
            safe = np.where(kc == 0, 1.0, kc)
            out *= np.where(kc == 0, 1.0, (1 - np.exp(-1j * safe)) / (1j * safe))
        return out

    k = 2 * np.pi * XI
    tot = np.zeros(XI.shape[:-1], dtype=complex)
    for w, a in zip(config.waves, config.amps):
        kw = 2 * np.pi * np.asarray(w)
        tot += a * (box_ft(k - kw) - box_ft(k + kw)) / 2j
    return np.abs(tot)


def plot(out: str | os.PathLike[str]) -> list[Path]:
    """Draw the figures from the saved data.

    ``spectrum_ckpt_<step>.png`` per checkpoint, ``spectrum_strip.png`` (all checkpoints and
    the target in a row) and ``theorem1.png`` (N_f, L_f, N_f·L_f and amplitudes vs step).
    """
    a, _ = load_results(out)
    outp = Path(out)
    xi, ck = a["xi"], a["checkpoints"]
    ext = (xi[0], xi[-1], xi[0], xi[-1])
    vmax = float(np.log10(max(a["spectrum"].max(), a["target_spectrum"].max()) + 1e-12))
    vmin = vmax - 4
    paths = []
    for c, step in enumerate(ck):
        fig, ax = new_figure(figsize=(5, 4.3))
        im = ax.imshow(
            np.log10(a["spectrum"][0, c] + 1e-12), origin="lower", extent=ext, vmin=vmin, vmax=vmax
        )
        ax.set_title(f"log10 |F(2πξ)|, step {step}")
        ax.set_xlabel("ξ1")
        ax.set_ylabel("ξ2")
        fig.colorbar(im, ax=ax)
        paths.append(save_figure(fig, outp / f"spectrum_ckpt_{int(step):06d}.png"))
    n = len(ck) + 1
    fig, axes = new_figure(1, n, figsize=(2.6 * n, 2.8))
    for c in range(n):
        img = a["spectrum"][0, c] if c < len(ck) else a["target_spectrum"]
        axes[c].imshow(np.log10(img + 1e-12), origin="lower", extent=ext, vmin=vmin, vmax=vmax)
        axes[c].set_title(f"step {ck[c]}" if c < len(ck) else "target", fontsize=9)
        axes[c].set_xticks([])
        axes[c].set_yticks([])
    paths.append(save_figure(fig, outp / "spectrum_strip.png"))
    fig, axes = new_figure(1, 2, figsize=(11, 4))
    axes[0].semilogy(ck, a["n_regions"].mean(0), "o-", label="N_f (regions in [0,1]²)")
    axes[0].semilogy(ck, a["lipschitz"].mean(0), "s-", label="L_f (Π‖W_l‖)")
    axes[0].semilogy(ck, (a["n_regions"] * a["lipschitz"]).mean(0), "^-", label="N_f·L_f")
    axes[0].set_xlabel("iteration")
    axes[0].legend()
    for j, w in enumerate(a["waves"]):
        axes[1].plot(ck, a["wave_amp"][:, :, j].mean(0), "o-", label=f"ξ = {tuple(w)}")
    axes[1].axhline(0.5, color="k", lw=0.5)
    axes[1].set_xlabel("iteration")
    axes[1].set_ylabel("2|F(2πξ_j)|/A_j (exact)")
    axes[1].legend()
    paths.append(save_figure(fig, outp / "theorem1.png"))
    return paths


#: arrays with one entry per seed, and the axis that indexes the seed
SEED_AXIS = {"spectrum": 0, "wave_amp": 0, "n_regions": 0, "lipschitz": 0, "loss": 0}

#: the claims and their criteria, fixed before any result was seen
CLAIMS = (
    ClaimSpec(
        "spearman(‖ξ‖, AUC)",
        "Spearman over the target waves' ‖ξ_j‖ of the area under min(2|F(2πξ_j)|/A_j, "
        "1) over the checkpoints (exact transform)",
        "<=",
        -0.5,
    ),
    ClaimSpec(
        "spearman(N_f·L_f, highest-‖ξ‖ amplitude)",
        "Spearman over the checkpoints between Theorem 1's numerator N_f·L_f and the "
        "amplitude 2|F(2πξ)|/A of the highest-‖ξ‖ target wave: the net's capacity for "
        "high frequencies grows with the high frequency it has learned",
        ">=",
        0.5,
    ),
)


def claims(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> list[Claim]:
    """Measure the claims per seed.

    Target waves of larger ‖ξ‖ are learned later (smaller area under their amplitude curve),
    and N_f·L_f rises with the amplitude of the highest wave learned.
    """
    norms = np.linalg.norm(arrays["waves"], axis=1)
    top = int(np.argmax(norms))
    per_seed, d0, d1 = [], [], []
    for r, _seed in enumerate(meta["seeds"]):
        amp = arrays["wave_amp"][r]
        auc = learning_auc(amp, axis=0)
        nl = arrays["n_regions"][r] * arrays["lipschitz"][r]
        per_seed.append(
            {CLAIMS[0].name: A.spearman(norms, auc), CLAIMS[1].name: A.spearman(nl, amp[:, top])}
        )
        d0.append(str(np.round(auc, 3).tolist()))
        d1.append(f"N_f {arrays['n_regions'][r].tolist()}")
    return claims_from_values(
        CLAIMS,
        meta["seeds"],
        per_seed,
        {
            CLAIMS[0].name: f"AUC per ‖ξ‖={np.round(norms, 2).tolist()}: " + "; ".join(d0),
            CLAIMS[1].name: "; ".join(d1),
        },
    )
