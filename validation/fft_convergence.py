r"""FFT (trapezoidal) reference against the exact transform: second-order convergence.

For a random 2-D network ``ReLUNetwork.random((2, 16, 16, 1), seed=0)`` on ``[-1, 1]^2`` and a
1-D network ``ReLUNetwork.random((1, 16, 16, 1), seed=0)`` on ``[-1, 1]``, the trapezoidal sum
:math:`T_n(k)` of :func:`spectral_exact.fft.fft_fourier` (evaluated at fixed frequencies with
:func:`spectral_exact.fft.fft_fourier_at`) is compared with the exact closed form
``spectral_exact.network_fourier(net, k, domain=Box(lo, hi))`` at a fixed set of frequencies
with :math:`|k| \le 20`, for a sequence of grid sizes ``n``. The error should fall as
:math:`h^2`; the fitted order must lie in ``ORDER_BAND``. The exact engine is itself checked
against the independent 40-digit reference :mod:`spectral_exact.testing` at a few frequencies.

Run::

    .venv/bin/python validation/fft_convergence.py            # writes the markdown report
    .venv/bin/python validation/fft_convergence.py --quick    # fewer grid sizes

Writes ``validation/results/fft_convergence.md``; exits with status 1 if a check fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import spectral_exact as se
from spectral_exact.fft import fft_fourier, fft_fourier_at
from spectral_exact.testing import mp_network_fourier_box

#: Band the fitted order of the trapezoidal rule must lie in (theory: 2 for piecewise-linear f).
ORDER_BAND = (1.8, 2.2)
#: Largest allowed relative difference between the engine and the 40-digit reference.
ENGINE_VS_MP_RTOL = 1e-11
#: FFT-grid route at the finest n: error relative to max |F| over the grid frequencies with all
#: |k_a| <= K_MAX must be <= GRID_ROUTE_C * h^2 (second order with a loose constant: the
#: trapezoid error of f e^{-ik.x} is about h^2 |d^2/dx^2 (f e^{-ik.x})| / 12 per unit volume).
GRID_ROUTE_C = 10.0
K_MAX = 20.0
K_2D = np.array(
    [[0.0, 0.0], [1.0, 0.0], [0.0, 2.5], [3.0, -4.0], [-7.5, 5.0], [12.0, 9.0], [0.0, 20.0],
     [14.0, -14.0]]
)  # fmt: skip
K_1D = np.array([[0.0], [1.0], [2.5], [-5.0], [10.0], [-20.0]])
N_2D = [32, 64, 128, 256, 512, 1024]
N_1D = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]
N_MP_CHECK = 3  # frequencies at which the engine is checked against the mp reference
RESULTS = Path(__file__).resolve().parent / "results" / "fft_convergence.md"


def exact_transform() -> tuple[Callable[..., np.ndarray], str]:
    """The exact engine ``network_fourier(net, k, domain=Box)``; the mp reference if absent."""
    engine = getattr(se, "network_fourier", None)
    if engine is None:
        try:
            from spectral_exact.fourier import network_fourier as engine
        except ImportError:
            engine = None
    if engine is not None:
        return (lambda net, lo, hi, k: engine(net, k, domain=se.Box(lo, hi))), "engine"
    return (lambda net, lo, hi, k: mp_network_fourier_box(net, lo, hi, k)), "mp reference"


def fitted_order(ns: np.ndarray, errors: np.ndarray, length: float) -> float:
    h = length / (ns - 1)
    return float(np.polyfit(np.log(h), np.log(errors), 1)[0])


def study(name: str, net: se.ReLUNetwork, lo: np.ndarray, hi: np.ndarray, ks: np.ndarray,
          ns: list[int], exact: Callable[..., np.ndarray]) -> tuple[list[str], bool]:  # fmt: skip
    lines = [f"### {name}: `{net!r}` on box lo={lo.tolist()}, hi={hi.tolist()}", ""]
    t0 = time.perf_counter()
    f_exact = np.asarray(exact(net, lo, hi, ks))
    t_exact = time.perf_counter() - t0
    t0 = time.perf_counter()
    f_mp = mp_network_fourier_box(net, lo, hi, ks[:N_MP_CHECK])
    t_mp = time.perf_counter() - t0
    mp_rel = np.abs(f_exact[:N_MP_CHECK] - f_mp) / np.abs(f_mp)
    mp_ok = bool(np.all(mp_rel <= ENGINE_VS_MP_RTOL))
    lines += [
        f"Exact values at {len(ks)} frequencies in {t_exact:.2f} s; 40-digit mp reference at "
        f"{N_MP_CHECK} of them in {t_mp:.2f} s.",
        "",
        "| k | exact F(k) | rel. diff. exact vs mp |",
        "|---|---|---|",
    ]
    for i, k in enumerate(ks[:N_MP_CHECK]):
        lines.append(f"| {k.tolist()} | {f_exact[i]:.12e} | {mp_rel[i]:.1e} |")
    lines += ["", "| n | h | max_k abs. error | max_k error / max abs F | local order |",
              "|---|---|---|---|---|"]  # fmt: skip
    scale = float(np.abs(f_exact).max())
    errors = []
    length = float(np.max(hi - lo))
    for i, n in enumerate(ns):
        err = float(np.max(np.abs(fft_fourier_at(net, (lo, hi), n, ks) - f_exact)))
        errors.append(err)
        local = (
            np.log(errors[i - 1] / err) / np.log((n - 1) / (ns[i - 1] - 1)) if i else float("nan")
        )
        lines.append(
            f"| {n} | {length / (n - 1):.3e} | {err:.3e} | {err / scale:.3e} | "
            f"{'' if i == 0 else f'{local:.2f}'} |"
        )
    order = fitted_order(np.array(ns), np.array(errors), length)
    order_ok = ORDER_BAND[0] <= order <= ORDER_BAND[1]
    # the FFT grid route at the finest n, on its own grid frequencies with |k| <= K_MAX
    n_grid = ns[-1]
    kg, vg = fft_fourier(net, (lo, hi), n=n_grid)
    sel = np.all(np.abs(kg) <= K_MAX, axis=-1)
    grid_exact = np.asarray(exact(net, lo, hi, kg[sel]))
    grid_err = float(np.max(np.abs(vg[sel] - grid_exact)) / np.abs(grid_exact).max())
    grid_tol = GRID_ROUTE_C * (length / (n_grid - 1)) ** 2
    grid_ok = grid_err <= grid_tol
    verdict = {True: "PASS", False: "FAIL"}
    lines += [
        "",
        "| check | value | criterion | result |",
        "|---|---|---|---|",
        f"| fitted order (least squares over n) | {order:.3f} | in [{ORDER_BAND[0]}, "
        f"{ORDER_BAND[1]}] | {verdict[order_ok]} |",
        f"| exact vs mp reference, max rel. diff. | {mp_rel.max():.1e} | <= "
        f"{ENGINE_VS_MP_RTOL:g} | {verdict[mp_ok]} |",
        f"| FFT grid route n={n_grid}, {int(sel.sum())} grid k with all abs(k_a) <= {K_MAX:g}, "
        f"max error / max abs F | {grid_err:.1e} | <= {GRID_ROUTE_C:g} h^2 = {grid_tol:.1e} | "
        f"{verdict[grid_ok]} |",
        "",
    ]
    return lines, order_ok and mp_ok and grid_ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer grid sizes (smoke run)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="markdown report path")
    args = parser.parse_args(argv)
    exact, source = exact_transform()
    n2 = N_2D[:4] if args.quick else N_2D
    n1 = N_1D[:6] if args.quick else N_1D
    lines = [
        "# FFT reference vs exact transform: convergence",
        "",
        "Generated by `validation/fft_convergence.py`. Convention "
        "F(k) = int_box f(x) exp(-i k.x) dx. The trapezoidal sum T_n(k) (grid x_j = lo + j h, "
        "h = (hi - lo)/(n - 1), end weights h/2) is compared with the exact transform "
        f"(source: **{source}**) at fixed k with |k| <= {K_MAX:g}.",
        "",
    ]
    ok = True
    lo2, hi2 = np.array([-1.0, -1.0]), np.array([1.0, 1.0])
    net2 = se.ReLUNetwork.random((2, 16, 16, 1), seed=0)
    part, good = study("2-D", net2, lo2, hi2, K_2D, n2, exact)
    lines += part
    ok &= good
    lo1, hi1 = np.array([-1.0]), np.array([1.0])
    net1 = se.ReLUNetwork.random((1, 16, 16, 1), seed=0)
    part, good = study("1-D", net1, lo1, hi1, K_1D, n1, exact)
    lines += part
    ok &= good
    lines.append(f"**Overall: {'PASS' if ok else 'FAIL'}**")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
