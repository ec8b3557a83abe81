r"""The frequency principle: per-frequency relative error and initialisation scale.

After Xu et al., "Frequency Principle: Fourier Analysis Sheds Light on Deep Neural Networks", 2019.

Part 1. A 1-D net is trained on :math:`T(x) = \sin x + \sin 3x + \sin 5x` sampled on
``[-π, π]``. At the target's peak frequencies ``ω ∈ {1, 3, 5}`` (rad per unit) we track

.. math::  \Delta_F(\omega) = |F[f](\omega) - F[T](\omega)| / |F[T](\omega)|,

with ``F[f]`` the *exact* transform of the net on ``[-π, π]``
(:func:`spectral_exact.network_fourier`) and ``F[T]`` by Gauss-Legendre quadrature (``T``
is smooth). Xu et al. normalise by the target's transform; we do the same (the issue's
``|F[f]|`` denominator would be undefined at initialisation where ``F[f] ≈ 0``). Claim: the
low frequencies converge first.

Part 2. The same architecture trained from initialisations scaled by ``s`` on a sparse
sample of ``T``: the fraction of spectral energy of the trained net above ``ω_c`` and the
test error on a dense grid. Claim: both grow with ``s`` (large initialisations give rough,
high-frequency interpolants that generalise worse).

Xu et al.'s settings. Xu et al. train tanh nets whose weights and biases are drawn from
Gaussians ``N(0, σ²)`` of several scales, with Adam at lr ``1e-5 .. 2e-5``. Config fields:
``activation`` (``"relu"`` or ``"tanh"``), ``init`` (``"torch"``: torch's default init times
``s``; ``"gaussian"``: every parameter ``~ N(0, s²)``, ``s`` from ``init_scales``). A tanh net
is not piecewise linear, so the library's exact transform does not apply: its transform on
``[-π, π]`` is computed by Gauss-Legendre quadrature of the net (:data:`QUADRATURE_NODES`
nodes; the net is analytic and ``ω <= ω_max = 40``), the same route as ``F[T]``. ReLU nets
keep the exact transform.

Scales
------
``paper``: Xu et al.'s setting: tanh, width 200, depth 4, Gaussian initialisation with
``σ ∈ {0.1, 0.5, 1, 2}`` (the 1-D experiments of Xu et al. use this range; the values are
our choice; part 1 starts from ``σ = 0.1``), Adam lr ``2e-5``, 61 training points, 100 000
iterations in each part (our choice: with lr ``2e-5`` far fewer do not converge).
``quick``: ReLU, width 64, depth 4, Adam lr ``1e-3``, 1500 iterations, initialisation
scales 1, 2, 4, 8 (x torch's default), the exact transform. Measured at quick scale: the
trend of Xu et al. shows clearly only between 4 and 8 (HF fraction 0.019 -> 0.56, test MSE
0.03 -> 8.4); below the default (s = 0.5) the net underfits in 1500 steps and the trend
reverses, and 1 vs 2 is flat (0.012 vs 0.008), so the rank correlation is 0.8.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _analysis as A
from ._claims import Claim, ClaimSpec, claims_from_values
from ._figures import new_figure, save_figure
from ._io import load_results
from ._protocol import MLPConfig, RunContext, make_run
from ._spectra import exact_fourier, to_relu_network
from ._training import Record, n_records, train_full_batch
from .targets import xu_target

NAME = "fprinciple"
TITLE = "F-Principle: per-frequency relative error and initialisation scale (Xu et al.)"
DOMAIN = (-np.pi, np.pi)

#: Xu et al.'s target (also :func:`.targets.xu_target`)
target_fn = xu_target


@dataclass(frozen=True)
class Config(MLPConfig):
    """Parameters of the F-Principle experiment (see the module docstring)."""

    peaks: tuple[float, ...] = (1.0, 3.0, 5.0)
    n_points: int = 61
    width: int = 200
    depth: int = 4
    lr: float = 3e-4
    n_steps: int = 20_000
    record_every: int = 100
    init_scales: tuple[float, ...] = (0.5, 1.0, 2.0, 3.0)
    n_points_sparse: int = 20
    n_steps_init: int = 20_000
    omega_cut: float = 8.0
    omega_max: float = 40.0
    n_seeds: int = 1
    #: ``"relu"`` (exact transform) or ``"tanh"`` (Xu et al.; transform by quadrature)
    activation: str = "relu"
    #: ``"torch"`` (torch's init times s) or ``"gaussian"`` (every parameter ~ N(0, s²))
    init: str = "torch"
    #: the initialisation scale of part 1 (multiplier, or σ with the Gaussian init)
    part1_scale: float = 1.0


CONFIGS = {
    "paper": Config(
        activation="tanh",
        init="gaussian",
        init_scales=(0.1, 0.5, 1.0, 2.0),
        part1_scale=0.1,
        lr=2e-5,
        n_steps=100_000,
        n_steps_init=100_000,
        record_every=500,
    ),
    "quick": Config(
        width=64,
        depth=4,
        lr=1e-3,
        n_steps=1500,
        record_every=25,
        n_steps_init=1500,
        init_scales=(1.0, 2.0, 4.0, 8.0),
    ),
}


def target_fourier(omega: np.ndarray, peaks: ArrayLike, n_nodes: int = 2000) -> np.ndarray:
    """``∫_{-π}^{π} T(x) e^{-iωx} dx`` by Gauss-Legendre quadrature (``T`` is entire)."""
    t, w = np.polynomial.legendre.leggauss(n_nodes)
    lo, hi = DOMAIN
    x = 0.5 * (hi - lo) * t + 0.5 * (hi + lo)
    vals = xu_target(x, peaks) * w * 0.5 * (hi - lo)
    return np.asarray(np.exp(-1j * np.outer(np.asarray(omega, dtype=float), x)) @ vals)


def net_fourier(net: Any, omega: np.ndarray, *, device: str | None = None) -> np.ndarray:
    """Exact ``∫_{-π}^{π} f(x) e^{-iωx} dx`` (``device`` as in :func:`._spectra.exact_fourier`)."""
    w = np.asarray(omega, dtype=float)[:, None]
    return exact_fourier(net, w, [DOMAIN[0]], [DOMAIN[1]], device=device)


#: Gauss-Legendre nodes of the transform of a (smooth) tanh net on [-π, π]
QUADRATURE_NODES = 2000


def quadrature_fourier(f: Any, omega: np.ndarray, n_nodes: int = QUADRATURE_NODES) -> np.ndarray:
    """Compute ``∫_{-π}^{π} f(x) e^{-iωx} dx`` by Gauss-Legendre quadrature.

    ``f`` maps an array of shape ``(n,)`` to values of shape ``(n,)``.
    """
    t, w = np.polynomial.legendre.leggauss(n_nodes)
    lo, hi = DOMAIN
    x = 0.5 * (hi - lo) * t + 0.5 * (hi + lo)
    vals = np.asarray(f(x), dtype=np.float64) * w * 0.5 * (hi - lo)
    return np.asarray(np.exp(-1j * np.outer(np.asarray(omega, dtype=float), x)) @ vals)


def model_fourier(model: Any, omega: np.ndarray, config: Config, ctx: RunContext) -> np.ndarray:
    """Compute the transform of a trained model on ``[-π, π]``.

    It is exact for ReLU nets, a quadrature of the float32 model for tanh nets.
    """
    if config.activation == "relu":
        return net_fourier(to_relu_network(model), omega, device=ctx.exact_device)
    return quadrature_fourier(lambda x: ctx.predict(model, ctx.tensor(x[:, None]))[:, 0], omega)


def _init(config: Config, scale: float) -> dict[str, Any]:
    """``make_mlp`` keywords of the config's initialisation at ``scale``."""
    return {"init": config.init, "init_scale": scale}


def _compute(config: Config, ctx: RunContext) -> dict[str, np.ndarray]:
    """Part 1 (ΔF during training) and part 2 (initialisation scales) for every seed."""
    R, P, S = len(ctx.seeds), len(config.peaks), len(config.init_scales)
    n_rec = n_records(config.n_steps, config.record_every)
    delta_f = np.zeros((R, n_rec, P))
    omegas = np.linspace(0.0, config.omega_max, 161)
    ft_peaks = target_fourier(np.asarray(config.peaks), config.peaks)
    hf_frac = np.zeros((R, S))
    test_mse = np.zeros((R, S))
    final_spec = np.zeros((R, S, omegas.size))
    x = np.linspace(*DOMAIN, config.n_points)
    xs = np.linspace(*DOMAIN, config.n_points_sparse)
    xd = np.linspace(*DOMAIN, 2001)
    for r, seed in enumerate(ctx.seeds):
        ctx.seed(seed)
        x_t = ctx.tensor(x[:, None])
        y_t = ctx.tensor(xu_target(x, config.peaks)[:, None])
        model = ctx.mlp(
            1, config, activation=config.activation, **_init(config, config.part1_scale)
        )

        def record(rec: Record, r: int = r) -> None:
            ff = model_fourier(rec.model, np.asarray(config.peaks), config, ctx)
            delta_f[r, rec.index] = np.abs(ff - ft_peaks) / np.abs(ft_peaks)

        ctx.train(
            model,
            x_t,
            y_t,
            config,
            record,
            desc=f"fprinciple seed={seed}",
        )
        xs_t = ctx.tensor(xs[:, None])
        ys_t = ctx.tensor(xu_target(xs, config.peaks)[:, None])
        for i, s in enumerate(config.init_scales):
            ctx.seed(seed)
            m = ctx.mlp(1, config, activation=config.activation, **_init(config, s))
            train_full_batch(
                m,
                xs_t,
                ys_t,
                lr=config.lr,
                n_steps=config.n_steps_init,
                show_progress=ctx.show_progress,
                desc=f"fprinciple init={s:g}",
            )
            spec = np.abs(model_fourier(m, omegas, config, ctx))
            final_spec[r, i] = spec
            e = spec**2
            hf_frac[r, i] = e[omegas > config.omega_cut].sum() / e.sum()
            if config.activation == "relu":
                pred = to_relu_network(m)(xd[:, None])
            else:
                pred = ctx.predict(m, ctx.tensor(xd[:, None]))[:, 0]
            test_mse[r, i] = float(np.mean((pred - xu_target(xd, config.peaks)) ** 2))
    return {
        "peaks": np.asarray(config.peaks),
        "steps": np.arange(n_rec) * config.record_every,
        "delta_f": delta_f,
        "init_scales": np.asarray(config.init_scales),
        "hf_fraction": hf_frac,
        "test_mse": test_mse,
        "omegas": omegas,
        "final_spectrum": final_spec,
        "target_spectrum": np.abs(target_fourier(omegas, config.peaks)),
    }


run = make_run(NAME, _compute, lambda out: plot(out))


def plot(out: str | os.PathLike[str]) -> list[Path]:
    """Draw the figures from the saved data.

    ``delta_f.png`` (ΔF(ω) vs iteration) and ``init_scale.png`` (spectra, HF fraction and test
    error vs initialisation scale).
    """
    a, _ = load_results(out)
    fig, ax = new_figure(figsize=(6.5, 4.2))
    for p, w in enumerate(a["peaks"]):
        ax.semilogy(a["steps"], a["delta_f"][:, :, p].mean(0), label=f"ω = {w:g}")
    ax.set_xlabel("iteration")
    ax.set_ylabel("Δ_F(ω)")
    ax.legend()
    paths = [save_figure(fig, Path(out) / "delta_f.png")]
    fig, axes = new_figure(1, 3, figsize=(15, 4.2))
    axes[0].semilogy(a["omegas"], a["target_spectrum"] + 1e-12, "k--", label="target")
    for i, s in enumerate(a["init_scales"]):
        axes[0].semilogy(
            a["omegas"], a["final_spectrum"][:, i].mean(0) + 1e-12, label=f"init × {s:g}", lw=0.8
        )
    axes[0].set_xlabel("ω")
    axes[0].legend(fontsize=7)
    axes[1].plot(a["init_scales"], a["hf_fraction"].mean(0), "o-")
    axes[1].set_xlabel("init scale")
    axes[1].set_ylabel("energy fraction above ω_c")
    axes[2].plot(a["init_scales"], a["test_mse"].mean(0), "o-")
    axes[2].set_xlabel("init scale")
    axes[2].set_ylabel("test MSE")
    paths.append(save_figure(fig, Path(out) / "init_scale.png"))
    return paths


#: arrays with one entry per seed, and the axis that indexes the seed
SEED_AXIS = {"delta_f": 0, "hf_fraction": 0, "test_mse": 0, "final_spectrum": 0}

#: the claims and their criteria, fixed before any result was seen
CLAIMS = (
    ClaimSpec(
        "spearman(ω, mean log10 ΔF)",
        "Spearman over the peak frequencies ω of log10 ΔF(ω) averaged over the "
        "recorded steps (area under the log relative-error curve)",
        ">=",
        0.5,
    ),
    ClaimSpec(
        "spearman(init scale, HF fraction)",
        "Spearman over the initialisation scales of the trained net's spectral energy "
        "fraction above ω_c (exact transform)",
        ">=",
        0.5,
    ),
    ClaimSpec(
        "spearman(init scale, test MSE)",
        "Spearman over the initialisation scales of the test MSE on a dense grid",
        ">=",
        0.5,
    ),
)


def claims(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> list[Claim]:
    """Measure the F-Principle claims per seed.

    ΔF(ω) stays larger for longer at higher ω; the high-frequency energy fraction and the test
    error increase with the initialisation scale.
    """
    s = arrays["init_scales"]
    per_seed = []
    d = ([], [], [])  # type: tuple[list[str], list[str], list[str]]
    for r, _seed in enumerate(meta["seeds"]):
        area = np.log10(arrays["delta_f"][r]).mean(axis=0)
        hf, te = arrays["hf_fraction"][r], arrays["test_mse"][r]
        per_seed.append(
            {
                CLAIMS[0].name: A.spearman(arrays["peaks"], area),
                CLAIMS[1].name: A.spearman(s, hf),
                CLAIMS[2].name: A.spearman(s, te),
            }
        )
        for lst, v in zip(d, (area, hf, te)):
            lst.append(str(np.round(v, 4).tolist()))
    return claims_from_values(
        CLAIMS,
        meta["seeds"],
        per_seed,
        {
            CLAIMS[0].name: f"mean log10 ΔF per ω={arrays['peaks'].tolist()}: " + "; ".join(d[0]),
            CLAIMS[1].name: f"HF fraction per scale={s.tolist()}: " + "; ".join(d[1]),
            CLAIMS[2].name: "test MSE per scale: " + "; ".join(d[2]),
        },
    )
