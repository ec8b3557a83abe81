r"""``spectral-exact slice``: a real CNN analysed exactly on slices through its data.

Trains (or loads) a small CNN on scikit-learn's 8x8 digits, or on MNIST from local IDX files,
compiles it exactly with :func:`spectral_exact.from_torch`, and on the plane through three test
images (:func:`spectral_exact.slice_through`; the images sit at ``(0,0)``, ``(1,0)``,
``(0,1)``) computes

* the exact linear regions of one logit,
* the decision boundary between two classes (zero set of the logit difference, compiled with
  ``output = e_a - e_b``): its segments, exactly,
* the exact 2-D spectrum :math:`F(k) = \int_{box} f(t) e^{-ik\cdot t} dt` of the logit on
  the FFT grid, next to the FFT of samples (:func:`spectral_exact.fft_fourier`),
* the number of activation regions and of true linear pieces
  (:func:`spectral_exact.linear_pieces`) along the segment between two images.

The model (:class:`DigitsCNN`): conv, batchnorm, leaky relu, maxpool, a residual block, dropout.
Torch is imported lazily.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["register", "make_digits_cnn", "train_cnn", "analyse_plane", "SliceAnalysis"]

DEFAULT_CHANNELS = 3
DEFAULT_EPOCHS = 15
DEFAULT_SEED = 0
#: added to |F| before log10 in the spectrum panels (values below it are not resolved there)
_LOG_PLOT_FLOOR = 1e-12
DEFAULT_N = 16
DEFAULT_MARGIN = 0.25


def make_digits_cnn(side: int = 8, channels: int = DEFAULT_CHANNELS, n_classes: int = 10) -> Any:
    """Return the example CNN for ``side x side`` grey images (8 for digits, 28 for MNIST).

    ``[AvgPool2d(2) if side > 14] -> Conv2d(1, c, 3, padding=1) -> BatchNorm2d -> LeakyReLU(0.1)
    -> MaxPool2d(2) -> residual block [conv-BN-ReLU-conv + skip, ReLU] -> Flatten -> Dropout(0.2)
    -> Linear(., n_classes)``.
    """
    import torch.nn as nn
    import torch.nn.functional as F

    class Residual(nn.Module):
        def __init__(self, c: int) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(c, c, 3, padding=1)
            self.bn = nn.BatchNorm2d(c)
            self.conv2 = nn.Conv2d(c, c, 3, padding=1)

        def forward(self, x: Any) -> Any:
            return F.relu(x + self.conv2(F.relu(self.bn(self.conv1(x)))))

    layers: list[Any] = []
    s = side
    if side > 14:
        layers.append(nn.AvgPool2d(2))
        s = side // 2
    layers += [
        nn.Conv2d(1, channels, 3, padding=1),
        nn.BatchNorm2d(channels),
        nn.LeakyReLU(0.1),
        nn.MaxPool2d(2),
        Residual(channels),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(channels * (s // 2) ** 2, n_classes),
    ]
    return nn.Sequential(*layers)


def train_cnn(
    X: NDArray[np.float64],
    y: NDArray[np.int64],
    *,
    channels: int = DEFAULT_CHANNELS,
    epochs: int = DEFAULT_EPOCHS,
    seed: int = DEFAULT_SEED,
    test_fraction: float = 0.2,
) -> tuple[Any, dict[str, Any]]:
    """Train :func:`make_digits_cnn` (Adam, batches of 64, one CPU thread, seeded).

    Returns the model in eval mode (float64) and a dict with the split indices and accuracy.
    """
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    side = int(round(np.sqrt(X.shape[1])))
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(X))
    n_test = int(len(X) * test_fraction)
    test, train = perm[:n_test], perm[n_test:]
    model = make_digits_cnn(side, channels)
    Xt = torch.tensor(X, dtype=torch.float32).reshape(-1, 1, side, side)
    yt = torch.tensor(y)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        order = torch.tensor(train)[torch.randperm(len(train), generator=g)]
        for i in range(0, len(order), 64):
            b = order[i : i + 64]
            opt.zero_grad()
            loss = loss_fn(model(Xt[b]), yt[b])
            loss.backward()
            opt.step()
    model = model.eval().double()
    with torch.no_grad():
        pred = model(Xt[torch.tensor(test)].double()).argmax(1).numpy()
    info = {"train": train, "test": test, "test_accuracy": float(np.mean(pred == y[test]))}
    return model, info


@dataclass(frozen=True)
class SliceAnalysis:
    """Results of :func:`analyse_plane` (all exact except ``fft``)."""

    n_regions_plane: int
    n_pieces_plane: int
    boundary_segments: NDArray[np.float64]  # (m, 2, 2): the decision boundary on the plane
    k_grid: NDArray[np.float64]  # (n, n, 2)
    spectrum: NDArray[np.complex128]  # (n, n) exact F(k) of the logit on the box
    fft: NDArray[np.complex128]  # (n, n) FFT of samples on the same grid
    n_regions_line: int
    n_pieces_line: int
    seconds: dict[str, float]
    regions: Any  # the Regions of the logit on the plane
    line_regions: Any


def _zero_set_segments(regions: Any) -> NDArray[np.float64]:
    """Segments {t in region: w.t + b = 0} of every 2-D region (exact, from the vertices)."""
    from .plotting import polygon_in_order

    segs = []
    for r in regions:
        V = polygon_in_order(r.polytope.vertices)
        s = V @ r.weight + r.bias
        pts = []
        for i in range(len(V)):
            a, b = s[i], s[(i + 1) % len(V)]
            if a == 0:
                pts.append(V[i])
            elif a * b < 0:
                pts.append(V[i] + a / (a - b) * (V[(i + 1) % len(V)] - V[i]))
        if len(pts) >= 2:
            segs.append([pts[0], pts[-1]])
    return np.array(segs, dtype=np.float64).reshape(-1, 2, 2)


def analyse_plane(
    model: Any,
    images: NDArray[np.float64],
    *,
    logit: int,
    pair: tuple[int, int],
    input_shape: tuple[int, ...],
    n: int = DEFAULT_N,
    margin: float = DEFAULT_MARGIN,
) -> SliceAnalysis:
    """Analyse ``model`` exactly on the plane through ``images[:3]``.

    Also on the line ``images[0] -> images[1]``; the box is ``[-margin, 1 + margin]^2`` in slice
    coordinates.
    """
    import spectral_exact as se

    sec: dict[str, float] = {}
    t0 = time.perf_counter()
    net = se.from_torch(model, input_shape=input_shape, output=logit)
    n_out = 10
    w = np.zeros(n_out)
    w[list(pair)] = [1.0, -1.0]
    net_diff = se.from_torch(model, input_shape=input_shape, output=w)
    sec["compile"] = time.perf_counter() - t0
    box = se.Box([-margin, -margin], [1 + margin, 1 + margin])
    plane = se.slice_through(net, images[:3])
    t0 = time.perf_counter()
    regs = se.linear_regions(plane, box)
    sec["regions_plane"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    regs_diff = se.linear_regions(se.slice_through(net_diff, images[:3]), box)
    segs = _zero_set_segments(regs_diff)
    sec["boundary"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    k_grid, fft = se.fft_fourier(plane, box, n=n)[:2]
    sec["fft"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    prep = se.prepare_network(plane, domain=box)
    exact = se.network_fourier(prep, k_grid.reshape(-1, 2), domain=box).reshape(n, n)
    sec["exact_spectrum"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    line = se.slice_through(net, images[:2])
    line_regs = se.linear_regions(line, se.Box([0.0], [1.0]))
    n_pieces_line = se.linear_pieces(line_regs)
    sec["line"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_pieces_plane = se.linear_pieces(regs)
    sec["pieces_plane"] = time.perf_counter() - t0
    return SliceAnalysis(
        len(regs),
        n_pieces_plane,
        segs,
        k_grid,
        exact,
        fft,
        len(line_regs),
        n_pieces_line,
        sec,
        regs,
        line_regs,
    )


# ---------------------------------------------------------------------------- command line
def register(sub: Any) -> None:
    """Add the ``slice`` subcommand to an argparse subparsers object."""
    p = sub.add_parser(
        "slice",
        help="a CNN on digits/MNIST analysed exactly on a plane through three images",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    p.add_argument(
        "--data",
        default="digits",
        help="'digits' (scikit-learn, default) or a directory of MNIST IDX files",
    )
    p.add_argument(
        "--model",
        type=Path,
        default=None,
        help="a saved torch model (torch.save(model)) to analyse instead of training",
    )
    p.add_argument(
        "--input-shape", default=None, help="input shape of --model without the batch, e.g. 1,28,28"
    )
    p.add_argument("--channels", type=_at_least(1), default=DEFAULT_CHANNELS)
    p.add_argument("--epochs", type=_at_least(0), default=DEFAULT_EPOCHS)
    p.add_argument(
        "--n-max", type=_at_least(1), default=None, help="use a random subset of the data"
    )
    p.add_argument("--seed", type=_at_least(0), default=DEFAULT_SEED)
    p.add_argument(
        "--images",
        default=None,
        help="three test-set indices i,j,k (default: the first three test images "
        "of distinct classes)",
    )
    p.add_argument(
        "--logit",
        type=int,
        default=None,
        help="logit whose regions and spectrum are computed (default: class of i)",
    )
    p.add_argument(
        "--pair",
        default=None,
        help="two classes a,b for the decision boundary (default: classes of i,j)",
    )
    p.add_argument(
        "--n", type=_at_least(2), default=DEFAULT_N, help=f"FFT grid size (default {DEFAULT_N})"
    )
    p.add_argument("--margin", type=float, default=DEFAULT_MARGIN)
    p.add_argument("--out", type=Path, default=Path("slice_out"))
    p.add_argument("--no-plot", action="store_true")
    p.set_defaults(func=run)


def _at_least(minimum: int):
    """Parse an integer >= ``minimum`` (refused before any training starts)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def run(args: argparse.Namespace) -> int:
    import torch

    from ._errors import SpectralExactError
    from .experiments.data import load_dataset

    X, y = load_dataset(
        None if args.data == "digits" else args.data, n_max=args.n_max, seed=args.seed
    )
    side = int(round(np.sqrt(X.shape[1])))
    if args.model is not None:
        model = torch.load(args.model, weights_only=False).eval().double()
        shape = (
            tuple(int(s) for s in args.input_shape.split(","))
            if args.input_shape
            else (1, side, side)
        )
        rng = np.random.default_rng(args.seed)
        test = rng.permutation(len(X))[: max(10, len(X) // 5)]
        info: dict[str, Any] = {"test_accuracy": None}
    else:
        t0 = time.perf_counter()
        model, info = train_cnn(X, y, channels=args.channels, epochs=args.epochs, seed=args.seed)
        info["train_seconds"] = time.perf_counter() - t0
        test = info["test"]
        shape = (1, side, side)
    if args.images:
        idx = [int(s) for s in args.images.split(",")]
    else:
        idx, seen = [], set()
        for i in test:
            if int(y[i]) not in seen:
                idx.append(int(i))
                seen.add(int(y[i]))
            if len(idx) == 3:
                break
    images = X[idx]
    logit = int(y[idx[0]]) if args.logit is None else args.logit
    ab = (
        [int(y[idx[0]]), int(y[idx[1]])]
        if args.pair is None
        else [int(s) for s in args.pair.split(",")]
    )
    if len(ab) != 2:
        raise SpectralExactError(f"--pair needs two classes a,b, got {args.pair!r}")
    pair = (ab[0], ab[1])
    res = analyse_plane(
        model, images, logit=logit, pair=pair, input_shape=shape, n=args.n, margin=args.margin
    )
    err = float(np.abs(res.fft - res.spectrum).max() / np.abs(res.spectrum).max())
    summary = {
        "data": args.data,
        "images": idx,
        "labels": [int(y[i]) for i in idx],
        "test_accuracy": info.get("test_accuracy"),
        "logit": logit,
        "pair": list(pair),
        "regions_on_plane": res.n_regions_plane,
        "linear_pieces_on_plane": res.n_pieces_plane,
        "decision_boundary_segments": len(res.boundary_segments),
        "regions_on_line": res.n_regions_line,
        "linear_pieces_on_line": res.n_pieces_line,
        "fft_vs_exact_max_rel_error": err,
        "seconds": res.seconds,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"images {idx} (labels {summary['labels']}), test accuracy {info.get('test_accuracy')}")
    print(
        f"plane: {res.n_regions_plane} exact regions of logit {logit} "
        f"({res.n_pieces_plane} linear pieces), decision boundary {pair[0]} vs {pair[1]}: "
        f"{len(res.boundary_segments)} segments"
    )
    print(
        f"line image {idx[0]} -> {idx[1]}: {res.n_regions_line} activation regions, "
        f"{res.n_pieces_line} linear pieces"
    )
    print(f"spectrum on a {args.n}x{args.n} grid: max |FFT - exact| / max |exact| = {err:.2e}")
    print("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in res.seconds.items()))
    if not args.no_plot:
        try:
            _plot(res, args.out / "slice.png", pair)
            print(f"wrote {args.out / 'slice.png'}")
        except ImportError:
            print("matplotlib not installed: no figure")
    print(f"wrote {args.out / 'summary.json'}")
    return 0


def _plot(res: SliceAnalysis, path: Path, pair: tuple[int, int]) -> None:
    from .plotting import plot_regions, save_figure, subplots

    fig, ax = subplots(1, 4, figsize=(18, 4.5))  # no pyplot, no global backend change
    plot_regions(res.regions, ax=ax[0], linewidth=0.1)
    for s in res.boundary_segments:
        ax[0].plot(s[:, 0], s[:, 1], color="red", lw=1.2)
    ax[0].plot([0, 1, 0], [0, 0, 1], "k*", ms=10)
    ax[0].set_title(f"{res.n_regions_plane} regions; red: boundary {pair[0]}|{pair[1]}")
    kk = res.k_grid
    ext = (kk[..., 0].min(), kk[..., 0].max(), kk[..., 1].min(), kk[..., 1].max())
    for a, vals, title in ((ax[1], res.spectrum, "exact |F(k)|"), (ax[2], res.fft, "FFT |F(k)|")):
        im = a.imshow(np.log10(np.abs(vals).T + _LOG_PLOT_FLOOR), origin="lower", extent=ext)
        a.set_title(title + " (log10)")
        fig.colorbar(im, ax=a)
    lr = sorted(res.line_regions, key=lambda r: r.polytope.vertices.min())
    for r in lr:
        t = np.array([r.polytope.vertices.min(), r.polytope.vertices.max()])
        ax[3].plot(t, r.weight[0] * t + r.bias)
    ax[3].set_title(f"line: {res.n_regions_line} regions, {res.n_pieces_line} pieces")
    fig.tight_layout()
    save_figure(fig, path, dpi=110)
