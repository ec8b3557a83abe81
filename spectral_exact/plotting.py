"""Pictures of linear regions (matplotlib, imported lazily inside each function).

Figures are built with matplotlib's object-oriented API (:class:`matplotlib.figure.Figure`,
saved through :class:`~matplotlib.backends.backend_agg.FigureCanvasAgg`), never through
:mod:`matplotlib.pyplot`: nothing here selects a backend, registers a figure with pyplot or
changes any other global matplotlib state, so the functions work on headless machines and in
Jupyter alike (display a returned figure by making it the last expression of a cell).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._errors import InvalidArgumentError, InvalidDomainError
from ._optional import require
from .regions import Region

__all__ = ["plot_regions", "polygon_in_order", "subplots", "save_figure", "close"]


def polygon_in_order(vertices: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the vertices of a convex polygon sorted counter-clockwise about their mean.

    Parameters
    ----------
    vertices : array (m, 2)
        Vertices of a convex polygon, in any order.

    Returns
    -------
    array (m, 2)
        The same vertices in counter-clockwise order.
    """
    V = np.asarray(vertices, dtype=float)
    c = V.mean(axis=0)
    order = np.argsort(np.arctan2(V[:, 1] - c[1], V[:, 0] - c[0]))
    return V[order]


def subplots(nrows: int = 1, ncols: int = 1, **kwargs: Any) -> tuple[Any, Any]:
    """Return a new :class:`~matplotlib.figure.Figure` and its axes, without pyplot.

    Same call as :func:`matplotlib.pyplot.subplots` (``figsize``, ``dpi``, ``layout`` go to
    the figure, everything else to :meth:`~matplotlib.figure.Figure.subplots`), but the figure
    is not registered with pyplot and no backend is selected: it is garbage-collected like any
    object and drawn by the Agg canvas when saved.

    Examples
    --------
    >>> from spectral_exact.plotting import subplots
    >>> fig, axes = subplots(1, 2, figsize=(4, 2))
    >>> len(axes), fig.get_size_inches().tolist()
    (2, [4.0, 2.0])
    """
    agg = require("matplotlib.backends.backend_agg", extra="plot", purpose="plotting")
    figure = require("matplotlib.figure", extra="plot", purpose="plotting")

    fig_kw = {key: kwargs.pop(key) for key in ("figsize", "dpi", "layout") if key in kwargs}
    fig = figure.Figure(**fig_kw)
    agg.FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def save_figure(fig: Any, path: str | Path, **kwargs: Any) -> Path:
    """Write ``fig`` to ``path`` (format from the suffix) and return the path.

    Figures made by :func:`subplots` or :func:`plot_regions` are drawn by their Agg canvas;
    a pyplot figure is saved through its own canvas (its backend is left alone).
    ``kwargs`` go to :meth:`~matplotlib.figure.Figure.savefig` (``dpi``, ``bbox_inches``...).
    """
    fig.savefig(path, **kwargs)
    return Path(path)


def close(fig: Any) -> None:
    """Release ``fig``: removes a pyplot-managed figure from pyplot; no-op for others.

    pyplot is consulted only if it was already imported by the caller (importing it here would
    select a backend).
    """
    import sys

    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close(fig)  # a no-op for figures pyplot does not manage


def _figure_and_axes(ax: Any) -> tuple[Any, Any]:
    if ax is not None:
        return ax.figure, ax
    return subplots(figsize=(6, 6))


def plot_regions(
    regions: Sequence[Region],
    ax: Any = None,
    *,
    color: str = "random",
    seed: int = 0,
    edgecolor: str = "black",
    linewidth: float = 0.4,
    cmap: str = "viridis",
) -> Any:
    """Draw the bounded linear regions of a net on a 1-D or 2-D domain.

    Parameters
    ----------
    regions : sequence of Region
        For example :func:`spectral_exact.linear_regions` on a :class:`~spectral_exact.Box`.
    ax : matplotlib Axes, optional
        Axes to draw into; when omitted a new figure is made by :func:`subplots` (no pyplot,
        no change of backend).
    color : {"random", "value"}
        ``"random"``: each region gets a random colour (seeded by ``seed``); ``"value"``: a heat
        map of ``f`` itself (exact, since ``f`` is affine on each region and drawn with linear
        interpolation over a triangulation of each region), with a colour bar.
    seed : int
        Seed of the random colours.
    edgecolor, linewidth : str, float
        Style of the region boundaries.
    cmap : str
        Colour map of ``color="value"``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the axes.

    Raises
    ------
    InvalidArgumentError
        If ``color`` is unknown.
    InvalidDomainError
        If the regions are unbounded or not in dimension 1 or 2.
    """
    if color not in ("random", "value"):
        raise InvalidArgumentError(f"color must be 'random' or 'value', got {color!r}")
    regs = list(regions)
    if not regs:
        raise InvalidDomainError("no regions to plot")
    d = regs[0].polytope.ambient_dim
    if d not in (1, 2):
        raise InvalidDomainError(f"can only draw regions in 1 or 2 dimensions, got {d}")
    unbounded = [i for i, r in enumerate(regs) if not r.polytope.is_bounded]
    if unbounded:
        raise InvalidDomainError(
            f"can only draw bounded regions; regions {unbounded[:5]} are unbounded "
            "(pass a domain box to linear_regions)"
        )
    fig, ax = _figure_and_axes(ax)
    rng = np.random.default_rng(seed)
    if d == 1:
        _plot_1d(regs, ax, rng)
        return fig

    from matplotlib.collections import PolyCollection

    polys = [polygon_in_order(r.polytope.vertices) for r in regs]
    if color == "random":
        faces = rng.uniform(0.25, 0.95, (len(polys), 3))
        ax.add_collection(
            PolyCollection(polys, facecolors=faces, edgecolors=edgecolor, linewidths=linewidth)
        )
    else:
        pts: list[NDArray[np.float64]] = []
        vals: list[NDArray[np.float64]] = []
        tris: list[list[int]] = []
        offset = 0
        for r, P in zip(regs, polys, strict=True):
            m = len(P)
            pts.append(P)
            vals.append(r(P))
            tris.extend([offset, offset + i, offset + i + 1] for i in range(1, m - 1))
            offset += m
        xy = np.vstack(pts)
        tpc = ax.tripcolor(
            xy[:, 0],
            xy[:, 1],
            np.asarray(tris),
            np.concatenate(vals),
            shading="gouraud",
            cmap=cmap,
        )
        ax.add_collection(
            PolyCollection(polys, facecolors="none", edgecolors=edgecolor, linewidths=linewidth)
        )
        fig.colorbar(tpc, ax=ax, label="f(x)")
    allv = np.vstack(polys)
    ax.set_xlim(allv[:, 0].min(), allv[:, 0].max())
    ax.set_ylim(allv[:, 1].min(), allv[:, 1].max())
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(f"{len(regs)} linear regions")
    return fig


def _plot_1d(regs: list[Region], ax: Any, rng: np.random.Generator) -> None:
    """In 1-D the graph of ``f`` is drawn, one random colour per region (both colour modes)."""
    for r in sorted(regs, key=lambda r: float(r.polytope.vertices.min())):
        x = np.array([r.polytope.vertices.min(), r.polytope.vertices.max()])[:, None]
        ax.plot(x[:, 0], r(x), color=rng.uniform(0.25, 0.95, 3), linewidth=2)
        ax.axvline(x[0, 0], color="0.7", linewidth=0.5)
    ax.set_xlabel("$x$")
    ax.set_ylabel("f(x)")
    ax.set_title(f"{len(regs)} linear regions")
