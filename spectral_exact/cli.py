r"""The ``spectral-exact`` command line.

Subcommands (each has ``--help``):

``regions``
    Enumerate the exact linear regions (with face posets) of a saved or built-in net on a box,
    print a summary, write ``summary.json`` and, in 1-D or 2-D, ``regions.png``.
``fourier``
    Evaluate the exact transform :math:`F(k) = \int f(x) e^{-ik\cdot x} dx` (on a box, or on
    all of :math:`\mathbb{R}^d` as a tempered distribution) at frequencies given on the
    command line.
``demo``
    The main job: train a small net and run the whole pipeline (:mod:`spectral_exact.demo`).
``experiment``
    The spectral-bias experiments (:mod:`spectral_exact.experiments`; needs torch).
``version``
    Print the package and library versions.

Common to every subcommand: ``--json`` prints one JSON document on standard output (and the
human-readable text on standard error), and bad input or a missing optional dependency ends
with one ``error: ...`` line (exit status 2) naming the argument or the pip command.
Option values may start with a minus sign (``--k -3,0;0,3`` as well as ``--k=-3,0;0,3``).

Heavy modules (torch, matplotlib, the Fourier engine) are imported inside the handlers, so
``spectral-exact --help`` works without them. Other modules add subcommands with a
``register(subparsers)`` function called from :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from ._errors import CommandError, MissingDependencyError, SpectralExactError
from ._optional import EXTRAS, install_command, require
from ._progress import progress

if TYPE_CHECKING:  # imported lazily at run time: the CLI starts fast
    from .network import ReLUNetwork
    from .polytope import Box
    from .regions import Regions

__all__ = [
    "main",
    "build_parser",
    "parse_frequencies",
    "load_frequencies",
    "write_claims_json",
    "write_regions_geojson",
    "write_regions_npz",
    "to_jsonable",
]

DEFAULT_ARCH = "2,16,16,1"
DEFAULT_SEED = 0
DEFAULT_LO = -1.0
DEFAULT_HI = 1.0
DEFAULT_K = "3,0;0,3"


# ---------------------------------------------------------------------------- parsing helpers
#: directories this invocation created; removed again if the command fails (no partial output)
_CREATED_DIRS: list[Path] = []


def claim_out_dir(path: str | Path, what: str = "--out") -> Path:
    """Make sure ``path`` is a writable directory *before* any long work starts.

    Creates it (with parents) when missing and remembers what it created, so that
    :func:`main` can remove it again if the command then fails: a failed command leaves
    nothing behind. Raises :class:`CommandError` (one line, exit 2) when ``path`` exists but
    is not a directory, or cannot be created or written.
    """
    p = Path(path)
    if p.exists():
        if not p.is_dir():
            raise CommandError(f"{what} {str(p)!r} exists and is not a directory")
    else:
        top = p
        while not top.parent.exists() and top.parent != top:
            top = top.parent
        try:
            p.mkdir(parents=True)
        except OSError as exc:
            raise CommandError(
                f"cannot create the {what} directory {str(p)!r}: {exc.strerror or exc}"
            ) from exc
        _CREATED_DIRS.append(top)
    probe = p / ".spectral_exact_write_test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise CommandError(
            f"the {what} directory {str(p)!r} is not writable: {exc.strerror or exc}"
        ) from exc
    return p


def _remove_created_dirs() -> None:
    while _CREATED_DIRS:
        shutil.rmtree(_CREATED_DIRS.pop(), ignore_errors=True)


def _positive(value: float, what: str) -> None:
    if not value > 0:
        raise CommandError(f"{what} must be positive, got {value}")


def _parse_ints(text: str, what: str) -> list[int]:
    try:
        return [int(t) for t in text.replace(" ", "").split(",") if t]
    except ValueError as exc:
        raise CommandError(f"{what} must be comma-separated integers, got {text!r}") from exc


def _parse_floats(text: str, what: str) -> list[float]:
    try:
        return [float(t) for t in text.replace(" ", "").split(",") if t]
    except ValueError as exc:
        raise CommandError(f"{what} must be comma-separated numbers, got {text!r}") from exc


def parse_frequencies(text: str, d: int) -> np.ndarray:
    """Parse ``"k1,k2;k1,k2;..."`` into an array of shape ``(n, d)``."""
    rows = [r for r in text.split(";") if r.strip()]
    if not rows:
        raise CommandError(f"--k needs at least one frequency, got {text!r}")
    ks = [_parse_floats(r, "--k") for r in rows]
    bad = [r for r, k in zip(rows, ks, strict=True) if len(k) != d]
    if bad:
        raise CommandError(
            f"each frequency in --k needs {d} components (the net's input dimension); "
            f"got {bad[0].strip()!r}"
        )
    return np.array(ks, dtype=float)


def load_frequencies(path: str | Path, d: int) -> np.ndarray:
    r"""Frequencies from a file.

    ``.npy`` (array ``(n, d)`` or ``(d,)``) or text (``.csv``, ``.txt``: one frequency per line,
    components separated by commas or blanks, ``#`` comments).

    Examples
    --------
    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "k.csv"
    >>> _ = f.write_text("# k1, k2\n-3, 0\n0, 2.5\n")
    >>> load_frequencies(f, 2).tolist()
    [[-3.0, 0.0], [0.0, 2.5]]
    """
    p = Path(path)
    if not p.is_file():
        raise CommandError(f"--k-file {str(p)!r} does not exist")
    try:
        if p.suffix == ".npy":
            k = np.load(p, allow_pickle=False)
        else:
            text = p.read_text()
            rows = [ln.split("#")[0].strip() for ln in text.splitlines()]
            k = np.array(
                [[float(t) for t in re.split(r"[,\s]+", r) if t] for r in rows if r], dtype=float
            )
    except (ValueError, OSError) as exc:
        raise CommandError(f"cannot read frequencies from --k-file {str(p)!r}: {exc}") from exc
    k = np.asarray(k, dtype=float)
    if k.ndim == 1 and k.shape[0] == d:
        k = k[None, :]
    if k.ndim != 2 or k.shape[1] != d or k.shape[0] == 0:
        raise CommandError(
            f"--k-file {str(p)!r} must hold an (n, {d}) array of frequencies (the net's input "
            f"dimension is {d}); got shape {k.shape}"
        )
    if not np.all(np.isfinite(k)):
        raise CommandError(f"--k-file {str(p)!r} holds non-finite frequencies")
    return k


def to_jsonable(obj: Any) -> Any:
    """Return ``obj`` with numpy values as Python ones and non-finite floats as ``None``.

    Numpy scalars/arrays become Python numbers/lists (strict JSON has no NaN or Infinity).

    Examples
    --------
    >>> to_jsonable({"a": np.float64(1.5), "b": [float("nan"), np.arange(2)]})
    {'a': 1.5, 'b': [None, [0, 1]]}
    """
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    return obj


def _dumps(obj: Any) -> str:
    return json.dumps(to_jsonable(obj), indent=2, allow_nan=False) + "\n"


@contextlib.contextmanager
def _human_output(args: argparse.Namespace) -> Iterator[None]:
    """With ``--json``, the human-readable text goes to stderr so stdout holds only JSON."""
    if getattr(args, "json", False):
        with contextlib.redirect_stdout(sys.stderr):
            yield
    else:
        yield


def _emit_json(args: argparse.Namespace, obj: Any) -> None:
    if getattr(args, "json", False):
        sys.stdout.write(_dumps(obj))


def _add_net_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--net",
        type=Path,
        default=None,
        help="saved network (.npz from ReLUNetwork.save, or a torch.save(model) file of a "
        "piecewise-linear model with one output); default: a seeded random net",
    )
    p.add_argument(
        "--arch",
        default=DEFAULT_ARCH,
        help=f"architecture of the built-in random net, d,w1,...,1 (default {DEFAULT_ARCH})",
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the built-in random net")


def _max_regions(text: str) -> float | None:
    if text.strip().lower() in ("none", "inf", "0"):
        return None
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--max-regions: not a number: {text!r}") from exc
    if not value > 0:  # also NaN
        raise argparse.ArgumentTypeError(f"--max-regions must be positive, got {text!r}")
    return value


def _add_max_regions_argument(p: argparse.ArgumentParser) -> None:
    from ._estimate import DEFAULT_MAX_REGIONS

    p.add_argument(
        "--max-regions",
        type=_max_regions,
        default=DEFAULT_MAX_REGIONS,
        help="refuse nets estimated to have more linear regions than this "
        f"(default {DEFAULT_MAX_REGIONS:.0e}; 'none' disables the check)",
    )


def _add_box_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lo", type=float, default=None, help=f"box lower bound (default {DEFAULT_LO})")
    p.add_argument("--hi", type=float, default=None, help=f"box upper bound (default {DEFAULT_HI})")
    p.add_argument(
        "--box",
        default=None,
        help="box as LO,HI (same bounds on every axis) or LO1,...,LOd,HI1,...,HId "
        "(e.g. --box -1,1)",
    )


def _load_net(args: argparse.Namespace) -> ReLUNetwork:
    from .network import ReLUNetwork
    from .torch_model import load_network  # torchnet: .npz or a saved torch model

    if args.net is not None:  # .npz (ReLUNetwork.save) or a saved torch model (torchnet)
        return load_network(args.net)
    return ReLUNetwork.random(_parse_ints(args.arch, "--arch"), seed=args.seed)


def _make_box(args: argparse.Namespace, d: int) -> Box:
    from .polytope import Box

    if args.box is not None:
        if args.lo is not None or args.hi is not None:
            raise CommandError("give either --box or --lo/--hi, not both")
        vals = _parse_floats(args.box, "--box")
        if len(vals) == 2:
            return Box([vals[0]] * d, [vals[1]] * d)
        if len(vals) == 2 * d:
            return Box(vals[:d], vals[d:])
        raise CommandError(
            f"--box needs 2 or {2 * d} numbers for a net on R^{d}, got {len(vals)}: {args.box!r}"
        )
    lo = DEFAULT_LO if args.lo is None else args.lo
    hi = DEFAULT_HI if args.hi is None else args.hi
    return Box([lo] * d, [hi] * d)


# ---------------------------------------------------------------------------- regions
def region_summary(regions: Regions, box: Box, t_regions: float, t_posets: float) -> dict[str, Any]:
    """Return the numbers printed and written by ``spectral-exact regions``."""
    vols = np.array([r.polytope.volume for r in regions])
    n_vertices = Counter(len(r.polytope.vertices) for r in regions)
    total = t_regions + t_posets
    return {
        "architecture": list(regions.net.architecture),
        "box_lo": box.lo.tolist(),
        "box_hi": box.hi.tolist(),
        "n_regions": len(regions),
        "volume_sum": float(vols.sum()),
        "box_volume": box.volume,
        "volume_rel_error": float(abs(vols.sum() - box.volume) / box.volume),
        "min_region_volume": float(vols.min()),
        "max_region_volume": float(vols.max()),
        "vertices_per_region": {str(k): n_vertices[k] for k in sorted(n_vertices)},
        "time_regions_s": t_regions,
        "time_face_posets_s": t_posets,
        "time_total_s": total,
        "regions_per_s": len(regions) / total if total > 0 else float("inf"),
    }


def _print_summary(s: dict[str, Any]) -> None:
    arch = "-".join(str(a) for a in s["architecture"])
    print(f"net {arch} on box lo={s['box_lo']} hi={s['box_hi']}")
    print(f"  regions            {s['n_regions']}")
    print(
        f"  volume sum         {s['volume_sum']:.15g} (box {s['box_volume']:.15g}, "
        f"relative error {s['volume_rel_error']:.2e})"
    )
    print(
        f"  region volume      min {s['min_region_volume']:.3e}  max {s['max_region_volume']:.3e}"
    )
    print(
        f"  time               regions {s['time_regions_s']:.3f} s + face posets "
        f"{s['time_face_posets_s']:.3f} s = {s['time_total_s']:.3f} s "
        f"({s['regions_per_s']:,.0f} regions/s)"
    )
    print(
        "  vertices/region    " + "  ".join(f"{k}:{v}" for k, v in s["vertices_per_region"].items())
    )


def write_regions_npz(regions: Regions, path: str | Path) -> Path:
    """Write the geometry of ``regions`` (any dimension) as a ``.npz`` of flat arrays.

    The file holds every field of :class:`~spectral_exact.regions.RegionArrays` (region ``i``
    owns rows ``offset[i]:offset[i + 1]`` of ``vertices``, ``facet_A``/``facet_b``, ...), plus
    ``architecture``, ``box_lo``/``box_hi`` (empty on R^d) and ``volume`` per region. Read it
    back with :func:`numpy.load`.
    """
    arr = regions.arrays
    data = {f.name: getattr(arr, f.name) for f in dataclasses.fields(arr)}
    data["dim"] = np.int64(arr.dim)
    data["architecture"] = np.asarray(regions.net.architecture, dtype=np.int64)
    dom = regions.domain
    lo = getattr(dom, "lo", None)
    hi = getattr(dom, "hi", None)
    data["box_lo"] = np.zeros(0) if lo is None else np.asarray(lo, dtype=float)
    data["box_hi"] = np.zeros(0) if hi is None else np.asarray(hi, dtype=float)
    data["volume"] = np.array([r.polytope.volume for r in regions], dtype=float)
    path = Path(path)
    np.savez_compressed(path, **data)
    return path


def write_regions_geojson(regions: Regions, path: str | Path) -> Path:
    """Write bounded 2-D ``regions`` as a GeoJSON ``FeatureCollection`` of polygons.

    One ``Polygon`` feature per region (counter-clockwise exterior ring, closed), with
    properties ``index``, ``pattern`` (activation pattern as a 0/1 string, layers joined by
    ``|``), ``weight`` and ``bias`` (``f(x) = weight @ x + bias`` on the region) and
    ``volume`` (area). Coordinates are the network's input coordinates, not longitude and
    latitude.
    """
    from .plotting import polygon_in_order

    regs = list(regions)
    d = regions.net.input_dim
    if d != 2:
        raise CommandError(f"GeoJSON export needs a net on R^2; this one is on R^{d} (use npz)")
    unbounded = [i for i, r in enumerate(regs) if not r.polytope.is_bounded]
    if unbounded:
        raise CommandError(f"GeoJSON export needs bounded regions; {unbounded[:5]} are not")
    features = []
    for i, r in enumerate(regs):
        ring = polygon_in_order(r.polytope.vertices).tolist()
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "index": i,
                    "pattern": "|".join("".join("1" if a else "0" for a in p) for p in r.pattern),
                    "weight": np.asarray(r.weight, dtype=float).tolist(),
                    "bias": float(r.bias),
                    "volume": float(r.polytope.volume),
                },
            }
        )
    path = Path(path)
    path.write_text(_dumps({"type": "FeatureCollection", "features": features}))
    return path


def _cmd_regions(args: argparse.Namespace) -> int:
    from ._progress import progress
    from .face_poset import face_poset
    from .regions import linear_regions

    net = _load_net(args)
    box = _make_box(args, net.input_dim)
    if "geojson" in args.export and net.input_dim != 2:
        raise CommandError(
            f"--export geojson needs a net on R^2; this one is on R^{net.input_dim} (use npz)"
        )
    want_plot = net.input_dim <= 2 and not args.no_plot
    _positive(args.dpi, "--dpi")
    out = claim_out_dir(args.out)
    t0 = time.perf_counter()
    print("enumerating linear regions ...", file=sys.stderr, flush=True)
    regions = linear_regions(net, box, max_regions=args.max_regions)
    t1 = time.perf_counter()
    for r in progress(regions, desc="face posets", unit="region"):
        face_poset(r.polytope)
    t2 = time.perf_counter()
    summary = region_summary(regions, box, t1 - t0, t2 - t1)
    files = ["summary.json"]
    # work that needs no optional extra is written first: summary.json and the exports
    for fmt in dict.fromkeys(args.export):  # each format once, in the order given
        name = f"regions.{fmt}"
        (write_regions_geojson if fmt == "geojson" else write_regions_npz)(regions, out / name)
        files.append(name)
    summary["files"] = list(files)
    (out / "summary.json").write_text(_dumps(summary))
    with _human_output(args):
        _print_summary(summary)
        if want_plot:
            require("matplotlib", extra="plot", purpose="regions.png (skip it with --no-plot)")
            from .plotting import plot_regions, save_figure

            fig = plot_regions(regions, color=args.color)
            save_figure(fig, out / "regions.png", dpi=args.dpi)
            files.append("regions.png")
            summary["files"] = list(files)
            (out / "summary.json").write_text(_dumps(summary))
        print(f"wrote {', '.join(str(out / f) for f in files)}")
    _emit_json(args, {**summary, "out": str(out)})
    return 0


# ---------------------------------------------------------------------------- fourier
FOURIER_CHUNK = 4096
"""Frequencies evaluated per progress step by ``spectral-exact fourier``."""


def _cmd_fourier(args: argparse.Namespace) -> int:
    from . import network_fourier, prepare_network

    net = _load_net(args)
    d = net.input_dim
    if args.k_file is not None:
        if args.k is not None:
            raise CommandError("give either --k or --k-file, not both")
        k = load_frequencies(args.k_file, d)
    else:
        k = parse_frequencies(DEFAULT_K if args.k is None else args.k, d)
    out_dir = None if args.out is None else claim_out_dir(args.out)
    if args.whole_space:
        if args.box is not None or args.lo is not None or args.hi is not None:
            raise CommandError("--whole-space takes no box (--box/--lo/--hi)")
        domain = None
        where = f"R^{d} (tempered distribution)"
    else:
        domain = _make_box(args, d)
        where = f"box lo={domain.lo.tolist()} hi={domain.hi.tolist()}"
    if len(k) <= FOURIER_CHUNK:
        values = np.asarray(network_fourier(net, k, domain=domain, max_regions=args.max_regions))
    else:  # prepare once, then evaluate in chunks behind a progress bar
        print("preparing the network (regions, face posets) ...", file=sys.stderr, flush=True)
        prep = prepare_network(net, domain, max_regions=args.max_regions)
        starts = range(0, len(k), FOURIER_CHUNK)
        parts = [
            np.asarray(network_fourier(prep, k[i : i + FOURIER_CHUNK]))
            for i in progress(starts, desc="F(k)", unit="chunk")
        ]
        values = np.concatenate(parts)
    arch = "-".join(str(a) for a in net.architecture)
    rows = [
        {"k": kk.tolist(), "re": float(v.real), "im": float(v.imag)}
        for kk, v in zip(k, values, strict=True)
    ]
    result = {"architecture": list(net.architecture), "domain": where, "values": rows}
    with _human_output(args):
        print(f"F(k) = integral of f(x) exp(-i k.x) dx over {where}; net {arch}")
        kw = max(12, 13 * d)
        print(f"{'k':>{kw}}  {'Re F':>22}  {'Im F':>22}  {'|F|':>12}")
        for kk, v in zip(k, values, strict=True):
            ks = ",".join(f"{x:g}" for x in kk)
            print(f"{ks:>{kw}}  {v.real:>22.15e}  {v.imag:>22.15e}  {abs(v):>12.5e}")
        if out_dir is not None:
            (out_dir / "fourier.json").write_text(_dumps(result))
            print(f"wrote {out_dir / 'fourier.json'}")
    _emit_json(args, result)
    return 0


# ---------------------------------------------------------------------------- demo
def _cmd_demo(args: argparse.Namespace) -> int:
    # both extras are checked before training starts, not after it
    require("torch", extra="torch", purpose="spectral-exact demo")
    require("matplotlib", extra="plot", purpose="spectral-exact demo")
    from .demo import DemoConfig, run_demo

    claim_out_dir(args.out)
    cfg = DemoConfig(seed=args.seed, progress=not args.no_progress)
    if args.quick:
        cfg = dataclasses.replace(cfg, steps=QUICK_DEMO_STEPS, decay_points=300)
    with _human_output(args):
        report = run_demo(args.out, cfg)
        print(Path(args.out, "report.md").read_text())
        print(
            f"{report['n_regions']} regions; wrote report.md, report.json and figures to {args.out}"
        )
    _emit_json(args, {**report, "out": str(args.out)})
    return 0


QUICK_DEMO_STEPS = 200
"""Training steps of ``spectral-exact demo --quick``."""


# ---------------------------------------------------------------------------- version
def _cmd_version(args: argparse.Namespace) -> int:
    import platform

    import networkx
    import scipy

    from . import __version__

    versions = {
        "spectral-exact": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "networkx": networkx.__version__,
    }
    with _human_output(args):
        print(f"spectral-exact {__version__}")
        print(
            f"python {platform.python_version()}, numpy {np.__version__}, "
            f"scipy {scipy.__version__}, networkx {networkx.__version__}"
        )
    _emit_json(args, versions)
    return 0


# ---------------------------------------------------------------------------- experiment
def _add_experiment(sub: Any, wanted: bool) -> None:
    """Register ``experiment``: the real parser if it is requested and importable."""
    if wanted:
        try:
            from .experiments.cli import add_experiment_parser
        except ImportError as exc:
            p = sub.add_parser("experiment", help="spectral-bias experiments (needs torch)")
            p.add_argument("rest", nargs=argparse.REMAINDER)
            p.set_defaults(func=_experiment_unavailable, import_error=str(exc))
            return
        add_experiment_parser(sub)
        return
    p = sub.add_parser(
        "experiment",
        help="spectral-bias experiments (needs torch); see 'spectral-exact experiment --help'",
    )
    p.add_argument("rest", nargs=argparse.REMAINDER)


def _experiment_unavailable(args: argparse.Namespace) -> int:
    print(
        "error: the 'experiment' subcommand is unavailable: "
        f"{args.import_error}: {install_command('experiments')} (and torch: "
        f"{install_command('torch')})",
        file=sys.stderr,
    )
    return 2


def write_claims_json(name: str, out: str | Path, claims: Sequence[Any]) -> Path:
    """Write the measured claims of experiment ``name`` to ``out/claims.json``.

    ``claims`` are :class:`~spectral_exact.experiments.Claim` objects (anything with
    ``as_dict()``); non-finite values are written as ``null``. The file holds
    ``{"experiment": name, "all_passed": bool, "claims": [Claim.as_dict(), ...]}`` (name,
    metric, op, threshold, seeds, per-seed values, mean, spread, ci, passed, ...).
    """
    rows = [c.as_dict() for c in claims]
    doc = {
        "experiment": name,
        "all_passed": all(bool(r["passed"]) for r in rows),
        "claims": rows,
    }
    path = Path(out) / "claims.json"
    path.write_text(_dumps(doc))
    return path


def _run_experiment(args: argparse.Namespace) -> int:
    require("torch", extra="torch", purpose="spectral-exact experiment")
    from .experiments import experiment_claims
    from .experiments.cli import run_experiment_command

    out = (
        args.out
        if args.out is not None
        else Path("experiments_out") / (f"{args.name}-{args.scale}")
    )
    claim_out_dir(out)  # before minutes of training, not after
    with _human_output(args):
        status = int(run_experiment_command(args))
    result: dict[str, Any] = {"experiment": args.name, "out": str(out), "status": status}
    if status == 0:
        claims = experiment_claims(args.name, out)
        path = write_claims_json(args.name, out, claims)
        with _human_output(args):
            print(f"wrote {path}")
        result.update(json.loads(path.read_text()))
    _emit_json(args, result)
    return status


# ---------------------------------------------------------------------------- parser / main
class _OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr and exit status 2.

    argparse prints the usage block before the error; every other CLI failure is one
    ``error: ...`` line (issue 9), so argument errors are too (the subcommand parsers inherit
    this class).
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog}: {message} (see '{self.prog} --help')\n")


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """Return the argument parser (``argv`` decides whether the experiment parser is imported)."""
    from . import __version__

    parser = _OneLineParser(
        prog="spectral-exact",
        description="Exact Fourier transforms of ReLU networks, F(k) = ∫ f(x) exp(-i k·x) dx, "
        "and spectral bias.",
    )
    parser.add_argument("--version", action="version", version=f"spectral-exact {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "regions",
        help="enumerate and summarise the exact linear regions of a net",
        description="Enumerate the linear regions of a net on a box (with face posets), print "
        "a summary and write summary.json (and regions.png for d <= 2).",
    )
    _add_net_arguments(p)
    _add_box_arguments(p)
    p.add_argument("--out", default="spectral_exact_regions", help="output directory")
    p.add_argument(
        "--color",
        choices=["random", "value"],
        default="random",
        help="region colours: random, or a heat map of f",
    )
    p.add_argument("--dpi", type=int, default=150, help="resolution of regions.png")
    p.add_argument("--no-plot", action="store_true", help="do not write regions.png")
    p.add_argument(
        "--export",
        action="append",
        choices=["geojson", "npz"],
        default=[],
        help="also write the region geometry: regions.geojson (2-D polygons) or regions.npz "
        "(flat arrays, any dimension); repeat for both",
    )
    _add_max_regions_argument(p)
    p.set_defaults(func=_cmd_regions)

    p = sub.add_parser(
        "fourier",
        help="evaluate the exact Fourier transform of a net at given frequencies",
        description="Evaluate F(k) = ∫ f(x) exp(-i k·x) dx, k in radians per unit length, on a "
        "box (default [-1, 1]^d) or on all of R^d (--whole-space).",
    )
    _add_net_arguments(p)
    _add_box_arguments(p)
    p.add_argument(
        "--k",
        default=None,
        help=f"frequencies 'k1,...,kd;k1,...,kd;...', e.g. --k \"-3,0;0,3\" "
        f"(default '{DEFAULT_K}')",
    )
    p.add_argument(
        "--k-file",
        type=Path,
        default=None,
        help="frequencies from a file: .npy array (n, d), or .csv/.txt with one per line",
    )
    p.add_argument(
        "--whole-space",
        action="store_true",
        help="transform on all of R^d (a tempered distribution, off its singular set)",
    )
    p.add_argument("--out", default=None, help="also write fourier.json into this directory")
    _add_max_regions_argument(p)
    p.set_defaults(func=_cmd_fourier)

    p = sub.add_parser(
        "demo",
        help="train a small net and run the whole pipeline (the main job)",
        description="Train a small 2-D ReLU net, compute its regions and exact transform, "
        "compare with the FFT, check Theorem 1, and write a report with figures.",
    )
    p.add_argument("--out", default="spectral_exact_demo", help="output directory")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--quick", action="store_true", help="a shorter run (fewer training steps)")
    p.add_argument("--no-progress", action="store_true", help="hide the training progress bar")
    p.set_defaults(func=_cmd_demo)

    _add_experiment(sub, wanted=len(argv) > 0 and argv[0] == "experiment")

    from ._cli_slice import register as _register_slice  # torchnet: `slice` subcommand

    _register_slice(sub)
    p = sub.add_parser("version", help="print versions", description="Print versions.")
    p.set_defaults(func=_cmd_version)

    # subcommands defined elsewhere register themselves here, one line each:
    # from .module import register as _register_x; _register_x(sub)

    for p in sub.choices.values():  # --json everywhere, including registered subcommands
        with contextlib.suppress(argparse.ArgumentError):
            p.add_argument(
                "--json",
                action="store_true",
                help="print one JSON document on stdout (human-readable text goes to stderr)",
            )
    return parser


_NUMERIC_VALUE = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)


def _attach_negative_values(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """Rewrite ``--opt -3,0`` as ``--opt=-3,0`` for options that take a value.

    argparse reads a token starting with ``-`` as an option unless it is a single negative
    number, so ``--k "-3,0;0,3"`` would fail. No option of this CLI looks like a number, so a
    numeric-looking token right after an option that takes a value is always that value.
    """
    sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    target = parser
    if sub is not None and argv and argv[0] in sub.choices:
        target = sub.choices[argv[0]]
    takes_value = {
        opt
        for a in target._actions
        if a.option_strings and a.nargs != 0
        for opt in a.option_strings
    }
    out: list[str] = []
    i = 0
    while i < len(argv):
        tok = argv[i]
        if tok in takes_value and i + 1 < len(argv) and _NUMERIC_VALUE.match(argv[i + 1]):
            out.append(f"{tok}={argv[i + 1]}")
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``spectral-exact`` console script; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    args = parser.parse_args(_attach_negative_values(parser, args_list))
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "experiment" and not hasattr(args, "func"):
        args.func = _run_experiment
    _CREATED_DIRS.clear()
    ok = False
    try:
        status = int(args.func(args))
        ok = status == 0
        return status
    except SpectralExactError as exc:  # includes MissingDependencyError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file that cannot be read or written: one line, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:  # an extra imported without require(): same one line
        top = (exc.name or "").split(".")[0]
        extra = next((e for e, mods in EXTRAS.items() if top in mods), None)
        if extra is None:
            raise
        err = MissingDependencyError(
            f"{top} is needed here but not installed: {install_command(extra)}",
            name=top,
            extra=extra,
            install=install_command(extra),
        )
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        if not ok:
            _remove_created_dirs()
        _CREATED_DIRS.clear()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
