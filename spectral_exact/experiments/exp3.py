r"""Experiment 3: radial-wave label noise on real data (Rahaman et al., 2019, Sec. 3.2, Fig. 4).

The regression target is the one-hot label plus a radial wave of frequency ``k`` and
amplitude ``β``,

.. math::  y(x) = \mathrm{onehot}(c(x)) + \beta \sin(k \|x\|)\,\mathbf 1,

and the validation loss is measured against the *clean* one-hot targets. Because the net
fits the low-frequency (clean) part first and the high-frequency noise later, the
validation loss dips before it rises, and the dip is more pronounced for larger ``k``.

Data: scikit-learn's digits by default, MNIST IDX files with ``data_path``
(:mod:`.data`). The dip is measured as ``(final - min) / final`` of the validation loss.

Scales
------
``paper``: MNIST-sized MLP (width 256, depth 6 — the net of Sec. 3.1), Adam lr 3e-4,
``β = 0.5``, ``k ∈ {0, 1, 2, 4, 8, 16}`` chosen by us to span the paper's range,
20 000 full-batch iterations. ``quick``: digits, width 128, depth 3, 1200 iterations.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import _common as C
from .data import load_dataset

NAME = "exp3"
TITLE = "Radial-wave noise on digits/MNIST: validation-loss dip vs noise frequency (Sec. 3.2)"


@dataclass(frozen=True)
class Config:
    """Parameters of experiment 3 (see the module docstring)."""

    data_path: str | None = None
    n_train: int = 1000
    n_val: int = 500
    noise_freqs: tuple[float, ...] = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0)
    beta: float = 0.5
    width: int = 256
    depth: int = 6
    lr: float = 3e-4
    n_steps: int = 20_000
    record_every: int = 100
    n_seeds: int = 1


CONFIGS = {
    "paper": Config(),
    "quick": Config(width=128, depth=3, lr=1e-3, n_steps=1200, record_every=20),
}


def split_data(config: Any, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Train/validation split of the data set (deterministic in ``seed``)."""
    x, y = load_dataset(config.data_path)
    n = config.n_train + config.n_val
    if n > x.shape[0]:
        raise C.ExperimentError(f"n_train + n_val = {n} exceeds the data set size {x.shape[0]}")
    perm = np.random.default_rng(seed).permutation(x.shape[0])[:n]
    tr, va = perm[: config.n_train], perm[config.n_train :]
    return x[tr], y[tr], x[va], y[va]


def run(
    config: Config,
    *,
    seeds: Sequence[int],
    out: str | os.PathLike[str],
    device: str = "cpu",
    show_progress: bool = True,
    plot_figures: bool = True,
) -> dict[str, np.ndarray]:
    """Train one net per noise frequency and seed; save data and ``fig4.png`` into ``out``."""
    import torch

    dev = C.resolve_device(device)
    C.configure_torch()
    nk, R = len(config.noise_freqs), len(seeds)
    n_rec = config.n_steps // config.record_every + 1
    val = np.zeros((nk, R, n_rec))
    train = np.zeros((nk, R, config.n_steps))
    for r, seed in enumerate(seeds):
        xtr, ytr, xva, yva = split_data(config, int(seed))
        onehot = np.eye(10)[ytr]
        radius = np.linalg.norm(xtr, axis=1)
        xt = torch.as_tensor(xtr, dtype=torch.float32, device=dev)
        xv = torch.as_tensor(xva, dtype=torch.float32, device=dev)
        yv = torch.as_tensor(np.eye(10)[yva], dtype=torch.float32, device=dev)
        for i, k in enumerate(config.noise_freqs):
            C.seed_everything(int(seed))
            noise = config.beta * np.sin(k * radius) if k > 0 else np.zeros_like(radius)
            yt = torch.as_tensor(onehot + noise[:, None], dtype=torch.float32, device=dev)
            model = C.make_mlp(xtr.shape[1], config.width, config.depth, 10, device=dev)
            idx = [0]

            def record(
                step: int,
                m: Any,
                i: int = i,
                r: int = r,
                idx: list[int] = idx,
                xv: Any = xv,
                yv: Any = yv,
            ) -> None:
                with torch.no_grad():
                    val[i, r, idx[0]] = float(((m(xv) - yv) ** 2).mean())
                idx[0] += 1

            train[i, r] = C.train_full_batch(
                model,
                xt,
                yt,
                lr=config.lr,
                n_steps=config.n_steps,
                record_every=config.record_every,
                on_record=record,
                show_progress=show_progress,
                desc=f"exp3 k={k:g} seed={seed}",
            )
    arrays = {
        "noise_freqs": np.asarray(config.noise_freqs, dtype=float),
        "steps": np.arange(n_rec) * config.record_every,
        "val_loss": val,
        "train_loss": train,
    }
    C.save_results(out, arrays, C.base_meta(NAME, config, seeds, device))
    if plot_figures:
        plot(out)
    return arrays


def dip(val_loss: np.ndarray) -> np.ndarray:
    """Return ``(final - min) / final`` of validation-loss curves along the last axis."""
    final = val_loss[..., -1]
    return np.asarray((final - val_loss.min(axis=-1)) / final)


def plot(out: str | os.PathLike[str]) -> list[Path]:
    """``fig4.png``: validation loss (clean targets) vs iteration for every noise frequency."""
    a, _ = C.load_results(out)
    fig, axes = C.new_figure(1, 2, figsize=(11, 4.2))
    for i, k in enumerate(a["noise_freqs"]):
        axes[0].plot(a["steps"], a["val_loss"][i].mean(0), label=f"k = {k:g}")
        axes[1].semilogy(a["train_loss"][i].mean(0), label=f"k = {k:g}")
    axes[0].set_xlabel("iteration")
    axes[0].set_ylabel("validation MSE (clean targets)")
    axes[1].set_xlabel("iteration")
    axes[1].set_ylabel("training MSE (noisy targets)")
    axes[0].legend()
    return [C.save_figure(fig, Path(out) / "fig4.png")]


#: arrays with one entry per seed, and the axis that indexes the seed
SEED_AXIS = {"val_loss": 1, "train_loss": 1}

#: the claims and their criteria, fixed before any result was seen
CLAIMS = (
    C.ClaimSpec(
        "spearman(k, val-loss dip)",
        "Spearman over the noise frequencies k > 0 of the validation-loss dip "
        "(final - min) / final",
        ">=",
        0.5,
    ),
)


def claims(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> list[C.Claim]:
    """Sec. 3.2, per seed: the validation-loss dip grows with the noise frequency k (k > 0)."""
    ks = arrays["noise_freqs"]
    m = ks > 0
    per_seed, det = [], []
    for r, _seed in enumerate(meta["seeds"]):
        d = dip(arrays["val_loss"][:, r])
        per_seed.append({CLAIMS[0].name: C.spearman(ks[m], d[m])})
        det.append(str(np.round(d, 3).tolist()))
    return C.claims_from_values(
        CLAIMS,
        meta["seeds"],
        per_seed,
        {CLAIMS[0].name: f"dip per k={ks.tolist()}: " + "; ".join(det)},
    )
