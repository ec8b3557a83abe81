r"""Exact compilation of piecewise-linear torch models into :class:`ReLUNetwork`.

:func:`from_torch` traces a ``torch.nn.Module`` with ``torch.fx`` and rewrites its forward pass,
node by node, as the layered form

.. math::

    f(x) = W_{L+1}\,\mathrm{relu}(W_L \cdots \mathrm{relu}(W_1 x + b_1) \cdots + b_L) + b_{L+1}

that every function of the library accepts (regions, face posets, exact transforms, plots, the
CLI). The compilation is exact: it introduces no approximation beyond float64 rounding of the
folded weights. How each piecewise-linear operation becomes ReLU layers:

* affine operations (Linear, Conv1d/2d/3d with any stride, padding, dilation and groups,
  AvgPool, AdaptiveAvgPool, BatchNorm in eval mode, Dropout in eval mode, mean/sum, constant
  scaling and shifts, padding) are folded into the affine maps; their matrices are computed by
  pushing the identity basis through the float64 layer with its bias removed (each entry is a
  single product, so the matrix is the layer's own weights, bit for bit);
* Flatten, Unflatten, view, reshape, permute, transpose, squeeze, unsqueeze, indexing and
  concatenation are permutations/selections, found by pushing an index tensor through them;
* ReLU is a ReLU layer; ``LeakyReLU``/``PReLU``: :math:`\mathrm{lrelu}_a(x) = a x + (1-a)
  \mathrm{relu}(x)`; ``Hardtanh``/``ReLU6``/``clamp``: :math:`\min(\max(x, l), h) = l +
  \mathrm{relu}(x - l) - \mathrm{relu}(x - h)`; ``abs``: :math:`\mathrm{relu}(x) +
  \mathrm{relu}(-x)`; ``MaxPool`` and ``maximum``: :math:`\max(a, b) = b + \mathrm{relu}(a -
  b)`, applied as a pairwise tournament (one ReLU layer per round, :math:`\lceil\log_2 K\rceil`
  rounds for a window of K entries), so max units are split exactly by the region enumerators;
* residual additions and concatenations of values computed at different depths lift the
  shallower value through the intermediate layers ("carry" units).

Carry units and exact region counts
-----------------------------------
A :class:`ReLUNetwork` has no identity units, so a value used past a ReLU layer must be carried
through it. Every hidden value is an affine function of the previous layer's units, which are
ReLU outputs and therefore non-negative: carrying a unit :math:`a \ge 0` as
:math:`\mathrm{relu}(a) = a` is exact *and adds no hyperplane* (its pre-activation vanishes
exactly where the carried unit is off, so the enumerators never split on it). Likewise a row
that is a non-negative combination of non-negative units plus a non-negative constant passes a
ReLU unchanged and is not turned into a unit at all. LeakyReLU/PReLU use the two-unit form
:math:`\mathrm{relu}(z) - a\,\mathrm{relu}(-z)` (both units on the real kink :math:`z = 0`), so
they carry nothing. The only signed values are the input coordinates, needed past the first
ReLU layer by a skip connection from the raw input or a max-pool of first-layer
pre-activations: they are rebuilt from ``d`` linearly independent hyperplanes
:math:`h_j = H_j x + \beta_j` that layer 1 already has (chosen by pivoted QR), as
:math:`x = H^{-1}(h - \beta)` with :math:`h_j = \mathrm{relu}(h_j) - \mathrm{relu}(-h_j)`; the
mirror units lie on existing hyperplanes, so the region arrangement is unchanged. Only when
layer 1 does not span :math:`\mathbb{R}^d` does the compiler fall back to
:math:`x_i = \mathrm{relu}(x_i) - \mathrm{relu}(-x_i)`, which adds the hyperplane
:math:`x_i = 0` (exact for the function and its transform, one more split for the regions).
Activation regions can still share an affine map with a neighbour, as for any ReLU network
(e.g. a unit that switches inside a max-pool window it does not win);
:func:`spectral_exact.linear_pieces` merges those to count true linear pieces.

The network returned is a plain :class:`ReLUNetwork` (exact activation regions; some regions
may share an affine map, as for any ReLU network with dead units).
"""

from __future__ import annotations

import builtins
import copy
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ._errors import UnsupportedModuleError
from ._types import FloatArray
from .network import ReLUNetwork

__all__ = ["from_torch", "load_network"]

_PROBE_CHUNK = 2048  # basis vectors pushed through a layer at once
_BASIS_RANK_TOL = 1e-6  # smallest |R_dd / R_11| accepted for the layer-1 carry basis

# Modules and functions that are not piecewise linear, with the reason given to the user.
_NOT_PL_MODULES = {
    "Tanh": "tanh is smooth, not piecewise linear",
    "Sigmoid": "the sigmoid is smooth, not piecewise linear",
    "GELU": "GELU is smooth, not piecewise linear",
    "SiLU": "SiLU/swish is smooth, not piecewise linear",
    "ELU": "ELU is exponential for negative inputs, not piecewise linear",
    "CELU": "CELU is exponential for negative inputs, not piecewise linear",
    "SELU": "SELU is exponential for negative inputs, not piecewise linear",
    "Softplus": "softplus is smooth, not piecewise linear",
    "Mish": "mish is smooth, not piecewise linear",
    "Hardswish": "hardswish is piecewise quadratic, not piecewise linear",
    "Hardsigmoid": "not supported (piecewise linear but not implemented)",
    "Softmax": "softmax is not piecewise linear (use output= to pick or combine logits)",
    "LogSoftmax": "log-softmax is not piecewise linear (use output= to pick or combine logits)",
    "Softmin": "softmin is not piecewise linear",
    "LayerNorm": "layer normalisation divides by a data-dependent norm: not piecewise linear",
    "GroupNorm": "group normalisation divides by a data-dependent norm: not piecewise linear",
    "InstanceNorm1d": "instance normalisation divides by a data-dependent norm",
    "InstanceNorm2d": "instance normalisation divides by a data-dependent norm",
    "MultiheadAttention": "attention multiplies inputs together: not piecewise linear",
    "LSTM": "recurrent gates are smooth: not piecewise linear",
    "GRU": "recurrent gates are smooth: not piecewise linear",
}
_NOT_PL_FUNCTIONS = {
    "tanh",
    "sigmoid",
    "gelu",
    "silu",
    "elu",
    "selu",
    "celu",
    "softplus",
    "mish",
    "softmax",
    "log_softmax",
    "softmin",
    "exp",
    "log",
    "sqrt",
    "rsqrt",
    "pow",
    "sin",
    "cos",
    "layer_norm",
    "group_norm",
    "hardswish",
    "logsigmoid",
    "erf",
    "matmul",
    "bmm",
    "einsum",
}


# ---------------------------------------------------------------------------- symbolic values
@dataclass
class _Sym:
    """A tensor value as an affine map of the units of one layer: ``flat = A @ u_stage + c``."""

    stage: int
    shape: tuple[int, ...]
    A: sp.csr_array  # (numel, width of layer `stage` when created; padded on use)
    c: FloatArray  # (numel,)

    @property
    def numel(self) -> int:
        return int(math.prod(self.shape))


def _csr(m: Any, shape: tuple[int, int] | None = None) -> sp.csr_array:
    out = sp.csr_array(m) if shape is None else sp.csr_array(m, shape=shape)
    out.eliminate_zeros()
    return out


def _pad_cols(A: sp.csr_array, width: int) -> sp.csr_array:
    if A.shape[1] == width:
        return A
    A = A.tocsr(copy=True)
    A.resize((A.shape[0], width))
    return A


def _name(node: Any, what: str) -> str:
    return f"{what} at graph node {node.name!r}"


class _Compiler:
    """Builds the layers of a ReLUNetwork while interpreting an fx graph (private)."""

    def __init__(self, d: int) -> None:
        self.widths = [d]
        self.rows: list[list[sp.csr_array]] = [[]]  # rows[l]: row blocks of layer l (l >= 1)
        self.bias: list[list[FloatArray]] = [[]]
        self.carry: list[dict[int, tuple[int, ...]]] = [{}]  # carry[s][u]: units in layer s+1
        self._basis: tuple[NDArray[np.int64], FloatArray, FloatArray] | None = None
        self._mirror: NDArray[np.int64] | None = None

    # -------------------------------------------------------------- layers
    def new_units(self, stage: int, A: sp.csr_array, c: FloatArray) -> NDArray[np.int64]:
        """Append ReLU units ``relu(A u_stage + c)`` to layer ``stage + 1``; their indices."""
        nxt = stage + 1
        if nxt == len(self.widths):
            self.widths.append(0)
            self.rows.append([])
            self.bias.append([])
            self.carry.append({})
        start = self.widths[nxt]
        self.rows[nxt].append(_pad_cols(_csr(A), self.widths[stage]))
        self.bias[nxt].append(np.asarray(c, dtype=np.float64).copy())
        self.widths[nxt] += A.shape[0]
        return np.arange(start, start + A.shape[0])

    def _select(self, idx: NDArray[np.int64], stage: int, coef: FloatArray | None = None) -> Any:
        n = len(idx)
        data = np.ones(n) if coef is None else coef
        return _csr((data, (np.arange(n), idx)), shape=(n, self.widths[stage]))

    def lift1(self, X: _Sym) -> _Sym:
        """Return the same value on layer ``X.stage + 1`` (carry units added as needed)."""
        s = X.stage
        A = _pad_cols(X.A, self.widths[s])
        used = np.unique(A.indices)
        missing = [int(u) for u in used if int(u) not in self.carry[s]]
        if missing:
            m = len(missing)
            if s == 0 and self.input_basis() is not None:
                return self.lift_input(X)
            if s == 0:  # signed input coordinates: x = relu(x) - relu(-x) (adds x_i = 0)
                rows = sp.vstack(
                    [self._select(np.array(missing), 0), -self._select(np.array(missing), 0)]
                )
                idx = self.new_units(0, _csr(rows), np.zeros(2 * m))
                for j, u in enumerate(missing):
                    self.carry[0][u] = (int(idx[j]), int(idx[m + j]))
            else:  # non-negative units: relu(a) = a, no new hyperplane
                idx = self.new_units(s, self._select(np.array(missing), s), np.zeros(m))
                for j, u in enumerate(missing):
                    self.carry[s][u] = (int(idx[j]),)
        ri, ci, vals = [], [], []
        for u in used:
            units = self.carry[s][int(u)]
            ri.append(int(u))
            ci.append(units[0])
            vals.append(1.0)
            if len(units) == 2:
                ri.append(int(u))
                ci.append(units[1])
                vals.append(-1.0)
        C = _csr((vals, (ri, ci)), shape=(self.widths[s], self.widths[s + 1]))
        return _Sym(s + 1, X.shape, _csr(A @ C), X.c.copy())

    def input_basis(self) -> tuple[NDArray[np.int64], FloatArray, FloatArray] | None:
        """``d`` existing layer-1 hyperplanes spanning R^d (well conditioned), or None.

        Returns the unit indices ``j``, their rows ``H`` (d, d) and offsets ``beta``.
        """
        if self._basis is not None or len(self.widths) < 2 or self.widths[1] == 0:
            return self._basis
        d = self.widths[0]
        H_all = sp.vstack([_pad_cols(r, d) for r in self.rows[1]]).toarray()
        beta_all = np.concatenate(self.bias[1])
        if H_all.shape[0] < d:
            return None
        import scipy.linalg as sla

        _, R, piv = sla.qr(H_all.T, mode="economic", pivoting=True)
        diag = np.abs(np.diag(R))
        if diag.size < d or diag[d - 1] <= _BASIS_RANK_TOL * diag[0]:
            return None
        j = np.sort(piv[:d])
        self._basis = (j, H_all[j], beta_all[j])
        return self._basis

    def lift_input(self, X: _Sym) -> _Sym:
        """Lift a stage-0 value using existing layer-1 hyperplanes ``h_j = H_j x + beta_j``.

        ``x = H^{-1}(h - beta)`` and ``h_j = relu(h_j) - relu(-h_j)``: the mirror units
        ``relu(-h_j)`` lie on hyperplanes the network already has, so the region arrangement
        is unchanged (carrying ``x_i = relu(x_i) - relu(-x_i)`` would add ``x_i = 0``).
        """
        basis = self.input_basis()
        assert basis is not None
        j, H, beta = basis
        if self._mirror is None:
            self._mirror = self.new_units(0, _csr(-H), -beta)
        Hinv = np.linalg.inv(H)
        A = _pad_cols(X.A, self.widths[0]).toarray() @ Hinv  # coefficients on h
        w1 = self.widths[1]
        d = len(j)
        P = np.zeros((d, w1))
        P[np.arange(d), j] = 1.0
        P[np.arange(d), self._mirror] = -1.0
        return _Sym(1, X.shape, _csr(A @ P), X.c - A @ beta)

    def lift(self, X: _Sym, stage: int) -> _Sym:
        while X.stage < stage:
            X = self.lift1(X)
        return X

    def align(self, *xs: _Sym) -> list[_Sym]:
        s = max(x.stage for x in xs)
        return [self.lift(x, s) for x in xs]

    # -------------------------------------------------------------- nonlinearities
    def relu(self, X: _Sym) -> _Sym:
        """``relu(X)`` elementwise; rows provably >= 0 or <= 0 pass without new units."""
        s = X.stage
        A = _pad_cols(X.A, self.widths[s])
        if s >= 1:
            Acoo = A.tocoo()
            neg = np.zeros(A.shape[0], bool)
            pos = np.zeros(A.shape[0], bool)
            np.logical_or.at(neg, Acoo.row, Acoo.data < 0)
            np.logical_or.at(pos, Acoo.row, Acoo.data > 0)
            nonneg = ~neg & (X.c >= 0)
            nonpos = ~pos & (X.c <= 0)
        else:
            nonneg = np.zeros(A.shape[0], bool)
            nonpos = np.zeros(A.shape[0], bool)
        if nonneg.all():
            return X
        cut = np.flatnonzero(~nonneg & ~nonpos)
        if len(cut) == 0:  # every row is >= 0 or <= 0 on all of R^d: relu is x or 0
            keep = nonneg.astype(np.float64)
            return _Sym(s, X.shape, _csr(sp.diags_array(keep) @ A), X.c * keep)
        idx = self.new_units(s, A[cut], X.c[cut])
        sel = self._select(idx, s + 1)
        n = A.shape[0]
        out_rows = sp.lil_array((n, self.widths[s + 1]))
        out_c = np.zeros(n)
        if nonneg.any():
            rows = np.flatnonzero(nonneg)
            lifted = self.lift1(_Sym(s, (len(rows),), A[rows], X.c[rows]))
            P = _csr((np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(n, len(rows)))
            out_rows = P @ _pad_cols(lifted.A, self.widths[s + 1])
            out_c[rows] = lifted.c
        Q = _csr((np.ones(len(cut)), (cut, np.arange(len(cut)))), shape=(n, len(cut)))
        w1 = self.widths[s + 1]  # carries may have widened the layer since `sel` was made
        out = _pad_cols(_csr(out_rows), w1) + _pad_cols(_csr(Q @ sel), w1)
        return _Sym(s + 1, X.shape, _csr(out), out_c)

    def maximum_pairs(self, a: _Sym, b: _Sym) -> _Sym:
        """Elementwise ``max(a, b) = b + relu(a - b)`` (same shapes)."""
        a, b = self.align(a, b)
        r = self.relu(self.sub(a, b))
        return self.add(*self.align(b, r))

    def max_groups(self, X: _Sym, groups: list[NDArray[np.int64]], shape: tuple[int, ...]) -> _Sym:
        """``out[i] = max_j X.flat[groups[i][j]]`` by a pairwise tournament."""
        cur = [np.asarray(g, dtype=np.int64) for g in groups]
        # rows of the candidate pool; pool index lists per output
        pool = X
        while any(len(g) > 1 for g in cur):
            a_idx, b_idx, owners_pairs = [], [], []
            single, owners_single = [], []
            for i, g in enumerate(cur):
                for j in range(0, len(g) - 1, 2):
                    a_idx.append(g[j])
                    b_idx.append(g[j + 1])
                    owners_pairs.append(i)
                if len(g) % 2:
                    single.append(g[-1])
                    owners_single.append(i)
            ai = np.array(a_idx, dtype=np.int64)
            bi = np.array(b_idx, dtype=np.int64)
            si = np.array(single, dtype=np.int64)
            pa, pb, ps = self.take(pool, ai), self.take(pool, bi), self.take(pool, si)
            m = self.maximum_pairs(pa, pb)
            ps = self.lift(ps, m.stage)
            pool = self.concat_flat([m, ps])
            new: list[list[int]] = [[] for _ in cur]
            for k, i in enumerate(owners_pairs):
                new[i].append(k)
            for k, i in enumerate(owners_single):
                new[i].append(len(ai) + k)
            cur = [np.array(g, dtype=np.int64) for g in new]
        order = np.array([g[0] for g in cur], dtype=np.int64)
        out = self.take(pool, order)
        return _Sym(out.stage, shape, out.A, out.c)

    # -------------------------------------------------------------- affine helpers
    def take(self, X: _Sym, idx: NDArray[np.int64], shape: tuple[int, ...] | None = None) -> _Sym:
        A = _pad_cols(X.A, self.widths[X.stage])
        return _Sym(X.stage, shape or (len(idx),), _csr(A[idx]), X.c[idx].copy())

    def concat_flat(self, xs: list[_Sym]) -> _Sym:
        xs = self.align(*xs)
        s = xs[0].stage
        A = sp.vstack([_pad_cols(x.A, self.widths[s]) for x in xs])
        c = np.concatenate([x.c for x in xs])
        return _Sym(s, (A.shape[0],), _csr(A), c)

    def add(self, a: _Sym, b: _Sym) -> _Sym:
        a, b = self.align(a, b)
        w = self.widths[a.stage]
        return _Sym(a.stage, a.shape, _csr(_pad_cols(a.A, w) + _pad_cols(b.A, w)), a.c + b.c)

    def sub(self, a: _Sym, b: _Sym) -> _Sym:
        return self.add(a, self.scale(b, -1.0))

    @staticmethod
    def scale(X: _Sym, s: float | FloatArray) -> _Sym:
        if np.ndim(s) == 0:
            return _Sym(X.stage, X.shape, _csr(X.A * float(s)), X.c * float(s))
        sv = np.asarray(s, dtype=np.float64).reshape(-1)
        return _Sym(X.stage, X.shape, _csr(sp.diags_array(sv) @ X.A), X.c * sv)

    @staticmethod
    def linear_map(X: _Sym, M: sp.csr_array, m: FloatArray, shape: tuple[int, ...]) -> _Sym:
        return _Sym(X.stage, shape, _csr(M @ X.A), M @ X.c + m)


# ---------------------------------------------------------------------------- torch probes
def _torch() -> Any:
    import torch

    return torch


def _probe_linear(
    fn: Callable[[Any], Any], shape: tuple[int, ...]
) -> tuple[sp.csr_array, tuple[int, ...]]:
    """Matrix of a linear, batch-respecting ``fn`` on inputs of ``shape`` (leading batch of 1).

    Pushes the identity basis (as a batch) through ``fn`` in float64.
    """
    torch = _torch()
    batched = len(shape) >= 1 and shape[0] == 1
    rest = shape[1:] if batched else shape
    n = int(math.prod(shape))
    blocks = []
    out_rest: tuple[int, ...] = ()
    with torch.no_grad():
        for start in range(0, n, _PROBE_CHUNK):
            stop = min(n, start + _PROBE_CHUNK)
            E = torch.zeros((stop - start, n), dtype=torch.float64)
            E[torch.arange(stop - start), torch.arange(start, stop)] = 1.0
            out = fn(E.reshape(stop - start, *rest))
            out_rest = tuple(out.shape[1:])
            blocks.append(sp.csr_array(out.reshape(stop - start, -1).numpy().T))
    M = sp.hstack(blocks).tocsr() if len(blocks) > 1 else blocks[0]
    M.eliminate_zeros()
    out_shape = (1, *out_rest) if batched else out_rest
    return M, out_shape


def _index_map(fn: Callable[[Any], Any], X: _Sym) -> tuple[NDArray[np.int64], tuple[int, ...]]:
    """Which input element each output element of a permutation/selection ``fn`` is."""
    torch = _torch()
    idx = torch.arange(X.numel, dtype=torch.int64).reshape(X.shape)
    out = fn(idx)
    return out.reshape(-1).numpy().astype(np.int64), tuple(out.shape)


def _channel_vector(v: Any, shape: tuple[int, ...]) -> FloatArray:
    """Return a per-channel vector (channel = dim 1) broadcast to ``shape``, flattened."""
    arr = np.asarray(v.detach().double().numpy() if hasattr(v, "detach") else v, dtype=np.float64)
    view = [1] * len(shape)
    if len(shape) >= 2:
        view[1] = arr.size
    else:
        view[0] = arr.size
    return np.broadcast_to(arr.reshape(view), shape).reshape(-1).copy()


def _tuple(v: Any, nd: int) -> tuple[int, ...]:
    if isinstance(v, (tuple, list)):
        return tuple(int(t) for t in v)
    return (int(v),) * nd


def _pool_windows(
    in_shape: tuple[int, ...],
    out_shape: tuple[int, ...],
    nd: int,
    kernel: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
) -> list[NDArray[np.int64]]:
    """Flat input indices in each max-pool window (padding excluded), one list per output."""
    k = _tuple(kernel, nd)
    s = _tuple(stride if stride not in (None, [], ()) else kernel, nd)
    p = _tuple(padding, nd)
    dl = _tuple(dilation, nd)
    lead = in_shape[: len(in_shape) - nd]
    sp_in = in_shape[len(in_shape) - nd :]
    sp_out = out_shape[len(out_shape) - nd :]
    per_dim = []
    for i in range(nd):
        pos = np.arange(sp_out[i])[:, None] * s[i] - p[i] + np.arange(k[i])[None, :] * dl[i]
        per_dim.append(pos)
    strides_in = np.array([int(math.prod(sp_in[i + 1 :])) for i in range(nd)])
    n_sp = int(math.prod(sp_in))
    groups = []
    for lead_i in range(int(math.prod(lead))):
        for o in np.ndindex(*sp_out):
            idx = np.zeros(1, dtype=np.int64)
            ok = np.ones(1, bool)
            for i in range(nd):
                pos = per_dim[i][o[i]]
                valid = (pos >= 0) & (pos < sp_in[i])
                idx = (idx[:, None] + pos[None, :] * strides_in[i]).reshape(-1)
                ok = (ok[:, None] & valid[None, :]).reshape(-1)
            groups.append(lead_i * n_sp + idx[ok])
    return groups


# ---------------------------------------------------------------------------- interpreter
class _Interp:
    def __init__(self, gm: Any, comp: _Compiler) -> None:
        self.gm = gm
        self.c = comp

    # -------------------------------------------------------------- helpers
    def const(self, v: Any) -> Any:
        torch = _torch()
        if isinstance(v, torch.Tensor):
            return v.detach().double()
        return v

    def sym_plus_const(self, X: _Sym, k: Any, sign: float = 1.0) -> _Sym:
        torch = _torch()
        kt = torch.as_tensor(k, dtype=torch.float64)
        out_shape = tuple(torch.broadcast_shapes(X.shape, tuple(kt.shape)))
        if out_shape != X.shape:
            raise UnsupportedModuleError(
                f"adding a constant of shape {tuple(kt.shape)} broadcasts the value of shape "
                f"{X.shape} to {out_shape}; only constants that keep the shape are supported"
            )
        kv = torch.broadcast_to(kt, X.shape).reshape(-1).numpy()
        return _Sym(X.stage, X.shape, X.A, X.c + sign * kv)

    def sym_times_const(self, X: _Sym, k: Any, where: str) -> _Sym:
        torch = _torch()
        kt = torch.as_tensor(k, dtype=torch.float64)
        if kt.numel() == 1:
            return self.c.scale(X, float(kt.reshape(-1)[0]))
        out_shape = tuple(torch.broadcast_shapes(X.shape, tuple(kt.shape)))
        if out_shape != X.shape:
            raise UnsupportedModuleError(
                f"{where}: multiplying by a constant of shape {tuple(kt.shape)} changes the shape"
            )
        return self.c.scale(X, torch.broadcast_to(kt, X.shape).reshape(-1).numpy())

    def index_op(self, X: _Sym, fn: Callable[[Any], Any]) -> _Sym:
        idx, shape = _index_map(fn, X)
        return self.c.take(X, idx, shape)

    def probe_op(
        self, X: _Sym, fn: Callable[[Any], Any], bias: Any = None, channel: bool = True
    ) -> _Sym:
        M, shape = _probe_linear(fn, X.shape)
        m = np.zeros(M.shape[0])
        if bias is not None:
            m = (
                _channel_vector(bias, shape)
                if channel
                else np.broadcast_to(np.asarray(bias.detach().double().numpy()), shape)
                .reshape(-1)
                .copy()
            )
        return self.c.linear_map(X, M, m, shape)

    # -------------------------------------------------------------- dispatch
    def run(self, input_shape: tuple[int, ...]) -> _Sym:
        torch = _torch()
        env: dict[str, Any] = {}
        seen_input = False
        result: Any = None
        for node in self.gm.graph.nodes:
            if node.op == "placeholder":
                if seen_input:
                    if node.args:  # a default value
                        env[node.name] = node.args[0]
                        continue
                    raise UnsupportedModuleError(
                        f"forward takes more than one tensor input ({node.name!r}); "
                        "only single-input models are supported"
                    )
                seen_input = True
                d = int(math.prod(input_shape))
                env[node.name] = _Sym(
                    0, (1, *input_shape), _csr(sp.identity(d, format="csr")), np.zeros(d)
                )
                continue
            args = torch.fx.node.map_arg(node.args, lambda n: env[n.name])
            kwargs = torch.fx.node.map_arg(node.kwargs, lambda n: env[n.name])
            if node.op == "get_attr":
                obj: Any = self.gm
                for part in str(node.target).split("."):
                    obj = getattr(obj, part)
                env[node.name] = self.const(obj)
            elif node.op == "call_module":
                env[node.name] = self.call_module(
                    node, self.gm.get_submodule(node.target), args, kwargs
                )
            elif node.op == "call_function":
                env[node.name] = self.call_function(node, node.target, args, kwargs)
            elif node.op == "call_method":
                env[node.name] = self.call_method(node, str(node.target), args, kwargs)
            elif node.op == "output":
                result = args[0]
        if isinstance(result, (tuple, list)):
            if len(result) != 1:
                raise UnsupportedModuleError(
                    f"forward returns {len(result)} values; return a single tensor"
                )
            result = result[0]
        if not isinstance(result, _Sym):
            raise UnsupportedModuleError("the model's output does not depend on its input")
        return result

    def _refuse_module(self, node: Any, mod: Any) -> Any:
        name = type(mod).__name__
        why = _NOT_PL_MODULES.get(name, "this layer type is not supported by the compiler")
        raise UnsupportedModuleError(
            f"layer {node.target!r} ({name}) cannot be compiled exactly: {why}"
        )

    def call_module(self, node: Any, mod: Any, args: Any, kwargs: Any) -> Any:
        torch = _torch()
        nn = torch.nn
        X = args[0]
        name = type(mod).__name__
        if not isinstance(X, _Sym):
            raise UnsupportedModuleError(f"layer {node.target!r} ({name}) is applied to a constant")
        where = f"layer {node.target!r} ({name})"
        if isinstance(mod, (nn.Identity,)):
            return X
        if isinstance(
            mod, nn.Dropout | nn.Dropout1d | nn.Dropout2d | nn.Dropout3d | nn.AlphaDropout
        ):
            if mod.training and mod.p > 0:
                raise UnsupportedModuleError(
                    f"{where} is in training mode: it multiplies by random masks; "
                    "call model.eval() first"
                )
            return X
        if isinstance(mod, nn.modules.batchnorm._BatchNorm):
            if mod.training:
                raise UnsupportedModuleError(
                    f"{where} is in training mode: it normalises with batch statistics, which is "
                    "not a function of one input; call model.eval() first"
                )
            if mod.running_mean is None or mod.running_var is None:
                raise UnsupportedModuleError(
                    f"{where} has track_running_stats=False: it uses batch statistics even in "
                    "eval mode"
                )
            var = mod.running_var.detach().double()
            mean = mod.running_mean.detach().double()
            s = 1.0 / torch.sqrt(var + mod.eps)
            if mod.weight is not None:
                s = s * mod.weight.detach().double()
            t = -mean * s
            if mod.bias is not None:
                t = t + mod.bias.detach().double()
            sv = _channel_vector(s, X.shape)
            tv = _channel_vector(t, X.shape)
            Y = self.c.scale(X, sv)
            return _Sym(Y.stage, Y.shape, Y.A, Y.c + tv)
        if isinstance(mod, nn.Linear):
            W = mod.weight.detach().double()
            Y = self.probe_op(X, lambda e: torch.nn.functional.linear(e, W), None)
            if mod.bias is not None:
                b = mod.bias.detach().double().numpy()
                Y = _Sym(Y.stage, Y.shape, Y.A, Y.c + np.broadcast_to(b, Y.shape).reshape(-1))
            return Y
        if isinstance(mod, nn.Conv1d | nn.Conv2d | nn.Conv3d):
            W = mod.weight.detach().double()
            return self.probe_op(X, lambda e: mod._conv_forward(e, W, None), mod.bias)
        if isinstance(mod, nn.ConvTranspose1d | nn.ConvTranspose2d | nn.ConvTranspose3d):
            W = mod.weight.detach().double()
            m64 = copy.deepcopy(mod).double()
            m64.bias = None

            def ct(e: Any) -> Any:
                return m64(e)

            return self.probe_op(X, ct, mod.bias)
        if isinstance(
            mod,
            (
                nn.AvgPool1d,
                nn.AvgPool2d,
                nn.AvgPool3d,
                nn.AdaptiveAvgPool1d,
                nn.AdaptiveAvgPool2d,
                nn.AdaptiveAvgPool3d,
                nn.ZeroPad2d,
                nn.ZeroPad1d,
                nn.ZeroPad3d,
            ),
        ):
            if getattr(mod, "divisor_override", None) is not None:
                pass
            return self.probe_op(X, mod, None)
        if isinstance(mod, nn.Flatten | nn.Unflatten):
            return self.index_op(X, mod)
        if type(mod) is nn.ReLU:
            return self.c.relu(X)
        if isinstance(mod, nn.LeakyReLU):
            return self.leaky(X, float(mod.negative_slope))
        if isinstance(mod, nn.PReLU):
            a = mod.weight.detach().double().numpy().reshape(-1)
            av = np.full(X.numel, a[0]) if a.size == 1 else _channel_vector(a, X.shape)
            return self.leaky(X, av)
        if isinstance(mod, nn.Hardtanh):  # includes ReLU6
            return self.clamp(X, float(mod.min_val), float(mod.max_val), where)
        if isinstance(mod, nn.MaxPool1d | nn.MaxPool2d | nn.MaxPool3d):
            if mod.return_indices:
                raise UnsupportedModuleError(f"{where}: return_indices=True is not supported")
            nd = {nn.MaxPool1d: 1, nn.MaxPool2d: 2, nn.MaxPool3d: 3}[type(mod)]
            return self.maxpool(X, mod, nd, mod.kernel_size, mod.stride, mod.padding, mod.dilation)
        if isinstance(mod, nn.AdaptiveMaxPool1d | nn.AdaptiveMaxPool2d):
            return self._refuse_module(node, mod)
        return self._refuse_module(node, mod)

    def leaky(self, X: _Sym, a: float | FloatArray) -> _Sym:
        # lrelu_a(z) = relu(z) - a relu(-z): both units share the real kink z = 0, and no
        # signed value has to be carried (a z + (1 - a) relu(z) would carry z)
        n = X.numel
        both = self.c.relu(self.c.concat_flat([X, self.c.scale(X, -1.0)]))
        A = _pad_cols(both.A, self.c.widths[both.stage])
        av = np.broadcast_to(np.asarray(a, dtype=np.float64), (n,))
        neg = sp.diags_array(av) @ A[n:]
        return _Sym(both.stage, X.shape, _csr(A[:n] - neg), both.c[:n] - av * both.c[n:])

    def clamp(self, X: _Sym, lo: float | None, hi: float | None, where: str) -> _Sym:
        if lo is not None and hi is not None and not lo < hi:
            raise UnsupportedModuleError(f"{where}: clamp needs min < max, got {lo}, {hi}")
        if lo is None and hi is None:
            return X
        if hi is None:  # max(x, lo) = lo + relu(x - lo)
            assert lo is not None
            r = self.c.relu(_Sym(X.stage, X.shape, X.A, X.c - lo))
            return _Sym(r.stage, r.shape, r.A, r.c + lo)
        if lo is None:  # min(x, hi) = hi - relu(hi - x)
            r = self.c.relu(_Sym(X.stage, X.shape, -X.A, hi - X.c))
            return _Sym(r.stage, r.shape, _csr(-r.A), hi - r.c)
        both = self.c.relu(
            _Sym(
                X.stage,
                (2 * X.numel,),
                _csr(sp.vstack([X.A, X.A])),
                np.concatenate([X.c - lo, X.c - hi]),
            )
        )
        n = X.numel
        w = self.c.widths[both.stage]
        A = _pad_cols(both.A, w)
        return _Sym(both.stage, X.shape, _csr(A[:n] - A[n:]), both.c[:n] - both.c[n:] + lo)

    def absolute(self, X: _Sym) -> _Sym:
        neg = self.c.scale(X, -1.0)
        both = self.c.relu(self.c.concat_flat([X, neg]))
        n = X.numel
        A = _pad_cols(both.A, self.c.widths[both.stage])
        return _Sym(both.stage, X.shape, _csr(A[:n] + A[n:]), both.c[:n] + both.c[n:])

    def maxpool(
        self,
        X: _Sym,
        fn_or_mod: Any,
        nd: int,
        kernel: Any,
        stride: Any,
        padding: Any,
        dilation: Any,
        ceil_mode: bool | None = None,
    ) -> _Sym:
        torch = _torch()
        F = torch.nn.functional
        pool = getattr(F, f"max_pool{nd}d")
        cm = bool(getattr(fn_or_mod, "ceil_mode", False)) if ceil_mode is None else ceil_mode
        st = stride if stride not in (None, [], ()) else kernel
        with torch.no_grad():
            out = pool(torch.zeros(X.shape, dtype=torch.float64), kernel, st, padding, dilation, cm)
        groups = _pool_windows(X.shape, tuple(out.shape), nd, kernel, st, padding, dilation)
        return self.c.max_groups(X, groups, tuple(out.shape))

    def call_function(self, node: Any, fn: Any, args: Any, kwargs: Any) -> Any:
        torch = _torch()
        F = torch.nn.functional
        fname = getattr(fn, "__name__", str(fn))
        syms = [a for a in args if isinstance(a, _Sym)]
        if (
            not syms
            and not any(isinstance(v, _Sym) for v in kwargs.values())
            and not (
                fn in (torch.cat, torch.concat, torch.stack)
                and args
                and any(isinstance(t, _Sym) for t in args[0])
            )
        ):
            return fn(*args, **kwargs)  # constant folding (shapes, sizes, parameters)
        where = _name(node, f"function {fname}")
        if fname in _NOT_PL_FUNCTIONS:
            raise UnsupportedModuleError(
                f"{where} cannot be compiled exactly: {fname} is not piecewise linear"
            )
        if fn in (operator.add, operator.iadd, torch.add):
            a, b = args[0], args[1]
            alpha = kwargs.get("alpha", 1)
            return self.add_any(a, b, float(alpha), where)
        if fn in (operator.sub, operator.isub, torch.sub):
            alpha = kwargs.get("alpha", 1)
            return self.add_any(args[0], args[1], -float(alpha), where)
        if fn in (operator.neg, torch.neg):
            return self.c.scale(args[0], -1.0)
        if fn in (operator.mul, operator.imul, torch.mul):
            a, b = args[0], args[1]
            if isinstance(a, _Sym) and isinstance(b, _Sym):
                raise UnsupportedModuleError(
                    f"{where} multiplies two input-dependent values: not piecewise linear"
                )
            X, k = (a, b) if isinstance(a, _Sym) else (b, a)
            return self.sym_times_const(X, k, where)
        if fn in (operator.truediv, operator.itruediv, torch.div):
            a, b = args[0], args[1]
            if isinstance(b, _Sym) or kwargs.get("rounding_mode") is not None:
                raise UnsupportedModuleError(f"{where}: division by an input-dependent value")
            return self.sym_times_const(a, 1.0 / torch.as_tensor(b, dtype=torch.float64), where)
        if fn in (torch.cat, torch.concat):
            return self.cat(list(args[0]), kwargs.get("dim", args[1] if len(args) > 1 else 0))
        if fn is operator.getitem:
            return self.index_op(args[0], lambda t: t[args[1]])
        if fn is builtins.getattr:
            X, attr = args
            if attr == "shape":
                return torch.Size(X.shape)
            raise UnsupportedModuleError(f"{where}: attribute {attr!r} of a traced value")
        if fn in (
            torch.flatten,
            torch.reshape,
            torch.permute,
            torch.transpose,
            torch.squeeze,
            torch.unsqueeze,
            torch.movedim,
            torch.flip,
            torch.swapaxes,
        ):
            rest, kw = args[1:], kwargs
            return self.index_op(args[0], lambda t: fn(t, *rest, **kw))
        if fn in (F.relu, torch.relu):
            return self.c.relu(args[0])
        if fn is F.relu6:
            return self.clamp(args[0], 0.0, 6.0, where)
        if fn is F.leaky_relu:
            slope = args[1] if len(args) > 1 else kwargs.get("negative_slope", 0.01)
            return self.leaky(args[0], float(slope))
        if fn is F.hardtanh:
            lo = args[1] if len(args) > 1 else kwargs.get("min_val", -1.0)
            hi = args[2] if len(args) > 2 else kwargs.get("max_val", 1.0)
            return self.clamp(args[0], float(lo), float(hi), where)
        if fn in (torch.abs, operator.abs):
            return self.absolute(args[0])
        if fn in (torch.clamp, torch.clip):
            lo = args[1] if len(args) > 1 else kwargs.get("min")
            hi = args[2] if len(args) > 2 else kwargs.get("max")
            return self.clamp(
                args[0], None if lo is None else float(lo), None if hi is None else float(hi), where
            )
        if (
            fn in (torch.maximum, torch.max, torch.minimum, torch.min)
            and len(syms) == 2
            and len(args) == 2
        ):
            a, b = args
            if fn in (torch.maximum, torch.max):
                return self.c.maximum_pairs(a, b)
            return self.c.scale(
                self.c.maximum_pairs(self.c.scale(a, -1.0), self.c.scale(b, -1.0)), -1.0
            )
        if fn is F.dropout or fn is F.dropout2d or fn is F.dropout1d:
            training = args[2] if len(args) > 2 else kwargs.get("training", True)
            p = args[1] if len(args) > 1 else kwargs.get("p", 0.5)
            if training and p > 0:
                raise UnsupportedModuleError(
                    f"{where} is called with training=True: random masks; call model.eval()"
                )
            return args[0]
        if fn is F.linear:
            W = args[1] if len(args) > 1 else kwargs["weight"]
            b = args[2] if len(args) > 2 else kwargs.get("bias")
            Y = self.probe_op(args[0], lambda e: F.linear(e, W), None)
            if b is not None:
                bb = np.broadcast_to(b.numpy(), Y.shape).reshape(-1)
                Y = _Sym(Y.stage, Y.shape, Y.A, Y.c + bb)
            return Y
        if fn in (F.conv1d, F.conv2d, F.conv3d):
            W = args[1] if len(args) > 1 else kwargs["weight"]
            b = args[2] if len(args) > 2 else kwargs.get("bias")
            rest = args[3:]
            kw = {k: v for k, v in kwargs.items() if k not in ("weight", "bias")}
            return self.probe_op(args[0], lambda e: fn(e, W, None, *rest, **kw), b)
        if fn in (
            F.avg_pool1d,
            F.avg_pool2d,
            F.avg_pool3d,
            F.adaptive_avg_pool1d,
            F.adaptive_avg_pool2d,
            F.adaptive_avg_pool3d,
        ):
            rest, kw = args[1:], kwargs
            return self.probe_op(args[0], lambda e: fn(e, *rest, **kw), None)
        if fn in (F.max_pool1d, F.max_pool2d, F.max_pool3d):
            nd = {F.max_pool1d: 1, F.max_pool2d: 2, F.max_pool3d: 3}[fn]
            names = ["kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"]
            vals = dict(zip(names, args[1:], strict=False))
            vals.update(kwargs)
            if vals.get("return_indices"):
                raise UnsupportedModuleError(f"{where}: return_indices=True is not supported")
            return self.maxpool(
                args[0],
                None,
                nd,
                vals["kernel_size"],
                vals.get("stride"),
                vals.get("padding", 0),
                vals.get("dilation", 1),
                bool(vals.get("ceil_mode", False)),
            )
        if fn in (torch.mean, torch.sum):
            rest, kw = args[1:], kwargs
            return self.reduce_op(args[0], lambda e: fn(e, *rest, **kw), where)
        raise UnsupportedModuleError(f"{where} is not supported by the compiler")

    def reduce_op(self, X: _Sym, fn: Callable[[Any], Any], where: str) -> _Sym:
        torch = _torch()
        with torch.no_grad():
            probe = fn(torch.zeros(X.shape, dtype=torch.float64))
        if X.shape[0] != 1 or probe.ndim == 0 or probe.shape[0] != 1:
            raise UnsupportedModuleError(f"{where}: reductions over the batch dimension")
        return self.probe_op(X, fn, None)

    def add_any(self, a: Any, b: Any, alpha: float, where: str) -> Any:
        if isinstance(a, _Sym) and isinstance(b, _Sym):
            if a.shape != b.shape:
                torch = _torch()
                try:
                    shape = tuple(torch.broadcast_shapes(a.shape, b.shape))
                except RuntimeError as exc:
                    raise UnsupportedModuleError(
                        f"{where}: shapes {a.shape} and {b.shape} do not broadcast"
                    ) from exc
                a = self.index_op(a, lambda t: t.expand(shape))
                b = self.index_op(b, lambda t: t.expand(shape))
            return self.c.add(a, self.c.scale(b, alpha))
        if isinstance(a, _Sym):
            torch = _torch()
            return self.sym_plus_const(a, torch.as_tensor(b, dtype=torch.float64) * alpha)
        return self.sym_plus_const(self.c.scale(b, alpha), a)

    def cat(self, xs: list[Any], dim: int) -> _Sym:
        torch = _torch()
        if not all(isinstance(x, _Sym) for x in xs):
            raise UnsupportedModuleError("torch.cat of an input-dependent value and a constant")
        offs = np.cumsum([0] + [x.numel for x in xs])
        idx = [
            torch.arange(int(offs[i]), int(offs[i + 1]), dtype=torch.int64).reshape(x.shape)
            for i, x in enumerate(xs)
        ]
        out = torch.cat(idx, dim=dim)
        pool = self.c.concat_flat(xs)
        return self.c.take(pool, out.reshape(-1).numpy().astype(np.int64), tuple(out.shape))

    def call_method(self, node: Any, name: str, args: Any, kwargs: Any) -> Any:
        torch = _torch()
        X = args[0]
        if not isinstance(X, _Sym):
            return getattr(X, name)(*args[1:], **kwargs)
        where = _name(node, f"method .{name}()")
        if name in ("size",):
            return torch.Size(X.shape) if not args[1:] else X.shape[args[1]]
        if name == "dim":
            return len(X.shape)
        if name == "numel":
            return X.numel
        if name in (
            "view",
            "reshape",
            "flatten",
            "permute",
            "transpose",
            "squeeze",
            "unsqueeze",
            "contiguous",
            "flip",
            "view_as",
            "reshape_as",
            "movedim",
            "swapaxes",
            "unflatten",
            "expand_as",
        ):
            rest = [torch.zeros(a.shape) if isinstance(a, _Sym) else a for a in args[1:]]
            return self.index_op(X, lambda t: getattr(t, name)(*rest, **kwargs))
        if name in ("double", "float", "to", "cpu", "clone", "detach"):
            return X
        if name in ("relu", "relu_"):
            return self.c.relu(X)
        if name in ("abs", "abs_"):
            return self.absolute(X)
        if name in ("clamp", "clip", "clamp_min", "clamp_max"):
            if name == "clamp_min":
                return self.clamp(X, float(args[1]), None, where)
            if name == "clamp_max":
                return self.clamp(X, None, float(args[1]), where)
            lo = args[1] if len(args) > 1 else kwargs.get("min")
            hi = args[2] if len(args) > 2 else kwargs.get("max")
            return self.clamp(
                X, None if lo is None else float(lo), None if hi is None else float(hi), where
            )
        if name in ("add", "add_", "sub", "sub_"):
            alpha = float(kwargs.get("alpha", 1)) * (-1.0 if name.startswith("sub") else 1.0)
            return self.add_any(X, args[1], alpha, where)
        if name in ("mul", "mul_"):
            if isinstance(args[1], _Sym):
                raise UnsupportedModuleError(
                    f"{where} multiplies two input-dependent values: not piecewise linear"
                )
            return self.sym_times_const(X, args[1], where)
        if name in ("div", "div_"):
            if isinstance(args[1], _Sym):
                raise UnsupportedModuleError(f"{where}: division by an input-dependent value")
            return self.sym_times_const(
                X, 1.0 / torch.as_tensor(args[1], dtype=torch.float64), where
            )
        if name in ("neg", "neg_"):
            return self.c.scale(X, -1.0)
        if name in ("mean", "sum"):
            return self.reduce_op(X, lambda e: getattr(e, name)(*args[1:], **kwargs), where)
        if name in _NOT_PL_FUNCTIONS:
            raise UnsupportedModuleError(
                f"{where} cannot be compiled exactly: {name} is not piecewise linear"
            )
        raise UnsupportedModuleError(f"{where} is not supported by the compiler")


# ---------------------------------------------------------------------------- assembly
def _prune(ws: list[FloatArray], bs: list[FloatArray]) -> tuple[list[FloatArray], list[FloatArray]]:
    """Drop hidden units whose output is never used or that are dead everywhere."""
    for layer in range(len(ws) - 2, -1, -1):
        used = np.any(ws[layer + 1] != 0, axis=0)
        dead = ~np.any(ws[layer] != 0, axis=1) & (bs[layer] <= 0)
        keep = used & ~dead
        if not keep.any():
            keep[0] = True  # keep one (zero-output) unit so that the layer stays valid
        ws[layer] = ws[layer][keep]
        bs[layer] = bs[layer][keep]
        ws[layer + 1] = ws[layer + 1][:, keep]
    return ws, bs


def _assemble(comp: _Compiler, out: _Sym, functional: FloatArray) -> ReLUNetwork:
    L = out.stage
    ws: list[FloatArray] = []
    bs: list[FloatArray] = []
    for layer in range(1, L + 1):
        rows = [_pad_cols(r, comp.widths[layer - 1]) for r in comp.rows[layer]]
        ws.append(sp.vstack(rows).toarray() if rows else np.zeros((0, comp.widths[layer - 1])))
        bs.append(np.concatenate(comp.bias[layer]))
    # units of deeper layers than the output (unused branches) are simply dropped
    A = _pad_cols(out.A, comp.widths[L])
    ws.append(np.asarray(functional @ A, dtype=np.float64).reshape(1, -1))
    bs.append(np.array([float(functional @ out.c)]))
    ws, bs = _prune(ws, bs)
    return ReLUNetwork(ws, bs)


def _infer_input_shape(gm: Any, model: Any) -> tuple[int, ...]:
    torch = _torch()
    nn = torch.nn
    for node in gm.graph.nodes:
        if node.op == "call_module":
            mod = gm.get_submodule(node.target)
            if isinstance(mod, nn.Linear):
                return (int(mod.in_features),)
            if isinstance(mod, (nn.Flatten, nn.Identity, nn.Dropout)):
                continue
            break
        if node.op == "call_function" and node.target is torch.nn.functional.linear:
            break
    raise UnsupportedModuleError(
        f"cannot infer the input shape of {type(model).__name__}; pass input_shape= "
        "(without the batch dimension, e.g. (1, 8, 8) for 8x8 grey images)"
    )


def _functional(output: Any, n_out: int) -> FloatArray:
    if output is None:
        if n_out != 1:
            raise UnsupportedModuleError(
                f"the model has {n_out} outputs; pass output=i (one logit) or output=weights "
                f"(a length-{n_out} linear functional, e.g. e_i - e_j for a decision boundary)"
            )
        return np.ones(1)
    if isinstance(output, (int, np.integer)) and not isinstance(output, bool):
        i = int(output)
        if not -n_out <= i < n_out:
            raise UnsupportedModuleError(f"output={i} is out of range for {n_out} outputs")
        w = np.zeros(n_out)
        w[i] = 1.0
        return w
    try:
        w = np.asarray(output, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise UnsupportedModuleError(
            f"output must be an int or a weight array, got {output!r}"
        ) from exc
    if w.size != n_out or not np.all(np.isfinite(w)):
        raise UnsupportedModuleError(
            f"output weights must be {n_out} finite numbers (one per model output), got "
            f"shape {np.shape(output)}"
        )
    return w


def from_torch(
    model: Any,
    *,
    input_shape: Sequence[int] | None = None,
    output: int | ArrayLike | None = None,
) -> ReLUNetwork:
    r"""Compile a piecewise-linear ``torch.nn.Module`` into an exactly equal :class:`ReLUNetwork`.

    The model is traced with ``torch.fx`` (custom and nested modules, functional calls and
    residual connections are followed) and every operation is rewritten exactly as described in
    the module docstring (:mod:`spectral_exact.torch_model`). The result evaluates to the
    model's (selected) output up to float64 rounding and has exactly the model's kinks, so
    every function of the library accepts it.

    Parameters
    ----------
    model : torch.nn.Module
        Any module whose forward is continuous piecewise linear in its single tensor input:
        Linear, Conv1d/2d/3d (any stride, padding, dilation, groups), AvgPool, AdaptiveAvgPool,
        MaxPool, BatchNorm in eval mode, Dropout in eval mode, Flatten/Unflatten/view/reshape,
        ReLU, LeakyReLU, PReLU, Hardtanh, ReLU6, abs, clamp, maximum/minimum, identity,
        residual additions, concatenations, constant scaling. The model is copied to float64;
        it is not modified.
    input_shape : sequence of int, optional
        Shape of one input *without* the batch dimension, e.g. ``(1, 8, 8)``. May be omitted
        when the first layer is ``Linear``.
    output : int or array_like, optional
        Which scalar to analyse: ``None`` (the model must have one output), an index into the
        flattened outputs, or weights ``w`` giving :math:`\sum_i w_i\,\mathrm{out}_i` (e.g.
        ``e_a - e_b``: the logit difference whose zero set is the decision boundary between
        classes ``a`` and ``b``).

    Returns
    -------
    ReLUNetwork
        Input dimension ``prod(input_shape)``: inputs are flattened in C order.

    Raises
    ------
    UnsupportedModuleError
        For a layer that is not piecewise linear (Tanh, GELU, Softmax...), a module in
        training mode (Dropout, BatchNorm), an untraceable forward, or a bad ``output``; the
        message names the layer and the reason.

    Examples
    --------
    >>> import torch, numpy as np, spectral_exact as se
    >>> _ = torch.manual_seed(0)
    >>> model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.LeakyReLU(0.1),
    ...                             torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 3)).eval()
    >>> net = se.from_torch(model, output=[1.0, -1.0, 0.0])    # logit 0 minus logit 1
    >>> x = np.array([[0.3, -0.7]])
    >>> ref = model.double()(torch.tensor(x)).detach().numpy() @ [1.0, -1.0, 0.0]
    >>> bool(abs(net(x)[0] - ref[0]) < 1e-12)
    True
    """
    torch = _torch()
    if not isinstance(model, torch.nn.Module):
        raise UnsupportedModuleError(f"expected a torch.nn.Module, got {type(model).__name__}")
    m64 = copy.deepcopy(model).double()
    try:
        gm = torch.fx.symbolic_trace(m64)
    except Exception as exc:
        raise UnsupportedModuleError(
            f"cannot trace {type(model).__name__} with torch.fx ({type(exc).__name__}: {exc}); "
            "data-dependent control flow is not supported"
        ) from exc
    if input_shape is None:
        shape = _infer_input_shape(gm, model)
    else:
        shape = tuple(int(s) for s in input_shape)
        if not shape or min(shape) < 1:
            raise UnsupportedModuleError(f"input_shape must be positive sizes, got {input_shape}")
    comp = _Compiler(int(math.prod(shape)))
    out = _Interp(gm, comp).run(shape)
    return _assemble(comp, out, _functional(output, out.numel))


def load_network(
    path: Any, *, input_shape: Sequence[int] | None = None, output: int | ArrayLike | None = None
) -> ReLUNetwork:
    """Return a network from a file.

    ``.npz`` (:meth:`ReLUNetwork.save`) or a ``torch.save(model)`` file of a piecewise-linear
    module, compiled with :func:`from_torch`.

    Loading a pickled torch module runs its pickle: only load files you trust.
    """
    if str(path).endswith(".npz"):
        return ReLUNetwork.load(path)
    torch = _torch()
    try:
        model = torch.load(path, weights_only=False, map_location="cpu")
    except Exception as exc:
        raise UnsupportedModuleError(
            f"cannot load a torch model from {str(path)!r}: {exc}"
        ) from exc
    return from_torch(model, input_shape=input_shape, output=output)
