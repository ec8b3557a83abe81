"""The error policy: one module of exception classes, the right class per failure, context.

* every exception class of the package is defined in :mod:`spectral_exact._errors` (found by
  walking every module, not by listing names), and the old import paths still work;
* an unknown option is an argument error, not a frequency or domain error;
* internal numerical failures (:class:`NumericalError`) are not bad-input errors;
* a failure while working on one region names that region (index and activation pattern,
  the pattern recomputed here from the network at a point inside the region).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact import _errors


def _package_modules() -> list[str]:
    names = ["spectral_exact"]
    for info in pkgutil.walk_packages(se.__path__, prefix="spectral_exact."):
        names.append(info.name)
    return names


def test_every_exception_class_lives_in_errors_module() -> None:
    defined_elsewhere = []
    walked = 0
    for name in _package_modules():
        try:
            mod = importlib.import_module(name)
        except ImportError as exc:  # an optional extra that is not installed
            assert isinstance(exc, se.MissingDependencyError) or exc.name in {
                "torch",
                "matplotlib",
                "sklearn",
                "dask",
                "distributed",
            }, (name, exc)
            continue
        walked += 1
        for obj in vars(mod).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and obj.__module__ == name
                and name != "spectral_exact._errors"
            ):
                defined_elsewhere.append(f"{name}.{obj.__name__}")
    assert walked >= 40  # the walk really saw the package
    assert defined_elsewhere == []


def test_moved_exception_classes_keep_their_old_import_paths() -> None:
    from spectral_exact.cli import CommandError
    from spectral_exact.experiments import ExperimentError
    from spectral_exact.experiments._common import ExperimentError as E2
    from spectral_exact.symbolic import ExactGeometryError

    assert CommandError is _errors.CommandError
    assert ExperimentError is E2 is _errors.ExperimentError
    assert ExactGeometryError is _errors.ExactGeometryError


def test_numerical_failures_are_not_bad_input() -> None:
    assert issubclass(se.NumericalError, RuntimeError)
    assert not issubclass(se.NumericalError, se.SpectralExactError)
    # ExactGeometryError predates the split: it stays a SpectralExactError and is numerical
    assert issubclass(_errors.ExactGeometryError, se.SpectralExactError)
    assert issubclass(_errors.ExactGeometryError, se.NumericalError)
    for cls in (
        _errors.CommandError,
        _errors.ExperimentError,
        se.InvalidArgumentError,
        se.InvalidFrequencyError,
    ):
        assert issubclass(cls, se.SpectralExactError) and not issubclass(cls, se.NumericalError)


@pytest.mark.parametrize("d", [1, 2])
def test_unknown_method_is_an_argument_error(d: int) -> None:
    net = se.ReLUNetwork.random((d, 4, 1), seed=0)
    box = se.Box([-1.0] * d, [1.0] * d)
    with pytest.raises(se.InvalidArgumentError, match="unknown method 'fft'") as info:
        se.network_fourier(net, np.ones(d), domain=box, method="fft")
    assert not isinstance(info.value, se.InvalidFrequencyError)


def test_unknown_backend_is_an_argument_error() -> None:
    net = se.ReLUNetwork.random((2, 4, 1), seed=0)
    with pytest.raises(se.InvalidArgumentError, match="unknown backend 'jax'"):
        se.network_fourier(net, [1.0, 2.0], domain=se.Box([-1, -1], [1, 1]), backend="jax")


def test_plotting_colour_is_an_argument_error() -> None:
    from spectral_exact.plotting import plot_regions

    regions = se.linear_regions(se.ReLUNetwork.random((2, 3, 1), seed=0), se.Box([-1, -1], [1, 1]))
    with pytest.raises(se.InvalidArgumentError, match="color must be 'random' or 'value'") as e:
        plot_regions(regions, color="purple")
    assert not isinstance(e.value, se.InvalidDomainError)


def _pattern_string(net: se.ReLUNetwork, x: np.ndarray) -> str:
    """The activation pattern at ``x`` from the network's own forward pass, as 0/1 digits."""
    h = np.asarray(x, dtype=float)
    layers = []
    for W, b in zip(net.weights[:-1], net.biases[:-1], strict=True):
        z = W @ h + b
        layers.append("".join("1" if v > 0 else "0" for v in z))
        h = np.maximum(z, 0.0)
    return "".join(layers)


def test_region_failure_names_the_region(monkeypatch: pytest.MonkeyPatch) -> None:
    import spectral_exact.regions as regions_mod

    net = se.ReLUNetwork.random((2, 5, 1), seed=3)
    box = se.Box([-1.0, -1.0], [1.0, 1.0])
    good = se.linear_regions(net, box)
    target = 2
    inside = good[target].polytope.vertices.mean(axis=0)
    want = _pattern_string(net, inside)

    real = regions_mod._region_from_arrays

    def failing(arrays, i, *args, **kwargs):  # type: ignore[no-untyped-def]
        if i == target:
            raise se.InvalidPolytopeError("simulated failure")
        return real(arrays, i, *args, **kwargs)

    monkeypatch.setattr(regions_mod, "_region_from_arrays", failing)
    fresh = se.linear_regions(net, box, max_regions=10**6)
    assert fresh[target - 1].pattern is not None  # a neighbour is unaffected
    with pytest.raises(se.InvalidPolytopeError, match="simulated failure") as info:
        fresh[target]
    assert info.value.region_index == target  # type: ignore[attr-defined]
    assert info.value.__notes__ == [
        f"while processing linear region {target} (activation pattern {want})"
    ]


def test_polytope_failure_names_the_polytope(monkeypatch: pytest.MonkeyPatch) -> None:
    import spectral_exact.fourier.indicator as fp

    polys = [se.Polytope.from_vertices(np.vstack([np.zeros(3), s * np.eye(3)])) for s in (1, 2, 3)]
    real = fp.face_poset

    def failing(P):  # type: ignore[no-untyped-def]
        if P is polys[2]:
            raise se.InvalidPolytopeError("simulated")
        return real(P)

    monkeypatch.setattr(fp, "face_poset", failing)
    with pytest.raises(se.InvalidPolytopeError, match="simulated") as info:
        fp.prepare_polytopes(polys)
    assert info.value.__notes__ == ["while processing polytope 2"]


def test_region_context_adds_one_note_only() -> None:
    with pytest.raises(KeyError) as info:
        with _errors.region_context(7, what="outer"):
            with _errors.region_context(4, [np.array([True, False]), np.array([True])]):
                raise KeyError("x")
    assert info.value.__notes__ == ["while processing linear region 4 (activation pattern 10|1)"]
