r"""Experiment 2: robustness of frequency components to parameter perturbations
(Rahaman et al., 2019, Sec. 3.1, Fig. 3).

Train the net of experiment 1 on the equal-amplitude target, then perturb all parameters
isotropically, :math:`\theta = \theta^* + \delta\,u/\|u\|` with :math:`u \sim N(0, I)` over the
*whole* parameter vector, for ``n_directions`` random directions per ``δ``. The reported
quantity is the paper's normalisation: the mean (over directions) of ``|f~_θ(k_i)|`` divided
by ``|f~_{θ*}(k_i)|`` of the unperturbed trained net. We report it for the DFT of the
training samples (as in the paper) and for the exact transform on ``[0, 1]``.

Scales
------
``paper``: the net and training of experiment 1 (width 256, depth 6, lr 3e-4, 60 000
iterations), ``δ ∈ linspace(0, 5, 100)``, 100 directions, 5 trained nets (authors'
notebook). ``quick``: a smaller net trained for fewer steps, 12 values of ``δ``, 100
directions for the DFT and 10 for the exact transform.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import _common as C
from .exp1 import dft_amplitude, exact_amplitude, target

NAME = "exp2"
TITLE = "Robustness of frequency components to parameter perturbations (Sec. 3.1, Fig. 3)"


@dataclass(frozen=True)
class Config:
    """Parameters of experiment 2 (see the module docstring)."""

    n_points: int = 200
    freqs: tuple[int, ...] = (5, 10, 15, 20, 25, 30, 35, 40, 45, 50)
    width: int = 256
    depth: int = 6
    lr: float = 3e-4
    n_steps: int = 60_000
    delta_max: float = 5.0
    n_deltas: int = 100
    n_directions: int = 100
    n_directions_exact: int = 100
    n_seeds: int = 5


CONFIGS = {
    "paper": Config(),
    "quick": Config(width=128, depth=6, lr=1e-3, n_steps=3000, delta_max=1.5, n_deltas=12,
                    n_directions=100, n_directions_exact=10, n_seeds=1),
}


def run(
    config: Config,
    *,
    seeds: Sequence[int],
    out: str | os.PathLike[str],
    device: str = "cpu",
    show_progress: bool = True,
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
        losses = C.train_full_batch(model, x_t, y_t, lr=config.lr, n_steps=config.n_steps,
                                    show_progress=show_progress, desc=f"exp2 train seed={seed}")
        final_loss[r] = losses[-1]
        theta = parameters_to_vector(model.parameters()).detach().clone()
        with torch.no_grad():
            base_dft = dft_amplitude(model(x_t)[:, 0].double().cpu().numpy(), freqs)
        base_exact = exact_amplitude(C.to_relu_network(model), freqs)
        base_amp[r] = base_exact
        gen = torch.Generator(device="cpu").manual_seed(int(seed) + 1)
        for i in C.progress(range(config.n_deltas), enabled=show_progress, desc="exp2 perturb"):
            acc_dft = np.zeros(K)
            acc_exact = np.zeros(K)
            for j in range(config.n_directions):
                u = torch.randn(theta.numel(), generator=gen, dtype=theta.dtype)
                u = (u / torch.linalg.vector_norm(u)).to(dev)
                vector_to_parameters(theta + deltas[i] * u, model.parameters())
                with torch.no_grad():
                    acc_dft += dft_amplitude(model(x_t)[:, 0].double().cpu().numpy(), freqs)
                if j < config.n_directions_exact:
                    acc_exact += exact_amplitude(C.to_relu_network(model), freqs)
            dft_rel[r, i] = acc_dft / config.n_directions / base_dft
            exact_rel[r, i] = acc_exact / max(1, config.n_directions_exact) / base_exact
        vector_to_parameters(theta, model.parameters())
    arrays = {"freqs": freqs, "deltas": deltas, "dft_rel": dft_rel, "exact_rel": exact_rel,
              "final_loss": final_loss, "base_amp": base_amp}
    C.save_results(out, arrays, C.base_meta(NAME, config, seeds, device))
    plot(out)
    return arrays


def plot(out: str | os.PathLike[str]) -> list[Path]:
    """``fig3.png``: normalised spectrum vs perturbation size (DFT and exact)."""
    a, _ = C.load_results(out)
    freqs, deltas = a["freqs"], a["deltas"]
    fig, axes = C.new_figure(1, 2, figsize=(12, 4.5))
    for ax, key, title in ((axes[0], "dft_rel", "DFT"), (axes[1], "exact_rel", "exact")):
        im = ax.imshow(a[key].mean(0), aspect="auto", origin="lower", vmin=0, vmax=1,
                       extent=(freqs[0] - 2.5, freqs[-1] + 2.5, deltas[0], deltas[-1]))
        ax.set_xlabel("frequency k")
        ax.set_ylabel("perturbation size δ")
        ax.set_title(f"mean |f~_θ*+δu(k)| / |f~_θ*(k)| ({title})")
        fig.colorbar(im, ax=ax)
    return [C.save_figure(fig, Path(out) / "fig3.png")]


def robustness_scores(rel: np.ndarray, deltas: np.ndarray) -> np.ndarray:
    """Mean over ``δ > 0`` of ``min(rel, 1)`` per frequency (area under Fig. 3's columns)."""
    m = np.minimum(rel.mean(0), 1.0)
    return np.asarray(m[deltas > 0].mean(axis=0))


def claims(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> list[C.Claim]:
    """Sec. 3.1: lower frequencies are more robust: the robustness score decreases with k
    (Spearman(k, score) <= -0.9), for the DFT and the exact spectrum. Only frequencies the
    trained net has learned (mean ``2|F(2πk)|/A >= 0.5`` before perturbation) count: the
    normalised spectrum of an unlearned frequency is noise over a near-zero amplitude."""
    out = []
    learned = arrays["base_amp"].mean(0) >= 0.5
    ks = arrays["freqs"][learned]
    for key in ("dft_rel", "exact_rel"):
        score = robustness_scores(arrays[key], arrays["deltas"])
        rho = C.spearman(ks, score[learned])
        out.append(C.Claim(f"{key.split('_')[0]}: spearman(k, robustness)",
                           f"learned k: {ks.tolist()}; robustness per k (all): "
                           f"{np.round(score, 3).tolist()}", rho, "<=", -0.9))
    return out
