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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import _analysis as A
from ._claims import Claim, ClaimSpec, claims_from_values
from ._figures import new_figure, save_figure
from ._io import load_results
from ._protocol import MLPConfig, RunContext, make_run
from ._training import Record, n_records, train_full_batch
from .targets import radial_wave, split_data

NAME = "exp3"
TITLE = "Radial-wave noise on digits/MNIST: validation-loss dip vs noise frequency (Sec. 3.2)"


@dataclass(frozen=True)
class Config(MLPConfig):
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


def _compute(config: Config, ctx: RunContext) -> dict[str, np.ndarray]:
    """One net per noise frequency and seed; the validation loss against clean targets."""
    nk, R = len(config.noise_freqs), len(ctx.seeds)
    n_rec = n_records(config.n_steps, config.record_every)
    val = np.zeros((nk, R, n_rec))
    train = np.zeros((nk, R, config.n_steps))
    for r, seed in enumerate(ctx.seeds):
        xtr, ytr, xva, yva = split_data(config, seed)
        onehot = np.eye(10)[ytr]
        xt = ctx.tensor(xtr)
        xv = ctx.tensor(xva)
        yv = ctx.tensor(np.eye(10)[yva])
        for i, k in enumerate(config.noise_freqs):
            ctx.seed(seed)
            noise = config.beta * radial_wave(xtr, k)
            yt = ctx.tensor(onehot + noise[:, None])
            model = ctx.mlp(xtr.shape[1], config, 10)

            def record(rec: Record, i: int = i, r: int = r, xv: Any = xv, yv: Any = yv) -> None:
                val[i, r, rec.index] = ctx.mse(rec.model, xv, yv)

            train[i, r] = train_full_batch(
                model,
                xt,
                yt,
                lr=config.lr,
                n_steps=config.n_steps,
                record_every=config.record_every,
                on_record=record,
                show_progress=ctx.show_progress,
                desc=f"exp3 k={k:g} seed={seed}",
            )
    return {
        "noise_freqs": np.asarray(config.noise_freqs, dtype=float),
        "steps": np.arange(n_rec) * config.record_every,
        "val_loss": val,
        "train_loss": train,
    }


run = make_run(NAME, _compute, lambda out: plot(out))


def dip(val_loss: np.ndarray) -> np.ndarray:
    """``(final - min) / final`` of validation-loss curves along the last axis."""
    final = val_loss[..., -1]
    return np.asarray((final - val_loss.min(axis=-1)) / final)


def plot(out: str | os.PathLike[str]) -> list[Path]:
    """``fig4.png``: validation loss (clean targets) vs iteration for every noise frequency."""
    a, _ = load_results(out)
    fig, axes = new_figure(1, 2, figsize=(11, 4.2))
    for i, k in enumerate(a["noise_freqs"]):
        axes[0].plot(a["steps"], a["val_loss"][i].mean(0), label=f"k = {k:g}")
        axes[1].semilogy(a["train_loss"][i].mean(0), label=f"k = {k:g}")
    axes[0].set_xlabel("iteration")
    axes[0].set_ylabel("validation MSE (clean targets)")
    axes[1].set_xlabel("iteration")
    axes[1].set_ylabel("training MSE (noisy targets)")
    axes[0].legend()
    return [save_figure(fig, Path(out) / "fig4.png")]


#: arrays with one entry per seed, and the axis that indexes the seed
SEED_AXIS = {"val_loss": 1, "train_loss": 1}

#: the claims and their criteria, fixed before any result was seen
CLAIMS = (
    ClaimSpec(
        "spearman(k, val-loss dip)",
        "Spearman over the noise frequencies k > 0 of the validation-loss dip "
        "(final - min) / final",
        ">=",
        0.5,
    ),
)


def claims(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> list[Claim]:
    """Sec. 3.2, per seed: the validation-loss dip grows with the noise frequency k (k > 0)."""
    ks = arrays["noise_freqs"]
    m = ks > 0
    per_seed, det = [], []
    for r, _seed in enumerate(meta["seeds"]):
        d = dip(arrays["val_loss"][:, r])
        per_seed.append({CLAIMS[0].name: A.spearman(ks[m], d[m])})
        det.append(str(np.round(d, 3).tolist()))
    return claims_from_values(
        CLAIMS,
        meta["seeds"],
        per_seed,
        {CLAIMS[0].name: f"dip per k={ks.tolist()}: " + "; ".join(det)},
    )
