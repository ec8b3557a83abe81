r"""Experiment 7: fitting a δ-peak (Rahaman et al., 2019, App. A.5, Fig. 15-17).

The target is zero at ``n_points`` uniformly spaced points on ``[0, 1)`` except at the middle
point where it is 1: a discrete δ-peak, whose spectrum is flat. A ReLU net must create a
narrow spike, i.e. large high-frequency content, which its Lipschitz constant and number of
regions limit (Theorem 1). Ablations over depth, width and weight clipping (every weight
entry clamped to ``[-c, c]`` after each step, which caps the Lipschitz constant).

Recorded per run: the fitted peak height ``f(x_peak)``, the training loss, and the exact
spectrum ``|F(2πξ)|`` of the final net on ``[0, 1]`` (compare with ``1/N``, the flat spectrum
of the discrete peak seen by the DFT).

Scales
------
``paper`` (App. A.5): depth ``3..6`` at width 16, width ``16..128`` at depth 3, weight clips
``{0.1, 0.15, 0.2, 2}`` at width 64 and depth 6, 60 000 iterations; Adam lr 3e-4 (our choice,
as in App. A.1). ``quick``: depth ``2..6`` at width 64, width ``8..128`` at depth 4, clips
``{0.02, 0.05, 0.1, none}`` at 64x4, lr 1e-3, 800 iterations.
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
from ._protocol import BaseConfig, Grid, RunContext, make_run, override
from ._runtime import ExperimentError, progress
from ._spectra import exact_fourier, to_relu_network
from ._training import make_mlp, train_full_batch
from .targets import delta_peak

NAME = "exp7"
TITLE = "Fitting a δ-peak: ablations over depth, width and weight clip (App. A.5)"


@dataclass(frozen=True)
class Config(BaseConfig):
    """Parameters of experiment 7 (see the module docstring). ``clip = 0`` means no clip."""

    n_points: int = 200
    depths: tuple[int, ...] = (3, 4, 5, 6)
    depth_width: int = 16
    widths: tuple[int, ...] = (16, 32, 64, 128)
    width_depth: int = 3
    clips: tuple[float, ...] = (0.1, 0.15, 0.2, 2.0)
    clip_width: int = 64
    clip_depth: int = 6
    lr: float = 3e-4
    n_steps: int = 60_000
    n_xi: int = 201
    n_seeds: int = 1
    #: indices into :func:`runs_of` to run (empty: all); one Dask task per run (:data:`GRID`)
    only: tuple[int, ...] = ()


CONFIGS = {
    "paper": Config(),
    "quick": Config(
        depths=(2, 3, 4, 6),
        depth_width=64,
        widths=(8, 32, 128),
        width_depth=4,
        clips=(0.02, 0.05, 0.1, 0.0),
        clip_width=64,
        clip_depth=4,
        lr=1e-3,
        n_steps=800,
        n_xi=101,
    ),
}


def all_runs(config: Config) -> list[tuple[str, float, int, int, float]]:
    """``(ablation, value, depth, width, clip)`` for every run of the three ablations."""
    out = [("depth", float(d), d, config.depth_width, 0.0) for d in config.depths]
    out += [("width", float(w), config.width_depth, w, 0.0) for w in config.widths]
    out += [("clip", float(c), config.clip_depth, config.clip_width, c) for c in config.clips]
    return out


def _selected(config: Config) -> list[int]:
    n = len(all_runs(config))
    if any(not 0 <= i < n for i in config.only):
        raise ExperimentError(f"config field only must index the {n} runs, got {config.only}")
    return list(config.only) if config.only else list(range(n))


def runs_of(config: Config) -> list[tuple[str, float, int, int, float]]:
    """Return ``(ablation, value, depth, width, clip)`` for every run this config runs.

    These are all runs, or those indexed by ``config.only``.
    """
    runs = all_runs(config)
    return [runs[i] for i in _selected(config)]


def _compute(config: Config, ctx: RunContext) -> dict[str, np.ndarray]:
    """Train every ablation run for every seed; peak height and exact spectrum."""
    runs = runs_of(config)
    R = len(ctx.seeds)
    z, y, ipk = delta_peak(config.n_points)
    xi = np.linspace(0.0, config.n_points / 2, config.n_xi)
    peak = np.zeros((R, len(runs)))
    loss = np.zeros((R, len(runs), config.n_steps))
    spec = np.zeros((R, len(runs), config.n_xi))
    lip = np.zeros((R, len(runs)))
    x_t = ctx.tensor(z[:, None])
    y_t = ctx.tensor(y[:, None])
    for r, seed in enumerate(ctx.seeds):
        for j, (_, _, depth, width, clip) in enumerate(
            progress(runs, enabled=ctx.show_progress, desc=f"exp7 seed={seed}")
        ):
            ctx.seed(seed)
            model = make_mlp(1, width, depth, device=ctx.torch_device)
            loss[r, j] = train_full_batch(
                model,
                x_t,
                y_t,
                lr=config.lr,
                n_steps=config.n_steps,
                show_progress=False,
                weight_clip=clip if clip > 0 else None,
            )
            net = to_relu_network(model)
            peak[r, j] = float(net(np.array([[z[ipk]]]))[0])
            spec[r, j] = np.abs(
                exact_fourier(net, 2 * np.pi * xi[:, None], [0.0], [1.0], device=ctx.exact_device)
            )
            lip[r, j] = net.lipschitz_bound()
    return {
        "ablation": np.array([a for a, *_ in runs]),
        "value": np.array([v for _, v, *_ in runs]),
        "peak": peak,
        "loss": loss,
        "xi": xi,
        "spectrum": spec,
        "lipschitz": lip,
        "n_points": np.array(config.n_points),
    }


run = make_run(NAME, _compute, lambda out: plot(out))


#: figure of each ablation (App. A.5: Fig. 15 depth, 16 width, 17 weight clip)
FIGURES = {"depth": "fig15.png", "width": "fig16.png", "clip": "fig17.png"}


def _label(kind: str, v: float) -> str:
    return "no clip" if kind == "clip" and v == 0 else f"{kind} = {v:g}"


def plot(out: str | os.PathLike[str]) -> list[Path]:
    """Draw the figures of App. A.5 from the saved data.

    ``fig15.png`` (depth), ``fig16.png`` (width), ``fig17.png`` (weight clip): the exact
    spectrum ``|F(2πξ)|`` of the fitted nets against ``ξ`` (with the δ-peak's flat level
    ``1/N``) and the training loss against the iteration; ``fig18.png``: the fitted peak height
    and the Lipschitz bound against the ablated value, all three ablations.
    """
    a, _ = load_results(out)
    abl = a["ablation"]
    outp = Path(out)
    paths = []
    for kind, name in FIGURES.items():
        sel = np.flatnonzero(abl == kind)
        if sel.size == 0:
            continue
        fig, axes = new_figure(1, 2, figsize=(12, 4.2))
        for j in sel:
            lab = _label(kind, float(a["value"][j]))
            axes[0].semilogy(a["xi"], a["spectrum"][:, j].mean(0) + 1e-12, label=lab, lw=0.8)
            lg = np.log10(a["loss"][:, j])
            axes[1].plot(10 ** lg.mean(0), label=lab, lw=0.8)
        axes[0].axhline(1.0 / float(a["n_points"]), color="k", ls="--", lw=0.6, label="1/N")
        axes[0].set_xlabel("frequency ξ [cycles on [0,1]]")
        axes[0].set_ylabel("|F(2πξ)| of the fitted net (exact)")
        axes[0].legend(fontsize=7)
        axes[1].set_yscale("log")
        axes[1].set_xlabel("training iteration")
        axes[1].set_ylabel("training loss (MSE)")
        paths.append(save_figure(fig, outp / name))
    fig, axes = new_figure(2, 3, figsize=(15, 7.5), squeeze=False)
    for c, kind in enumerate(FIGURES):
        sel = np.flatnonzero(abl == kind)
        if sel.size == 0:
            continue
        vals = a["value"][sel]
        shown = np.where((kind == "clip") & (vals == 0), vals.max() * 2 if vals.max() else 1, vals)
        for row, key, ylab in (
            (0, "peak", "fitted peak height f(x_peak)"),
            (1, "lipschitz", "Lipschitz bound Π‖W_l‖"),
        ):
            ax = axes[row, c]
            ax.errorbar(
                shown, a[key][:, sel].mean(0), yerr=a[key][:, sel].std(0), marker="o", capsize=3
            )
            ax.set_xscale("log")
            ax.set_xlabel(kind + (" (rightmost: none)" if kind == "clip" else ""))
            ax.set_ylabel(ylab)
        axes[1, c].set_yscale("log")
    paths.append(save_figure(fig, outp / "fig18.png"))
    return paths


#: arrays with one entry per seed, and the axis that indexes the seed
SEED_AXIS = {"peak": 0, "loss": 0, "spectrum": 0, "lipschitz": 0}

#: every ablation run is an independent run: one Dask task per (seed, run)
GRID = Grid(
    axes={"ablation": 0, "value": 0, "peak": 1, "loss": 1, "spectrum": 1, "lipschitz": 1},
    size=lambda config: len(_selected(config)),
    select=lambda config, i: override(config, only=(_selected(config)[i],)),
)

#: the claims and their criteria, fixed before any result was seen
CLAIMS = tuple(
    ClaimSpec(
        f"spearman({kind}, peak height)",
        f"Spearman over the {kind} values of the fitted peak height f(x_peak)"
        + (" (no clip counts as the loosest)" if kind == "clip" else ""),
        ">=",
        0.5,
    )
    for kind in ("depth", "width", "clip")
)


def claims(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> list[Claim]:
    """Measure the claims of App. A.5 per seed.

    The peak is fitted better by deeper and by wider nets, and worse under a tighter weight
    clip.
    """
    per_seed = []
    details: dict[str, list[str]] = {}
    for r, _seed in enumerate(meta["seeds"]):
        m = {}
        for spec, kind in zip(CLAIMS, ("depth", "width", "clip")):
            sel = np.flatnonzero(arrays["ablation"] == kind)
            vals = arrays["value"][sel].astype(float)
            if kind == "clip":
                vals = np.where(vals == 0, np.inf, vals)
            pk = arrays["peak"][r, sel]
            m[spec.name] = A.spearman(vals, pk)
            details.setdefault(spec.name, []).append(str(np.round(pk, 3).tolist()))
        per_seed.append(m)
    return claims_from_values(
        CLAIMS,
        meta["seeds"],
        per_seed,
        {k: "peak per value: " + "; ".join(v) for k, v in details.items()},
    )
