r"""Experiment 6: binary classification on the flower manifolds.

From Rahaman et al., 2019, Sec. 4, Fig. 9.

Target :math:`\tau_k(z) = \mathbb 1[\sin(2\pi k z + \varphi) > 0]` on
:math:`\gamma_L(z)` (see :mod:`.exp5`), trained with full-batch Adam on the logistic loss for
every ``(k, L)``; the heatmap over ``(k, L)`` shows the accuracy after training (on the
training points, as in the authors' notebook, and on held-out points of the curve
``z_j + 1/(2N)``). Claim: at high ``k`` the accuracy increases with ``L``.

Scales
------
``paper``: ``N = 1000``, width 256, depth 6, lr 3e-4 and 10 000 iterations (our choice, as in
the authors' notebook for Sec. 4); ``k = 50..400`` (Fig. 9) in steps of 50 and ``L = 0..20``
in steps of 2 (steps chosen by us).
``quick``: width 64, depth 4, lr 3e-3, 400 iterations, 5 frequencies and 4 values of ``L``.
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
from ._runtime import progress
from ._training import train_full_batch
from .targets import flower, stripe_labels

NAME = "exp6"
TITLE = "Binary classification on flower manifolds, accuracy over (k, L) (Sec. 4, Fig. 9)"


@dataclass(frozen=True)
class Config(MLPConfig):
    """Parameters of experiment 6 (see the module docstring)."""

    n_points: int = 1000
    freqs: tuple[float, ...] = tuple(range(50, 401, 50))
    Ls: tuple[float, ...] = tuple(range(0, 21, 2))
    width: int = 256
    depth: int = 6
    lr: float = 3e-4
    n_steps: int = 10_000
    n_seeds: int = 1


CONFIGS = {
    "paper": Config(),
    "quick": Config(
        freqs=(10, 40, 70, 100, 130), Ls=(0, 4, 10, 16), width=64, depth=4, lr=3e-3, n_steps=400
    ),
}


def _compute(config: Config, ctx: RunContext) -> dict[str, np.ndarray]:
    """One classifier per ``(seed, k, L)``; train and held-out accuracy."""
    nk, nL, R = len(config.freqs), len(config.Ls), len(ctx.seeds)
    train_acc = np.zeros((R, nk, nL))
    val_acc = np.zeros((R, nk, nL))
    final_loss = np.zeros((R, nk, nL))
    z = np.arange(config.n_points) / config.n_points
    zv = z + 0.5 / config.n_points
    jobs = [(r, i, j) for r in range(R) for i in range(nk) for j in range(nL)]
    for r, i, j in progress(jobs, enabled=ctx.show_progress, desc="exp6 (k, L)"):
        k, L = config.freqs[i], config.Ls[j]
        rng = ctx.seed(ctx.seeds[r])
        phase = rng.uniform(0, 2 * np.pi)
        lab = stripe_labels(z, k, phase)
        lab_v = stripe_labels(zv, k, phase)
        x_t = ctx.tensor(flower(z, L))
        xv_t = ctx.tensor(flower(zv, L))
        y_t = ctx.tensor(lab[:, None])
        model = ctx.mlp(2, config)
        losses = train_full_batch(
            model, x_t, y_t, lr=config.lr, n_steps=config.n_steps, loss="bce", show_progress=False
        )
        p = ctx.predict(model, x_t)[:, 0] > 0
        pv = ctx.predict(model, xv_t)[:, 0] > 0
        train_acc[r, i, j] = np.mean(p == (lab > 0.5))
        val_acc[r, i, j] = np.mean(pv == (lab_v > 0.5))
        final_loss[r, i, j] = losses[-1]
    return {
        "freqs": np.asarray(config.freqs, dtype=float),
        "Ls": np.asarray(config.Ls, dtype=float),
        "train_acc": train_acc,
        "val_acc": val_acc,
        "final_loss": final_loss,
    }


run = make_run(NAME, _compute, lambda out: plot(out))


def plot(out: str | os.PathLike[str]) -> list[Path]:
    """``fig9.png``: accuracy heatmaps over ``(k, L)`` (train and held-out)."""
    a, _ = load_results(out)
    fig, axes = new_figure(1, 2, figsize=(11, 4.5))
    for ax, key in zip(axes, ("train_acc", "val_acc")):
        im = ax.imshow(
            a[key].mean(0).T, origin="lower", aspect="auto", vmin=0.5, vmax=1, cmap="magma"
        )
        ax.set_xticks(range(len(a["freqs"])), [f"{v:g}" for v in a["freqs"]])
        ax.set_yticks(range(len(a["Ls"])), [f"{v:g}" for v in a["Ls"]])
        ax.set_xlabel("k")
        ax.set_ylabel("L")
        ax.set_title(key.replace("_", " "))
        fig.colorbar(im, ax=ax)
    return [save_figure(fig, Path(out) / "fig9.png")]


#: arrays with one entry per seed, and the axis that indexes the seed
SEED_AXIS = {"train_acc": 0, "val_acc": 0, "final_loss": 0}
#: the config field whose values are independent runs (one Dask task each), and the axis of
#: every array that indexes it
GRID = ("freqs", {"freqs": 0, "train_acc": 1, "val_acc": 1, "final_loss": 1})

#: the claims and their criteria, fixed before any result was seen
CLAIMS = tuple(
    ClaimSpec(
        f"{key}: spearman(L, acc at high k)",
        f"Spearman over L of the {key.split('_')[0]} accuracy averaged over the upper "
        "half of the frequencies k",
        ">=",
        0.5,
    )
    for key in ("train_acc", "val_acc")
)


def claims(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> list[Claim]:
    """Measure the claims of Sec. 4 per seed.

    At the highest frequencies (upper half of k) the accuracy increases with L, on training and
    held-out points.
    """
    nk = len(arrays["freqs"])
    per_seed = []
    details: dict[str, list[str]] = {}
    for r, _seed in enumerate(meta["seeds"]):
        m = {}
        for spec, key in zip(CLAIMS, ("train_acc", "val_acc")):
            hi = arrays[key][r][nk // 2 :].mean(axis=0)
            m[spec.name] = A.spearman(arrays["Ls"], hi)
            details.setdefault(spec.name, []).append(str(np.round(hi, 3).tolist()))
        per_seed.append(m)
    return claims_from_values(
        CLAIMS,
        meta["seeds"],
        per_seed,
        {
            k: f"acc per L={arrays['Ls'].tolist()} (k >= {arrays['freqs'][nk // 2]:g}): "
            + "; ".join(v)
            for k, v in details.items()
        },
    )
