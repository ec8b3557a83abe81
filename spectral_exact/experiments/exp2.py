r"""Experiment 2: robustness of frequency components to parameter perturbations.

From Rahaman et al., 2019, Sec. 3.1, Fig. 3.

Train the net of experiment 1 on the equal-amplitude target, then perturb all parameters
isotropically, :math:`\theta = \theta^* + \delta\,u/\|u\|` with :math:`u \sim N(0, I)` over the
*whole* parameter vector, for ``n_directions`` random directions per ``δ``. The reported
quantity is the paper's ``|f~_{E θ}(k_i)|`` normalised by ``|f~_{θ*}(k_i)|`` of the unperturbed
trained net. The expectation over directions has two readings, and we report both:

* ``E|f~|`` (``*_rel``): the mean over directions of the amplitude ``|f~_θ(k_i)|``;
* ``|E f~|`` (``*_rel_mean``): the amplitude of the mean over directions of the complex
  coefficient ``f~_θ(k_i)``. Random phase shifts cancel in the mean, so it decays with ``δ``
  even where the amplitude alone does not.

Each for the DFT of the training samples (as in the paper) and for the exact transform on
``[0, 1]``.

Scales
------
``paper``: the net and training of experiment 1 (width 256, depth 6, lr 3e-4, 80 000
iterations, App. A.1), ``k = 10, 15, ..., 50`` (Fig. 3), ``δ ∈ linspace(0, 5, 100)``, 100
directions, 5 trained nets (authors' notebook). ``quick``: a smaller net trained for fewer
steps, ``k = 5, ..., 50``, 12 values of ``δ``, 100 directions for the DFT and 10 for the exact
transform.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import _common as C
from .exp1 import target

NAME = "exp2"
TITLE = "Robustness of frequency components to parameter perturbations (Sec. 3.1, Fig. 3)"


@dataclass(frozen=True)
class Config:
    """Parameters of experiment 2 (see the module docstring)."""

    n_points: int = 200
    freqs: tuple[int, ...] = (10, 15, 20, 25, 30, 35, 40, 45, 50)
    width: int = 256
    depth: int = 6
    lr: float = 3e-4
    n_steps: int = 80_000
    delta_max: float = 5.0
    n_deltas: int = 100
    n_directions: int = 100
    n_directions_exact: int = 100
    n_seeds: int = 5


CONFIGS = {
    "paper": Config(),
    "quick": Config(
        freqs=(5, 10, 15, 20, 25, 30, 35, 40, 45, 50),
        width=128,
        depth=6,
        lr=1e-3,
        n_steps=3000,
        delta_max=1.5,
        n_deltas=12,
        n_directions=100,
        n_directions_exact=10,
        n_seeds=1,
    ),
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
    """Train, perturb, save ``results.npz``/``meta.json`` and ``fig3.png`` into ``out``."""
    import torch
    from torch.nn.utils import parameters_to_vector, vector_to_parameters

    dev = C.resolve_device(device)
    C.configure_torch()
    freqs = np.asarray(config.freqs)
    K, R = len(freqs), len(seeds)
    deltas = np.linspace(0.0, config.delta_max, config.n_deltas)
    dft_rel = np.zeros((R, config.n_deltas, K))
    exact_rel = np.zeros((R, config.n_deltas, K))
    dft_rel_mean = np.zeros((R, config.n_deltas, K))
    exact_rel_mean = np.zeros((R, config.n_deltas, K))
    final_loss = np.zeros(R)
    base_amp = np.zeros((R, K))
    z = np.arange(config.n_points) / config.n_points
    for r, seed in enumerate(seeds):
        rng = C.seed_everything(int(seed))
        phases = rng.uniform(0, 2 * np.pi, K)
        y = target(z, freqs, np.ones(K), phases)
        x_t = torch.as_tensor(z[:, None], dtype=torch.float32, device=dev)
        y_t = torch.as_tensor(y[:, None], dtype=torch.float32, device=dev)
        model = C.make_mlp(1, config.width, config.depth, device=dev)
        losses = C.train_full_batch(
            model,
            x_t,
            y_t,
            lr=config.lr,
            n_steps=config.n_steps,
            show_progress=show_progress,
            desc=f"exp2 train seed={seed}",
        )
        final_loss[r] = losses[-1]
        theta = parameters_to_vector(model.parameters()).detach().clone()
        with torch.no_grad():
            base_dft = np.abs(dft_coefficients(model(x_t)[:, 0].double().cpu().numpy(), freqs))
        base_exact = np.abs(exact_coefficients(C.to_relu_network(model), freqs))
        base_amp[r] = base_exact
        gen = torch.Generator(device="cpu").manual_seed(int(seed) + 1)
        for i in C.progress(range(config.n_deltas), enabled=show_progress, desc="exp2 perturb"):
            acc_dft = np.zeros(K)
            acc_exact = np.zeros(K)
            sum_dft = np.zeros(K, dtype=complex)
            sum_exact = np.zeros(K, dtype=complex)
            n_exact = max(1, config.n_directions_exact)
            for j in range(config.n_directions):
                u = torch.randn(theta.numel(), generator=gen, dtype=theta.dtype)
                u = (u / torch.linalg.vector_norm(u)).to(dev)
                vector_to_parameters(theta + deltas[i] * u, model.parameters())
                with torch.no_grad():
                    c = dft_coefficients(model(x_t)[:, 0].double().cpu().numpy(), freqs)
                acc_dft += np.abs(c)
                sum_dft += c
                if j < config.n_directions_exact:
                    ce = exact_coefficients(C.to_relu_network(model), freqs)
                    acc_exact += np.abs(ce)
                    sum_exact += ce
            dft_rel[r, i] = acc_dft / config.n_directions / base_dft
            exact_rel[r, i] = acc_exact / n_exact / base_exact
            dft_rel_mean[r, i] = np.abs(sum_dft) / config.n_directions / base_dft
            exact_rel_mean[r, i] = np.abs(sum_exact) / n_exact / base_exact
        vector_to_parameters(theta, model.parameters())
    arrays = {
        "freqs": freqs,
        "deltas": deltas,
        "dft_rel": dft_rel,
        "exact_rel": exact_rel,
        "dft_rel_mean": dft_rel_mean,
        "exact_rel_mean": exact_rel_mean,
        "final_loss": final_loss,
        "base_amp": base_amp,
    }
    C.save_results(out, arrays, C.base_meta(NAME, config, seeds, device))
    if plot_figures:
        plot(out)
    return arrays


def plot(out: str | os.PathLike[str]) -> list[Path]:
    """``fig3.png``: normalised spectrum vs perturbation size (DFT and exact)."""
    a, _ = C.load_results(out)
    freqs, deltas = a["freqs"], a["deltas"]
    fig, axes = C.new_figure(2, 2, figsize=(12, 9))
    for row, (suffix, reading) in enumerate((("", "E|f~_θ(k)|"), ("_mean", "|E f~_θ(k)|"))):
        for col, (src, title) in enumerate((("dft", "DFT"), ("exact", "exact"))):
            ax = axes[row, col]
            im = ax.imshow(
                a[f"{src}_rel{suffix}"].mean(0),
                aspect="auto",
                origin="lower",
                vmin=0,
                vmax=1,
                extent=(freqs[0] - 2.5, freqs[-1] + 2.5, deltas[0], deltas[-1]),
            )
            ax.set_xlabel("frequency k")
            ax.set_ylabel("perturbation size δ")
            ax.set_title(f"{reading} / |f~_θ*(k)| ({title})")
            fig.colorbar(im, ax=ax)
    return [C.save_figure(fig, Path(out) / "fig3.png")]


def robustness_scores(rel: np.ndarray, deltas: np.ndarray) -> np.ndarray:
    """Mean over ``δ > 0`` of ``min(rel, 1)`` per frequency (area under a column of Fig. 3).

    ``rel`` has shape ``(n_deltas, K)`` (one seed).
    """
    return np.asarray(np.minimum(rel, 1.0)[np.asarray(deltas) > 0].mean(axis=0))


#: arrays with one entry per seed, and the axis that indexes the seed
SEED_AXIS = {
    "dft_rel": 0,
    "exact_rel": 0,
    "dft_rel_mean": 0,
    "exact_rel_mean": 0,
    "final_loss": 0,
    "base_amp": 0,
}

#: fewest learned frequencies on which a rank correlation is computed
MIN_LEARNED = 3
#: a frequency counts as learned when the trained net's 2|F(2πk)|/A reaches this
LEARNED_LEVEL = 0.5
_READINGS = (("", "E|f|"), ("_mean", "|Ef|"))

#: the claims and their criteria, fixed before any result was seen
CLAIMS = tuple(
    C.ClaimSpec(
        f"{src} {reading}: spearman(k, robustness)",
        f"Spearman over the learned k (trained 2|F(2πk)|/A >= {LEARNED_LEVEL}) of the "
        f"mean over δ > 0 of min({reading} / |f~_θ*|, 1); nan if fewer than "
        f"{MIN_LEARNED} are learned",
        "<=",
        -0.5,
    )
    for src in ("dft", "exact")
    for _, reading in _READINGS
)


def dft_coefficients(samples: np.ndarray, freqs: Any) -> np.ndarray:
    """``2 DFT(samples)[k] / N`` (complex) at integer frequencies ``k``."""
    n = samples.shape[-1]
    return 2 * np.fft.rfft(samples, axis=-1)[..., np.asarray(freqs, dtype=int)] / n


def exact_coefficients(net: Any, freqs: Any) -> np.ndarray:
    """``2 F(2πk)`` (complex) of ``net`` on ``[0, 1]`` (exact)."""
    k = 2 * np.pi * np.asarray(freqs, dtype=np.float64)[:, None]
    return 2 * C.exact_fourier(net, k, [0.0], [1.0])


def claims(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> list[C.Claim]:
    """Sec. 3.1, per seed: lower frequencies are more robust to parameter perturbations.

    The robustness score decreases with k, for the DFT and the exact spectrum and both readings
    of the expectation. Only frequencies the trained net has learned count: the normalised
    spectrum of an unlearned frequency is noise over a near-zero amplitude.
    """
    per_seed = []
    details: dict[str, list[str]] = {}
    for r, _seed in enumerate(meta["seeds"]):
        learned = arrays["base_amp"][r] >= LEARNED_LEVEL
        ks = arrays["freqs"][learned]
        m = {}
        for src in ("dft", "exact"):
            for suffix, reading in _READINGS:
                name = f"{src} {reading}: spearman(k, robustness)"
                rel = arrays[f"{src}_rel{suffix}"][r]
                score = robustness_scores(rel, arrays["deltas"])
                m[name] = (
                    C.spearman(ks, score[learned]) if learned.sum() >= MIN_LEARNED else float("nan")
                )
                details.setdefault(name, []).append(
                    f"learned {ks.tolist()} score {np.round(score[learned], 2).tolist()}"
                )
        per_seed.append(m)
    return C.claims_from_values(
        CLAIMS, meta["seeds"], per_seed, {k: "; ".join(v) for k, v in details.items()}
    )
