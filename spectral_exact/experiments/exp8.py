r"""Experiment 8: fitting white-noise labels on a learned manifold vs a flat one.

This is App. A.6 of Rahaman et al., 2019.

A denoising autoencoder (DAE) is trained on images (scikit-learn's digits by default, MNIST
from IDX files with ``data_path``). Its decoder :math:`D:\mathbb R^m \to \mathbb R^n` maps a
box of latent codes ``z`` onto an ``m``-dimensional curved manifold of image space. The *flat*
manifold with the same parametrisation is the affine map :math:`A z + b` closest to ``D`` in
least squares over the sampled codes. Between the two we interpolate,

.. math::  x_\alpha(z) = (1 - \alpha)\,(A z + b) + \alpha\, D(z), \qquad \alpha\in[0, 1],

so :math:`\alpha = 0` is the flat manifold and :math:`\alpha = 1` the DAE manifold (the
paper compares these two; the intermediate values are ours and turn the comparison into a
trend). Every manifold carries the *same* sampled codes and the *same* white-noise labels
:math:`y_j \sim \mathcal N(0, 1)`, i.i.d. and so of flat spectrum. A ReLU MLP is fitted to
:math:`(x_\alpha(z_j), y_j)` by full-batch Adam from the same initialisation for every
:math:`\alpha`.

White noise has all frequencies along the manifold. Section 4 of the paper: the more the
manifold folds in input space, the easier high frequencies along it are to express; so the
net's robustness to (i.e. its slowness in fitting) label noise is highest on the flat
manifold. Claim: the training loss falls faster as :math:`\alpha` grows.

Scales
------
``paper``: digits (or MNIST with ``data_path``), DAE 784/64-256-256-2 (latent dimension 2,
Gaussian corruption σ = 0.3, 5000 Adam steps, our choices), 1000 codes, regression net
6 x 256 (the paper's net), Adam lr 3e-4, 10,000 steps, 10 runs (App. A.6: "10 runs").
``quick``: digits, DAE 64-64-2, 800 steps, 400 codes, net 4 x 64, lr 1e-3, 600 steps.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._analysis import spearman
from ._claims import Claim, ClaimSpec, claims_from_values
from ._figures import new_figure, save_figure
from ._io import load_results
from ._protocol import MLPConfig, RunContext, make_run
from ._runtime import ExperimentError, flushed_denormals, seed_everything
from ._training import Record, make_mlp, n_records, train_full_batch
from .data import load_dataset

NAME = "exp8"
TITLE = "White-noise labels on a DAE-learned manifold vs a flat manifold (App. A.6)"


@dataclass(frozen=True)
class Config(MLPConfig):
    """Parameters of experiment 8 (see the module docstring)."""

    data_path: str | None = None
    n_ae_train: int = 1797
    latent_dim: int = 2
    ae_width: int = 256
    ae_depth: int = 3
    ae_noise: float = 0.3
    ae_lr: float = 1e-3
    ae_steps: int = 5000
    n_points: int = 1000
    alphas: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
    width: int = 256
    depth: int = 6
    lr: float = 3e-4
    n_steps: int = 10_000
    record_every: int = 100
    n_seeds: int = 10


CONFIGS = {
    "paper": Config(),
    "quick": Config(
        ae_width=64,
        ae_depth=2,
        ae_steps=800,
        n_points=400,
        width=64,
        depth=4,
        lr=1e-3,
        n_steps=600,
        record_every=20,
        n_seeds=1,
    ),
}


def make_autoencoder(n_in: int, config: Config, device: Any = None) -> tuple[Any, Any]:
    """Build the encoder ``n_in -> ... -> latent_dim`` and decoder ``latent_dim -> ... -> n_in``.

    Both are ReLU MLPs of ``ae_depth`` Linear layers and width ``ae_width``; the decoder is
    piecewise linear, so the DAE manifold is a piecewise-linear ``latent_dim``-dimensional
    surface.
    """
    enc = make_mlp(n_in, config.ae_width, config.ae_depth, config.latent_dim, device=device)
    dec = make_mlp(config.latent_dim, config.ae_width, config.ae_depth, n_in, device=device)
    return enc, dec


def train_dae(x: np.ndarray, config: Config, device: Any, seed: int) -> tuple[Any, Any, float]:
    r"""Train a denoising autoencoder on the rows of ``x``.

    Minimise :math:`\|D(E(x + \sigma\epsilon)) - x\|^2` (full-batch Adam, a fresh
    :math:`\epsilon\sim\mathcal N(0, I)` each step). Returns ``(encoder, decoder, final loss)``.
    """
    import torch

    seed_everything(seed)
    xt = torch.as_tensor(x, dtype=torch.float32, device=device)
    enc, dec = make_autoencoder(x.shape[1], config, device)
    opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=config.ae_lr)
    gen = torch.Generator(device=device).manual_seed(seed)
    loss = torch.zeros(())
    with flushed_denormals():
        for _ in range(config.ae_steps):
            opt.zero_grad()
            noisy = xt + config.ae_noise * torch.randn(xt.shape, generator=gen, device=device)
            loss = ((dec(enc(noisy)) - xt) ** 2).mean()
            loss.backward()
            opt.step()
    return enc, dec, float(loss.detach())


def manifold_points(dec: Any, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Return the points of the flat and the DAE manifold at the codes ``z``: ``(flat, curved)``.

    The DAE manifold's points are :math:`D(z_j)`, the flat manifold's :math:`A z_j + b`
    (least squares of the decoder outputs on ``[z, 1]``), each of shape ``(n, n_in)``:
    ``(flat, curved)``.
    """
    import torch

    with torch.no_grad():
        p = next(dec.parameters())
        curved = dec(torch.as_tensor(z, dtype=p.dtype, device=p.device)).double().cpu().numpy()
    Z1 = np.hstack([z, np.ones((z.shape[0], 1))])
    coef, *_ = np.linalg.lstsq(Z1, curved, rcond=None)
    return Z1 @ coef, curved


def interpolate(flat: np.ndarray, curved: np.ndarray, alphas: Sequence[float]) -> np.ndarray:
    r"""Interpolate between the flat and the curved manifold for every ``alpha`` in ``alphas``.

    Returns :math:`x_\alpha = (1-\alpha)\,\mathrm{flat} + \alpha\,\mathrm{curved}` of shape
    ``(len(alphas), n, n_in)``.
    """
    return np.stack([(1.0 - a) * flat + a * curved for a in alphas])


def sample_codes(latent: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` codes uniform in the box spanned by the 1st..99th percentiles of the data's codes."""
    lo = np.percentile(latent, 1, axis=0)
    hi = np.percentile(latent, 99, axis=0)
    return lo + (hi - lo) * rng.uniform(size=(n, latent.shape[1]))


def _compute(config: Config, ctx: RunContext) -> dict[str, np.ndarray]:
    """Train the DAE and one regression net per ``alpha`` and seed."""
    import torch

    dev = ctx.torch_device
    seeds, show_progress = ctx.seeds, ctx.show_progress
    if not 0.0 <= min(config.alphas) <= max(config.alphas) <= 1.0:
        raise ExperimentError(f"alphas must lie in [0, 1], got {config.alphas}")
    nA, R = len(config.alphas), len(seeds)
    n_rec = n_records(config.n_steps, config.record_every)
    loss = np.zeros((nA, R, config.n_steps))
    rec_loss = np.zeros((nA, R, n_rec))
    ae_loss = np.zeros(R)
    flat_dev = np.zeros(R)
    x_all, _ = load_dataset(config.data_path)
    n_show = min(12, config.n_points)
    samples = np.zeros((R, 2, n_show, x_all.shape[1]))
    for r, seed in enumerate(seeds):
        rng = np.random.default_rng(int(seed))
        idx = rng.permutation(x_all.shape[0])[: config.n_ae_train]
        x = x_all[idx]
        enc, dec, ae_loss[r] = train_dae(x, config, dev, int(seed))
        with torch.no_grad():
            latent = enc(torch.as_tensor(x, dtype=torch.float32, device=dev)).double().cpu().numpy()
        z = sample_codes(latent, config.n_points, rng)
        flat, curved = manifold_points(dec, z)
        pts = interpolate(flat, curved, config.alphas)
        # distance of the DAE manifold from its flat fit, relative to its own spread
        flat_dev[r] = float(np.linalg.norm(curved - flat) / np.linalg.norm(curved - curved.mean(0)))
        y = rng.standard_normal(config.n_points)
        samples[r] = pts[[0, -1], :n_show]
        y_t = torch.as_tensor(y[:, None], dtype=torch.float32, device=dev)
        for a in range(nA):
            seed_everything(int(seed))
            model = make_mlp(pts.shape[2], config.width, config.depth, device=dev)
            x_t = torch.as_tensor(pts[a], dtype=torch.float32, device=dev)

            def record(rec: Record, a: int = a, r: int = r, x_t: Any = x_t, y_t: Any = y_t) -> None:
                rec_loss[a, r, rec.index] = ctx.mse(rec.model, x_t, y_t)

            loss[a, r] = train_full_batch(
                model,
                x_t,
                y_t,
                lr=config.lr,
                n_steps=config.n_steps,
                record_every=config.record_every,
                on_record=record,
                show_progress=show_progress,
                desc=f"exp8 alpha={config.alphas[a]:g} seed={seed}",
            )
    arrays = {
        "alphas": np.asarray(config.alphas, dtype=float),
        "steps": np.arange(n_rec) * config.record_every,
        "loss": loss,
        "rec_loss": rec_loss,
        "ae_loss": ae_loss,
        "flat_deviation": flat_dev,
        "samples": samples,
        "image_side": np.asarray(int(round(np.sqrt(x_all.shape[1])))),
    }
    return arrays


run = make_run(NAME, _compute, lambda out: plot(out))


def plot(out: str | os.PathLike[str]) -> list[Path]:
    """Draw the figures of App. A.6 from the saved data.

    ``fig_a6_loss.png``: training loss on white-noise labels per manifold (every run thin, the
    mean thick); ``fig_a6_manifold.png``: images on the flat and the DAE manifold at the same
    codes (first seed).
    """
    a, _ = load_results(out)
    outp = Path(out)
    alphas = a["alphas"]
    fig, ax = new_figure(1, 1, figsize=(6.5, 4.2))
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    for i, al in enumerate(alphas):
        col = cmap(float(i) / max(1, len(alphas) - 1))
        for run_loss in a["loss"][i]:
            ax.semilogy(run_loss, color=col, lw=0.4, alpha=0.4)
        ax.semilogy(a["loss"][i].mean(0), color=col, lw=1.8, label=f"\u03b1 = {al:g}")
    ax.set_xlabel("iteration")
    ax.set_ylabel("training MSE on white-noise labels")
    ax.set_title("\u03b1 = 0: flat manifold, \u03b1 = 1: DAE manifold")
    ax.legend()
    paths = [save_figure(fig, outp / "fig_a6_loss.png")]

    s = a["samples"][0]
    side = int(a["image_side"])
    n = s.shape[1]
    fig, axes = new_figure(2, n, figsize=(1.1 * n, 2.6), squeeze=False)
    for row, idx in enumerate((0, len(alphas) - 1)):
        for j in range(n):
            axes[row, j].imshow(s[row, j].reshape(side, side), cmap="gray_r")
            axes[row, j].set_axis_off()
        axes[row, 0].set_title(f"\u03b1 = {alphas[idx]:g}", fontsize=8, loc="left")
    paths.append(save_figure(fig, outp / "fig_a6_manifold.png"))
    return paths


#: arrays with one entry per seed, and the axis that indexes the seed
SEED_AXIS = {"loss": 1, "rec_loss": 1, "ae_loss": 0, "flat_deviation": 0, "samples": 0}

#: the claims and their criteria, fixed before any result was seen
CLAIMS = (
    ClaimSpec(
        "spearman(alpha, mean log10 loss)",
        "Spearman over the interpolation \u03b1 (0 = flat, 1 = DAE manifold) of the training "
        "loss's mean log10 over all steps (area under the log-loss curve on white-noise labels)",
        "<=",
        -0.5,
    ),
)


def claims(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> list[Claim]:
    """App. A.6, per seed: white noise is fitted faster the more the manifold is curved."""
    alphas = arrays["alphas"]
    per_seed, det = [], []
    for r, _seed in enumerate(meta["seeds"]):
        ll = np.log10(arrays["loss"][:, r]).mean(axis=-1)
        per_seed.append({CLAIMS[0].name: spearman(alphas, ll)})
        det.append(str(np.round(ll, 3).tolist()))
    return claims_from_values(
        CLAIMS,
        meta["seeds"],
        per_seed,
        {CLAIMS[0].name: f"mean log10 loss per \u03b1={alphas.tolist()}: " + "; ".join(det)},
    )
