"""A bad-input matrix over the public API (issue 9, deliverable 5).

For every public function and each kind of bad input of the issue (None, strings, complex,
NaN/inf, wrong shapes, non-integer integers, negative sizes, bad Tolerances, unknown method /
backend / device names, bad domains), the call must raise a
:class:`~spectral_exact.SpectralExactError` subclass whose message names the argument (or
the quantity it describes) and repeats the offending value. The matrix is generated: one
base call per function with valid arguments, each bad value substituted in turn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact._validate import (
    network,
    numeric_array,
    optional_limit,
    polyhedron,
    real_number,
    seed,
    tolerances,
)

NET = se.ReLUNetwork.random((2, 4, 1), seed=1)
DEEP = se.ReLUNetwork.random((2, 4, 3, 1), seed=0)
BOX = se.Box([-1.0, -1.0], [1.0, 1.0])
TRI = se.Polytope.from_vertices([[0, 0], [1, 0], [0, 1]])
K = [[1.0, 2.0]]
T = np.geomspace(1.0, 10.0, 50)

E = se.SpectralExactError

#: (bad value, id, regular expression the message must match)
ARRAYS = [
    (None, "None", r"required, got None|must be a real array, got None"),
    ("abc", "str", r"'abc'|not (a )?numeric"),
    ([1 + 2j, 0.0], "complex", r"(must be )?real|complex"),
    ([np.nan, 1.0], "nan", r"non-finite"),
    ([np.inf, 1.0], "inf", r"non-finite"),
    ([object(), 1.0], "object", r"not (a )?numeric"),
]
FREQS = [*ARRAYS, ([1.0, 2.0, 3.0], "shape", r"shape \(\.\.\., 2\)")]
TOLS = [
    ("tol", "str", r"tol must be a Tolerances, got str 'tol'"),
    (None, "None", r"tol must be a Tolerances, got NoneType None"),
    ({"geometry": 1e-9}, "dict", r"tol must be a Tolerances, got dict"),
]
NETS = [
    (None, "None", r"net must be a ReLUNetwork.*got NoneType"),
    ("net", "str", r"net must be a ReLUNetwork.*got str"),
    (3, "int", r"net must be a ReLUNetwork.*got int"),
]
DOMAINS = [
    ("unit", "str", r"domain must be a Box, \(lo, hi\) or None; got str 'unit'"),
    (se.Box([0, 0, 0], [1, 1, 1]), "3d", r"R\^3 but the network takes inputs in R\^2"),
    (([np.nan, 0.0], [1.0, 1.0]), "nan", r"non-finite"),
    (([0.0, 0.0], [0.0, 1.0]), "flat", r"empty or flat in axis 0"),
    (([1.0, 1.0], [0.0, 0.0]), "inverted", r"empty or flat in axis 0"),
    (([0j, 0.0], [1.0, 1.0]), "complex", r"must be real, got complex"),
    ((1, 2, 3), "tuple3", r"domain must be a Box, \(lo, hi\) or None; got tuple"),
]
INTS = [
    (None, "None", r"must be an int(eger)?.*got None"),
    ("8", "str", r"got '8'"),
    (2.7, "float", r"got 2\.7"),
    (True, "bool", r"got True"),
    (-1, "neg", r"-1"),
]
POS = [
    ("x", "str", r"'x'"),
    (-1.0, "neg", r"-1"),
    (float("nan"), "nan", r"nan"),
    (1j, "complex", r"1j"),
]


def _case(fn: Callable[..., Any], base: dict[str, Any], arg: str, bad: list) -> list:
    return [
        pytest.param(fn, {**base, arg: value}, match, id=f"{arg}-{label}")
        for value, label, match in bad
    ]


def _nf(net, k, domain, method=None, backend="numpy", device=None, tol=se.DEFAULT_TOLERANCES,
        max_regions=1e6):  # type: ignore[no-untyped-def]  # fmt: skip
    return se.network_fourier(
        net, k, domain, method=method, backend=backend, device=device, tol=tol,
        max_regions=max_regions,
    )  # fmt: skip


NF = {"net": NET, "k": K, "domain": BOX}
MATRIX = [
    # network_fourier
    *[pytest.param(_nf, {**NF, "net": v}, m, id=f"network_fourier-net-{i}") for v, i, m in NETS],
    *[pytest.param(_nf, {**NF, "k": v}, m, id=f"network_fourier-k-{i}") for v, i, m in FREQS],
    *[
        pytest.param(_nf, {**NF, "domain": v}, m, id=f"network_fourier-domain-{i}")
        for v, i, m in DOMAINS
    ],
    *[pytest.param(_nf, {**NF, "tol": v}, m, id=f"network_fourier-tol-{i}") for v, i, m in TOLS],
    pytest.param(_nf, {**NF, "method": "fft"}, r"unknown method 'fft'", id="nf-method"),
    pytest.param(_nf, {**NF, "backend": "jax"}, r"'jax'", id="nf-backend"),
    pytest.param(_nf, {**NF, "device": "tpu"}, r"'tpu'", id="nf-device"),
    *[
        pytest.param(
            _nf,
            {**NF, "max_regions": v},
            r"max_regions must be None or a number > 0",
            id=f"nf-max_regions-{i}",
        )
        for v, i in (("x", "str"), (-1, "neg"), (float("nan"), "nan"), (1j, "complex"))
    ],
    pytest.param(
        lambda: se.network_fourier(NET, K, BOX, return_error="yes"),
        {},
        r"return_error must be True or False, got 'yes'",
        id="nf-return_error",
    ),
    # prepare_network, linear_regions
    *_case(
        lambda net, domain, tol: se.prepare_network(net, domain, tol=tol),
        {"net": NET, "domain": BOX, "tol": se.DEFAULT_TOLERANCES},
        "tol",
        TOLS,
    ),
    *_case(
        lambda net, domain, tol: se.prepare_network(net, domain, tol=tol),
        {"net": NET, "domain": BOX, "tol": se.DEFAULT_TOLERANCES},
        "net",
        NETS,
    ),
    *_case(
        lambda net, domain: se.linear_regions(net, domain), {"net": NET, "domain": BOX}, "net", NETS
    ),
    *_case(
        lambda net, tol: se.linear_regions(net, BOX, tol=tol),
        {"net": NET, "tol": se.DEFAULT_TOLERANCES},
        "tol",
        TOLS,
    ),
    *[
        pytest.param(
            lambda m=v: se.linear_regions(NET, BOX, max_regions=m),
            {},
            r"max_regions must be None or a number > 0",
            id=f"lr-max_regions-{i}",
        )
        for v, i in (("x", "str"), (-1, "neg"), (float("nan"), "nan"))
    ],
    # polytope transforms
    *_case(
        lambda P, k: se.polytope_fourier(P, k),
        {"P": TRI, "k": K},
        "P",
        [
            (None, "None", r"P must be a Polytope or a Box, got NoneType"),
            ("P", "str", r"P must be a Polytope or a Box, got str 'P'"),
            (np.eye(2), "array", r"P must be a Polytope or a Box, got ndarray"),
        ],
    ),
    *_case(lambda P, k: se.polytope_fourier(P, k), {"P": TRI, "k": K}, "k", FREQS),
    *_case(lambda tol: se.polytope_fourier(TRI, K, tol=tol), {"tol": None}, "tol", TOLS),
    *_case(lambda w: se.affine_polytope_fourier(TRI, w, 0.5, K), {"w": None}, "w", ARRAYS),
    *_case(
        lambda c: se.affine_polytope_fourier(TRI, [1.0, 2.0], c, K),
        {"c": None},
        "c",
        [
            (None, "None", r"c must be a finite real number, got None"),
            ("c", "str", r"c must be a finite real number, got 'c'"),
            (1j, "complex", r"c must be a finite real number, got 1j"),
            (float("nan"), "nan", r"c must be a finite real number, got nan"),
            ([1.0, 2.0], "array", r"c must be a finite real number, got \[1\.0, 2\.0\]"),
        ],
    ),
    # objects
    *_case(lambda lo: se.Box(lo, [1.0, 1.0]), {"lo": None}, "lo", ARRAYS),
    *_case(
        lambda V: se.Polytope.from_vertices(V),
        {"V": None},
        "V",
        [
            (None, "None", r"vertices"),
            ("abc", "str", r"vertices"),
            ([[1j, 0.0], [0.0, 1.0], [1.0, 1.0]], "complex", r"vertices.*(real|complex)"),
            ([[np.nan, 0.0], [0.0, 1.0], [1.0, 1.0]], "nan", r"vertices.*non-finite"),
        ],
    ),
    *_case(
        lambda weights: se.ReLUNetwork(weights, [np.zeros(2), np.zeros(1)]),
        {"weights": None},
        "weights",
        [
            (None, "None", r"weights must be a sequence of per-layer arrays, got NoneType"),
            ("w", "str", r"weights must be a sequence of per-layer arrays, got str"),
            ([np.full((2, 2), np.nan), np.ones((1, 2))], "nan", r"weights\[0\].*non-finite"),
            ([np.ones((2, 2)) * 1j, np.ones((1, 2))], "complex", r"weights\[0\].*(real|complex)"),
        ],
    ),
    *_case(
        lambda s: se.ReLUNetwork.random((2, 3, 1), seed=s),
        {"s": 0},
        "s",
        [
            ("s", "str", r"seed must be an integer, got 's'"),
            (1.5, "float", r"seed must be an integer, got 1\.5"),
            (-1, "neg", r"seed must be at least 0, got -1"),
        ],
    ),
    *_case(
        lambda a: se.ReLUNetwork.random(a),
        {"a": None},
        "a",
        [
            ([2.7, 3.9, 1], "float", r"architecture\[0\] must be an integer, got 2\.7"),
            ([2, -3, 1], "neg", r"positive widths"),
        ],
    ),
    # face poset, conversions
    *_case(
        lambda P: se.face_poset(P),
        {"P": TRI},
        "P",
        [
            (None, "None", r"face_poset needs a Polytope or Box, got NoneType"),
            ("P", "str", r"face_poset needs a Polytope or Box, got str"),
        ],
    ),
    *_case(
        lambda obj: se.theorem1_terms(obj, K),
        {"obj": NET},
        "obj",
        [
            (None, "None", r"cannot take Theorem 1 terms of NoneType"),
            ("x", "str", r"cannot take Theorem 1 terms of str"),
        ],
    ),
    *_case(lambda n: se.fft_fourier_at(NET, BOX, n, K), {"n": 8}, "n", INTS),
    *_case(
        lambda G: se.f_vector(G),
        {"G": None},
        "G",
        [
            (None, "None", r"G must be a face poset \(networkx\.DiGraph\), got NoneType"),
            ("G", "str", r"G must be a face poset \(networkx\.DiGraph\), got str"),
        ],
    ),
    *_case(lambda xi: se.cycles_to_radians(xi), {"xi": None}, "xi", ARRAYS),
    *_case(lambda k: se.radians_to_cycles(k), {"k": None}, "k", ARRAYS),
    # grids and FFT
    *_case(lambda n: se.network_fourier_grid(NET, BOX, n), {"n": 8}, "n", INTS),
    *_case(
        lambda domain: se.network_fourier_grid(NET, domain, 8),
        {"domain": BOX},
        "domain",
        DOMAINS[:1] + DOMAINS[2:],
    ),
    *_case(lambda n: se.fft_fourier(NET, BOX, n), {"n": 8}, "n", INTS),
    # estimates, decay, Theorem 1
    *_case(
        lambda n: se.estimate_regions(DEEP, BOX, n_samples=n),
        {"n": 10},
        "n",
        [
            ("8", "str", r"n_samples must be an integer, got '8'"),
            (2.7, "float", r"n_samples must be an integer, got 2\.7"),
            (0, "zero", r"n_samples must be at least 1, got 0"),
            (True, "bool", r"n_samples must be an integer, got True"),
        ],
    ),
    *_case(lambda t: se.fit_decay_exponent(t, T**-2.0), {"t": T}, "t", ARRAYS),
    *_case(
        lambda v: se.fit_decay_exponent(T, v),
        {"v": None},
        "v",
        [
            (None, "None", r"values is required, got None"),
            ("abc", "str", r"values is not a numeric array"),
            ([object()], "object", r"values is not a numeric array"),
        ],
    ),
    *_case(
        lambda w: se.fit_decay_exponent(T, T**-2.0, window=w),
        {"w": 1.0},
        "w",
        [
            ("w", "str", r"window must be a finite real number, got 'w'"),
            (float("nan"), "nan", r"window must be a finite real number, got nan"),
        ],
    ),
    *_case(
        lambda f: se.measure_decay(f, [1.0, 0.0], 1.0, 10.0, 20),
        {"f": None},
        "f",
        [
            (None, "None", r"func must be callable, got NoneType"),
            ("f", "str", r"func must be callable, got str"),
        ],
    ),
    *_case(
        lambda u: se.measure_decay(lambda k: np.ones(len(k)), u, 1.0, 10.0, 20),
        {"u": None},
        "u",
        ARRAYS,
    ),
    *_case(
        lambda t0: se.measure_decay(lambda k: np.ones(len(k)), [1.0, 0.0], t0, 10.0, 20),
        {"t0": 1.0},
        "t0",
        [(v, i, r"t_min must be a finite number > 0") for v, i, _ in POS],
    ),
    *_case(
        lambda s: se.theorem1_directions(DEEP, seed=s),
        {"s": 0},
        "s",
        [
            ("s", "str", r"seed must be an integer, got 's'"),
            (1.5, "float", r"seed must be an integer, got 1\.5"),
        ],
    ),
    *_case(
        lambda p: se.theorem1_directions(DEEP, probe_t=p),
        {"p": 1.0},
        "p",
        [(v, i, r"probe_t must be a finite number > 0") for v, i, _ in POS],
    ),
    *_case(
        lambda t0: se.verify_theorem1(DEEP, t_min=t0),
        {"t0": 1.0},
        "t0",
        [(v, i, r"t_min must be a finite number > 0") for v, i, _ in POS],
    ),
    *_case(
        lambda tl: se.verify_theorem1(DEEP, tolerance=tl),
        {"tl": 1.0},
        "tl",
        [(v, i, r"tolerance must be a finite number > 0") for v, i, _ in POS],
    ),
    *_case(lambda net: se.special_directions(net, BOX), {"net": NET}, "net", NETS),
    *_case(
        lambda m: se.special_directions(NET, BOX, merge_tol=m),
        {"m": 1e-9},
        "m",
        [(v, i, r"merge_tol must be a finite number > 0") for v, i, _ in POS],
    ),
    # slicing
    *_case(lambda net: se.restrict(net, [0.0, 0.0], [[1.0, 0.0]]), {"net": NET}, "net", NETS),
    *_case(
        lambda b: se.restrict(NET, [0.0, 0.0], b),
        {"b": None},
        "b",
        [
            (None, "None", r"basis must be a real array, got None"),
            ([], "empty", r"basis must have shape \(m, 2\)"),
            ([[1j, 0.0]], "complex", r"basis must be a real array"),
            ([[np.nan, 0.0]], "nan", r"basis has a non-finite entry"),
        ],
    ),
    *_case(lambda net: se.slice_through(net, [[0.0, 0.0], [1.0, 0.0]]), {"net": NET}, "net", NETS),
    *_case(
        lambda r: se.linear_pieces(r),
        {"r": None},
        "r",
        [
            (None, "None", r"regions must be what linear_regions returns, got NoneType"),
            ("r", "str", r"regions must be what linear_regions returns, got str"),
        ],
    ),
    # Tolerances
    *_case(
        lambda g: se.Tolerances(geometry=g),
        {"g": 1e-9},
        "g",
        [(v, i, r"Tolerances\.geometry must be a finite number > 0") for v, i, _ in POS],
    ),
    *_case(
        lambda n: se.Tolerances(series_terms=n),
        {"n": 28},
        "n",
        [
            (2.5, "float", r"Tolerances\.series_terms must be an integer, got 2\.5"),
            ("3", "str", r"Tolerances\.series_terms must be an integer, got '3'"),
            (None, "None", r"Tolerances\.series_terms must be an integer, got None"),
        ],
    ),
]


@pytest.mark.parametrize(("fn", "kwargs", "match"), MATRIX)
def test_bad_input_raises_a_library_error_naming_it(fn, kwargs, match) -> None:
    with pytest.raises(E, match=match) as info:
        fn(**kwargs)
    assert not isinstance(info.value, (AttributeError, KeyError, IndexError))
    assert str(info.value).strip(), "empty message"


@pytest.mark.parametrize(
    ("helper", "value", "match"),
    [
        (tolerances, 1e-9, r"tol must be a Tolerances, got float 1e-09"),
        (network, [1, 2], r"net must be a ReLUNetwork, got list \[1, 2\]"),
        (polyhedron, "square", r"P must be a Polytope or a Box, got str 'square'"),
        (lambda v: real_number(v, "c"), "1", r"c must be a finite real number, got '1'"),
        (lambda v: optional_limit(v, "max_regions"), 0, r"max_regions must be None or a number"),
        (seed, -3, r"seed must be at least 0, got -3"),
        (lambda v: numeric_array(v, "values"), None, r"values is required, got None"),
    ],
)
def test_validation_helpers(helper, value, match) -> None:
    with pytest.raises(E, match=match):
        helper(value)


def test_helpers_accept_good_values() -> None:
    assert tolerances(se.DEFAULT_TOLERANCES) is se.DEFAULT_TOLERANCES
    assert network(NET) is NET
    assert polyhedron(BOX) is BOX
    assert real_number(np.float32(0.5), "c") == 0.5
    assert optional_limit(None, "m") is None and optional_limit(float("inf"), "m") == np.inf
    assert seed(None) is None and seed(7) == 7
    np.testing.assert_array_equal(numeric_array([1, 2j], "v"), [1, 2j])


def test_matrix_covers_every_public_function() -> None:
    """Every public callable that takes user data appears in the matrix (by name in its id or
    its lambda), so a new public function needs a row here.
    """
    covered = {re.split(r"[-\[]", p.id)[0] for p in MATRIX}
    source = Path(__file__).read_text()
    wanted = {
        n
        for n in se.__all__
        if callable(getattr(se, n))
        and not isinstance(getattr(se, n), type)
        and n not in {"from_torch"}  # tests/test_torch_model.py (torch extra)
    }
    missing = sorted(n for n in wanted if f"se.{n}(" not in source and n not in covered)
    assert missing == []


# ------------------------------------------------------------------------------- CLI
CLI_CASES = [
    (["regions", "--seed", "2.7"], r"argument --seed: invalid int value: '2\.7'"),
    (["regions", "--max-regions", "-1"], r"--max-regions must be positive, got '-1'"),
    (["regions", "--max-regions", "nan"], r"--max-regions must be positive, got 'nan'"),
    (["regions", "--max-regions", "abc"], r"--max-regions: not a number: 'abc'"),
    (["regions", "--lo", "a,b"], r"argument --lo: invalid float value: 'a,b'"),
    (["regions", "--color", "nope"], r"argument --color: invalid choice: 'nope'"),
    (["regions", "--arch", "2,0,1"], r"positive widths, got \[2, 0, 1\]"),
    (["regions", "--arch", "2.5,3,1"], r"--arch must be comma-separated integers, got '2\.5,3,1'"),
    (["fourier", "--k", "nan,1"], r"k has non-finite entries"),
    (["fourier", "--k", "a,b"], r"--k must be comma-separated numbers, got 'a,b'"),
    (["fourier", "--k", "0,0", "--whole-space"], r"k = 0 cannot be evaluated on R\^d"),
    (["fourier", "--k", "1,2", "--seed", "x"], r"argument --seed: invalid int value: 'x'"),
    (["demo", "--seed", "2.5", "--quick"], r"argument --seed: invalid int value: '2\.5'"),
    (["slice", "--n", "0"], r"argument --n: must be at least 2, got 0"),
    (["slice", "--epochs", "-1"], r"argument --epochs: must be at least 0, got -1"),
    (["slice", "--channels", "x"], r"argument --channels: must be an integer, got 'x'"),
    (["experiment", "nope"], r"argument NAME: invalid choice: 'nope'"),
    (["nope"], r"argument COMMAND: invalid choice: 'nope'"),
]


@pytest.mark.parametrize(("argv", "match"), CLI_CASES, ids=[" ".join(c[0]) for c in CLI_CASES])
def test_cli_bad_arguments_are_one_line_exit_2(argv, match, tmp_path, capsys) -> None:
    from spectral_exact.cli import main

    out = tmp_path / "out"
    full = [*argv, "--out", str(out)] if argv[0] in ("regions", "demo", "slice") else argv
    try:
        status = main(full)  # failures inside a command: one line, status 2
    except SystemExit as stop:  # argument errors: argparse exits
        status = stop.code
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert re.search(match, err[0]), err[0]
    assert not out.exists()  # refused before any work, nothing left behind
