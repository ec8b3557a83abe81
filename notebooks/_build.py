"""Generate the teaching notebooks (outputs stripped).

    .venv/bin/python notebooks/_build.py

Cells only call :mod:`spectral_exact` plus numpy/matplotlib/networkx for pictures and prints;
no library logic lives here. ``tests/test_notebooks.py`` executes every notebook.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
PAPER = (
    "N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio, "
    "A. Courville, *On the Spectral Bias of Neural Networks*, ICML 2019 (arXiv:1806.08734)"
)
CONVENTION = (
    r"Convention throughout: $\hat f(k) = \int f(x)\, e^{-i k\cdot x}\, dx$, "
    r"$k$ in radians per unit length (the paper's)."
)


def md(text: str) -> nbformat.NotebookNode:
    text = text.replace("{PAPER}", PAPER).replace("{CONVENTION}", CONVENTION)
    return new_markdown_cell(text.strip("\n"))


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip("\n"))


SETUP = """
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import spectral_exact as se

np.set_printoptions(precision=4, suppress=True)
"""

# --------------------------------------------------------------------------------------------
NB1 = [
    md(r"""
# 01 · Fourier transforms of polytopes (Diaz–Le–Robins recursion)

**What this notebook teaches.** A ReLU network is piecewise linear: its domain is cut into
convex polytopes. Everything about its spectrum therefore reduces to the Fourier transform of
a polytope, $\hat 1_P(k) = \int_P e^{-ik\cdot x}\,dx$. We compute it *exactly* with the
recursion of Diaz, Le & Robins (2016) over the **face poset** of $P$, watch which recursion
paths contribute for a given $k$, and see the consequence: the transform decays **anisotropically**,
like $|k|^{-d}$ in generic directions but only like $|k|^{-1}$ along a facet normal.
Finally we check the exact values against a numerical FFT.

Paper: {PAPER}, Sec. 2 (Fourier analysis of ReLU networks; the proof of Theorem 1 unrolls
exactly this recursion). {CONVENTION}
"""),
    code(SETUP + "import networkx as nx\n"),
    md(r"""
## 1. A polygon and its transform

`se.Polytope.from_vertices` takes the convex hull. Two invariants to check straight away:
$\hat 1_P(0) = \operatorname{area}(P)$ and $\hat 1_P(-k) = \overline{\hat 1_P(k)}$.
"""),
    code("""
P = se.Polytope.from_vertices([[0, 0], [2, 0], [2.5, 1.2], [1, 2], [-0.5, 1]])
print(P)
print("area             :", P.volume)
print("F(0)             :", se.polytope_fourier(P, [0.0, 0.0]))
k = np.array([3.0, 1.7])
print("F(k), conj F(-k) :", se.polytope_fourier(P, k), np.conj(se.polytope_fourier(P, -k)))

V = P.vertices
order = np.argsort(np.arctan2(*(V - V.mean(0)).T[::-1]))
fig, ax = plt.subplots(figsize=(4, 3.5))
ax.fill(*V[order].T, alpha=0.3)
for i, v in enumerate(V):
    ax.annotate(f"v{i}", v, textcoords="offset points", xytext=(4, 4))
ax.set_aspect("equal"); ax.set_title("the polygon P")
plt.show()
"""),
    md(r"""
## 2. The face poset

`se.face_poset(P)` is a `networkx.DiGraph` with one node per face (keyed by the set of vertex
indices it contains) and an edge $F \to G$ for each facet $G$ of $F$. Each node carries the
data the recursion needs: `dim`, a relative-interior point `point`, an orthonormal `basis` of
its direction space; each edge carries the outward unit normal $N_F(G)$ of $G$ inside $F$.

The Diaz–Le–Robins recursion, with $q = \mathrm{Proj}_F(k)$:

$$
\hat 1_F(k) \;=\; \sum_{G \lessdot F} \frac{i\, q\cdot N_F(G)}{|q|^2}\, \hat 1_G(k)
\quad\text{if } q \neq 0, \qquad
\hat 1_F(k) \;=\; \operatorname{vol}(F)\, e^{-ik\cdot x_F} \quad\text{if } q = 0 .
$$

Each step down the poset costs a factor $O(1/|k|)$; a path stops at the first face $F$ with
$\mathrm{Proj}_F(k) = 0$ (a vertex always qualifies). So a path that stops at a face of
codimension $n$ contributes $O(|k|^{-n})$.
"""),
    code("""
G = se.face_poset(P)
print("f-vector (#vertices, #edges, #2-faces):", se.f_vector(G))
top = max(G.nodes, key=lambda F: G.nodes[F]["dim"])


def draw_poset(G, ax, k=None, title=""):
    \"\"\"Hasse diagram of a face poset, one row per dimension. With a frequency k: faces where
    the recursion stops (Proj_F(k) = 0, reached from a face where it does not) in red, the
    poset edges the recursion walks solid, the others dotted.\"\"\"
    pos = nx.multipartite_layout(G, subset_key="dim", align="horizontal")
    pos = {F: (x, G.nodes[F]["dim"]) for F, (x, _) in pos.items()}
    label = {F: "".join(map(str, sorted(F))) for F in G}
    if k is None:
        stop, walked = set(), list(G.edges)
    else:
        zero = {F for F, B in G.nodes(data="basis")
                if np.linalg.norm(B @ k) <= 1e-9 * np.linalg.norm(k)}
        walked = [(F, H) for F, H in G.edges if F not in zero]
        stop = {H for _, H in walked if H in zero}
    rest = [e for e in G.edges if e not in set(walked)]
    nx.draw_networkx_edges(G, pos, edgelist=walked, ax=ax, arrows=False, width=1.2)
    nx.draw_networkx_edges(G, pos, edgelist=rest, ax=ax, arrows=False, style="dotted",
                           alpha=0.4)
    colors = ["tab:red" if F in stop else "lightsteelblue" for F in G]
    nx.draw_networkx_nodes(G, pos, ax=ax, node_color=colors, node_size=520)
    nx.draw_networkx_labels(G, pos, labels=label, ax=ax, font_size=7)
    ax.set_title(title); ax.set_ylabel("face dimension"); ax.axis("on")
    ax.tick_params(left=True, labelleft=True, bottom=False, labelbottom=False)
    return stop, walked


fig, ax = plt.subplots(figsize=(7, 3.5))
draw_poset(G, ax, title="face poset of P (labels: vertex indices of each face)")
plt.show()
"""),
    md(r"""
## 3. Recursion paths for a generic $k$ and for $k$ along an edge normal

For a generic $k$ no edge is orthogonal to $k$, so every path runs down to a vertex
(codimension 2): $\hat 1_P(k) = O(|k|^{-2})$. If $k$ is parallel to the outward normal of an
edge $e$, then $\mathrm{Proj}_e(k) = 0$ and the path $P \to e$ stops at codimension 1: a term of
order $|k|^{-1}$ survives. `se.theorem1_terms` returns the transform split by the codimension
of the face where the paths stop (its `total` is the transform).
"""),
    code("""
edges = [H for H in G.successors(top)]
e_long = max(edges, key=lambda H: np.ptp(G.nodes[H]["vertices"], axis=0).sum())
u_edge = G.edges[top, e_long]["normal"]            # outward unit normal of the longest edge
u_gen = np.array([np.cos(0.3), np.sin(0.3)])        # a generic direction
t = 25.0

fig, axes = plt.subplots(1, 2, figsize=(13, 3.6))
for ax, (name, u) in zip(axes, [("generic k", u_gen), ("k along an edge normal", u_edge)]):
    kk = t * u
    stop, walked = draw_poset(G, ax, k=kk, title=f"{name}: k = {np.round(kk, 2)}")
    sub = G.edge_subgraph(walked)
    paths = [p for s in stop for p in nx.all_simple_paths(sub, top, s)]
    by_codim = {}
    for p in paths:
        c = 2 - G.nodes[p[-1]]["dim"]
        by_codim[c] = by_codim.get(c, 0) + 1
    T = se.theorem1_terms(P, kk)
    print(f"{name:24s} paths ending at codim {by_codim}")
    print(f"{'':24s} terms by codim 0,1,2 = {T.terms}")
    print(f"{'':24s} total = {T.total:.6f}, polytope_fourier = {se.polytope_fourier(P, kk):.6f}")
plt.show()
"""),
    md(r"""
## 4. Anisotropic decay

The map of $\log_{10}|\hat 1_P(k)|$ shows bright streaks exactly along the edge normals
(dashed): there the decay is only $|k|^{-1}$. `se.measure_decay` fits the exponent $p$ of
$|\hat 1_P(t u)| \approx C t^{-p}$ through an oscillation-robust envelope; sweeping the
direction $u$ gives $p = 2$ everywhere except at the five normal directions, where $p = 1$
(a set of measure zero: this is the polytope version of Theorem 1).
"""),
    code("""
g = np.linspace(-60, 60, 301)
K = np.stack(np.meshgrid(g, g), axis=-1)
F = se.polytope_fourier(P, K)
normals = [G.edges[top, H]["normal"] for H in G.successors(top)]

fig, axes = plt.subplots(1, 3, figsize=(16, 4.4))
im = axes[0].imshow(np.log10(np.abs(F) + 1e-12), extent=(g[0], g[-1], g[0], g[-1]),
                    origin="lower", cmap="magma", vmin=-4)
for n in normals:
    axes[0].plot([-60 * n[0], 60 * n[0]], [-60 * n[1], 60 * n[1]], "c--", lw=0.7)
axes[0].set_xlabel("$k_1$"); axes[0].set_ylabel("$k_2$")
axes[0].set_title(r"$\\log_{10}|\\hat 1_P(k)|$ and the edge normals")
fig.colorbar(im, ax=axes[0])

normal_angles = np.mod([np.arctan2(n[1], n[0]) for n in normals], np.pi)
angles = np.sort(np.concatenate([np.linspace(0, np.pi, 72, endpoint=False), normal_angles]))
fits = [se.measure_decay(lambda k: se.polytope_fourier(P, k), [np.cos(a), np.sin(a)],
                         1e2, 1e4, 200) for a in angles]
axes[1].plot(np.degrees(angles), [f.exponent for f in fits], "o-", ms=3)
for a in normal_angles:
    axes[1].axvline(np.degrees(a), color="c", ls="--", lw=0.7)
axes[1].set_xlabel("direction angle [deg] (mod 180)"); axes[1].set_ylabel("fitted exponent p")
axes[1].set_title("decay exponent vs direction")

tt = np.geomspace(1e1, 1e4, 800)
for name, u, c in [("generic", u_gen, "C0"), ("edge normal", u_edge, "C3")]:
    fit = se.measure_decay(lambda k: se.polytope_fourier(P, k), u, 1e1, 1e4, 800)
    axes[2].loglog(tt, np.abs(se.polytope_fourier(P, tt[:, None] * u)), c, lw=0.5, alpha=0.6)
    axes[2].loglog(fit.t, fit.envelope, c, lw=2, label=f"{name}: p = {fit.exponent:.3f}")
axes[2].set_xlabel("t = |k|"); axes[2].set_ylabel("|F(t u)|"); axes[2].legend()
axes[2].set_title("along two directions (thick: rms envelope)")
plt.tight_layout(); plt.show()
"""),
    md(r"""
## 5. A 3-D polytope: a square pyramid

In 3-D there are three regimes: generic $k$ (paths end at vertices, $|k|^{-3}$), $k$
orthogonal to an edge but not normal to a facet (paths can stop at that edge, $|k|^{-2}$),
and $k$ normal to a facet ($|k|^{-1}$).
"""),
    code("""
Q = se.Polytope.from_vertices([[0, 0, 0], [2, 0, 0], [2, 2, 0], [0, 2, 0], [1, 1, 1.5]])
GQ = se.face_poset(Q)
topQ = max(GQ.nodes, key=lambda F: GQ.nodes[F]["dim"])
print(Q, " volume =", Q.volume, " F(0) =", se.polytope_fourier(Q, [0, 0, 0]))
print("f-vector:", se.f_vector(GQ))

rng = np.random.default_rng(0)
u3 = rng.normal(size=3); u3 /= np.linalg.norm(u3)
directions = {
    "generic": (u3, 3),
    "orthogonal to the base edge along x": (np.array([0.0, 0.6, 0.8]), 2),
    "normal to the base": (np.array([0.0, 0.0, -1.0]), 1),
}
fig, axes = plt.subplots(1, 3, figsize=(17, 4))
for ax, (name, (u, p)) in zip(axes, directions.items()):
    kk = 40.0 * u
    stop, walked = draw_poset(GQ, ax, k=kk, title=name)
    sub = GQ.edge_subgraph(walked)
    n_paths = sum(1 for s in stop for _ in nx.all_simple_paths(sub, topQ, s))
    fit = se.measure_decay(lambda k: se.polytope_fourier(Q, k), u, 1e1, 1e4, 600)
    T = se.theorem1_terms(Q, kk)
    print(f"{name:38s} theory p = {p}, measured p = {fit.exponent:.3f}, {n_paths} paths, "
          f"|terms| by codim = {np.round(np.abs(T.terms), 5)}")
plt.tight_layout(); plt.show()
"""),
    md(r"""
## 6. Agreement with a numerical FFT

`se.fft_fourier` applies the trapezoidal rule on an $n^d$ grid via the FFT and returns values
in the same convention on its own frequency grid; `se.fft_fourier_at` evaluates the same
sum at chosen frequencies. It accepts any callable with an `input_dim`, so we hand it the
indicator of $P$. The indicator jumps at $\partial P$, so the quadrature converges only
roughly like $O(h)$ and erratically (the error depends on how the grid meets the boundary),
while the closed form is exact to rounding: for discontinuous integrands the FFT is a rough
check, the recursion is the reference.
"""),
    code("""
class Indicator:
    \"\"\"The indicator 1_P as a callable that fft_fourier can sample.\"\"\"

    def __init__(self, P):
        self.P, self.input_dim = P, P.ambient_dim

    def __call__(self, x):
        return self.P.contains(x).astype(float)


box = se.Box([-0.93, -0.71], [3.07, 2.33])      # edges of P do not sit on grid lines
k_grid, F_fft = se.fft_fourier(Indicator(P), box, n=256)
F_ex = se.polytope_fourier(P, k_grid)
sel = np.all(np.abs(k_grid) <= 40, axis=-1)
print(f"max |FFT - exact| for |k_i| <= 40: {np.abs(F_fft - F_ex)[sel].max():.2e}"
      f"  (|F| <= area = {P.volume:.2f})")

c = 128; h = int(np.searchsorted(k_grid[c:, c, 0], 40))
blk = (slice(c - h, c + h), slice(c - h, c + h))
ext = (k_grid[blk][0, 0, 0], k_grid[blk][-1, 0, 0], k_grid[blk][0, 0, 1], k_grid[blk][0, -1, 1])
fig, axes = plt.subplots(1, 4, figsize=(18, 4))
for ax, (name, A) in zip(axes, [("exact", F_ex), ("FFT of samples", F_fft)]):
    im = ax.imshow(np.log10(np.abs(A[blk]).T + 1e-12), origin="lower", extent=ext, vmin=-4,
                   cmap="magma", aspect="auto")
    ax.set_title(f"log10 |F|, {name}"); fig.colorbar(im, ax=ax)
im = axes[2].imshow(np.abs(F_fft - F_ex)[blk].T, origin="lower", extent=ext, cmap="viridis",
                    aspect="auto")
axes[2].set_title("|FFT - exact|"); fig.colorbar(im, ax=axes[2])

k_fix = np.random.default_rng(1).uniform(-15, 15, size=(64, 2))
exact_fix = se.polytope_fourier(P, k_fix)
ns = np.array([32, 64, 128, 256, 512, 1024])
rms = [np.sqrt(np.mean(np.abs(se.fft_fourier_at(Indicator(P), box, n, k_fix) - exact_fix) ** 2))
       for n in ns]
hs = 4.0 / (ns - 1)
axes[3].loglog(hs, rms, "o-", label="rms error at 64 fixed k")
axes[3].loglog(hs, rms[0] * hs / hs[0], "k--", lw=0.8, label="$\\propto h$")
axes[3].set_xlabel("grid step h"); axes[3].set_title("FFT error vs grid step (2-D)")
axes[3].legend()
plt.tight_layout(); plt.show()

box3 = se.Box([-0.43, -0.37, -0.31], [2.47, 2.39, 1.93])
k3 = np.random.default_rng(2).uniform(-6, 6, size=(16, 3))
ex3 = se.polytope_fourier(Q, k3)
for n in (32, 64, 128):
    e3 = se.fft_fourier_at(Indicator(Q), box3, n, k3) - ex3
    rms3 = np.sqrt(np.mean(np.abs(e3) ** 2))
    print(f"3-D pyramid, n = {n:3d}: rms |FFT - exact| at 16 k = {rms3:.1e}, volume {Q.volume:.1f}")
"""),
    md(r"""
## Exercise

1. Replace $P$ by a regular hexagon (`se.Polytope.from_vertices` of 6 points on a circle).
   How many distinct directions of slow decay does it have, and why fewer than its number of
   edges? Predict, then confirm with the direction sweep of section 4.
2. For the pyramid $Q$, find a direction with exponent 2 that is orthogonal to a *lateral*
   edge (e.g. the edge from `[0, 0, 0]` to the apex). Which paths of the poset stop there?
   Check with `se.theorem1_terms(Q, k).terms`.
"""),
]

# --------------------------------------------------------------------------------------------
NB2 = [
    md(r"""
# 02 · Linear regions of a ReLU net and its exact spectrum

**What this notebook teaches.** A ReLU net $f:\mathbb R^2\to\mathbb R$ is affine on each of
its linear regions. Summing the exact polytope transforms of notebook 01 over the regions
gives the **exact** Fourier transform of $f$ on a box, with no sampling. We draw the regions,
put the exact transform next to the FFT of samples, watch the FFT error shrink at the
predicted rate $O(h^2)$ as the sampling grid is refined, and check **Lemma 1** of the paper,
including its sign.

Paper: {PAPER}, Sec. 2 (linear regions; Lemma 1 and its proof). {CONVENTION}
"""),
    code(SETUP + "from spectral_exact.plotting import plot_regions\n"),
    md(r"""
## 1. A small 2-D ReLU network and its linear regions

`se.linear_regions(net, domain=box)` enumerates the regions exactly (double description, no
sampling). Each region has its activation `pattern`, a `polytope`, and the affine map
`weight @ x + bias` of $f$ on it.
"""),
    code("""
net = se.ReLUNetwork.random((2, 8, 8, 1), seed=1)
box = se.Box([-1.0, -1.0], [1.0, 1.0])
regions = se.linear_regions(net, domain=box)
print(net)
print("number of regions:", len(regions), "  total area:", regions.total_volume)
r = regions[0]
print("region 0: pattern", [p.astype(int) for p in r.pattern], "\\n          f(x) =",
      r.weight, "@ x +", round(r.bias, 4))

x = np.random.default_rng(0).uniform(-1, 1, size=(2000, 2))
idx = regions.locate(x)
print("max |f(x) - affine piece of its region| over 2000 points:",
      max(abs(net(xi) - regions[i](xi)) for xi, i in zip(x, idx)))

fig, axes = plt.subplots(1, 2, figsize=(12, 5))
plot_regions(regions, ax=axes[0])
plot_regions(regions, ax=axes[1], color="value")
plt.show()
"""),
    md(r"""
## 2. The exact transform on a frequency grid, next to the FFT

`se.prepare_network` computes the regions and their face data once; `se.network_fourier`
then evaluates $\int_{\text{box}} f(x) e^{-ik\cdot x}dx$ at many $k$ in a batch.
`se.fft_fourier` is the numerical reference: the trapezoidal rule on an $n\times n$ grid,
evaluated by the FFT on its own frequency grid, in the same convention.
"""),
    code("""
prep = se.prepare_network(net, box)
k_grid, F_fft = se.fft_fourier(net, box, n=128)
c, h = 64, 20
kb = k_grid[c - h:c + h, c - h:c + h]
F_exact = se.network_fourier(prep, kb)
F_fft_b = F_fft[c - h:c + h, c - h:c + h]
err = np.abs(F_fft_b - F_exact)
print(f"{kb.shape[0] * kb.shape[1]} frequencies, |k_i| <= {np.abs(kb).max():.1f}")
print(f"max |FFT - exact| = {err.max():.2e}, "
      f"relative to max|F| = {err.max() / np.abs(F_exact).max():.2e}")

ext = (kb[0, 0, 0], kb[-1, 0, 0], kb[0, 0, 1], kb[0, -1, 1])
fig, axes = plt.subplots(1, 3, figsize=(17, 4.5))
for ax, (name, A) in zip(axes, [("exact", F_exact), ("FFT, n = 128", F_fft_b)]):
    im = ax.imshow(np.log10(np.abs(A).T), origin="lower", extent=ext, cmap="magma")
    ax.set_xlabel("$k_1$"); ax.set_ylabel("$k_2$"); ax.set_title(f"log10 |F(k)|, {name}")
    fig.colorbar(im, ax=ax)
im = axes[2].imshow(err.T, origin="lower", extent=ext, cmap="viridis")
axes[2].set_title("|FFT - exact|"); fig.colorbar(im, ax=axes[2])
plt.tight_layout(); plt.show()
"""),
    md(r"""
## 3. The FFT error shrinks as the grid is refined

$f$ is continuous and piecewise linear, so the trapezoidal rule at a fixed $k$ converges like
$O(h^2)$ (the kinks limit it to second order). `se.fft_fourier_at` evaluates the same
trapezoidal sum at chosen frequencies; the exact transform is the limit.
"""),
    code("""
k_fix = np.random.default_rng(0).uniform(-12, 12, size=(24, 2))
exact_fix = se.network_fourier(prep, k_fix)
ns = np.array([16, 32, 64, 128, 256, 512])
errs = np.array([np.abs(se.fft_fourier_at(net, box, n, k_fix) - exact_fix).max() for n in ns])
hs = 2.0 / (ns - 1)
order = np.polyfit(np.log(hs), np.log(errs), 1)[0]
for n, e in zip(ns, errs):
    print(f"n = {n:4d}   max error = {e:.3e}")
print(f"fitted order: {order:.2f} (theory: 2)")

fig, ax = plt.subplots(figsize=(5, 4))
ax.loglog(hs, errs, "o-", label=f"measured, order {order:.2f}")
ax.loglog(hs, errs[0] * (hs / hs[0]) ** 2, "k--", lw=0.8, label="$h^2$")
ax.set_xlabel("grid step h"); ax.set_ylabel("max |FFT - exact| at 24 k"); ax.legend()
plt.show()
"""),
    md(r"""
## 4. Lemma 1, and its sign

On all of $\mathbb R^d$ the transform of $f$ is a tempered distribution. Integrating by parts
on each region $R$ (where $\nabla f = w_R$), the interior boundary terms cancel pairwise
because $f$ is continuous, and what is left is

$$
\hat f(k) \;=\; c\,\sum_R \frac{w_R\cdot k}{|k|^2}\; \hat 1_R(k), \qquad k \neq 0,
$$

which is Lemma 1 of the paper. **Sign.** Under the convention $e^{-ik\cdot x}$ the constant is
$c = -i$ (the paper prints $+i$, which is right for the opposite convention $e^{+ik\cdot x}$).
We evaluate the right-hand side term by term from the unbounded regions of $\mathbb R^2$
(`se.polytope_fourier` handles unbounded polyhedra as tempered distributions), compare with
`se.network_fourier` on $\mathbb R^2$ and with the independent Laplacian route, and show that
$c = +i$ gives the negative.
"""),
    code("""
regions_R = se.linear_regions(net)            # domain=None: all of R^2
print("regions on R^2:", len(regions_R), " bounded:", sum(r.polytope.is_bounded for r in regions_R))
k = np.array([2.3, -1.1])
S = sum((r.weight @ k) / (k @ k) * se.polytope_fourier(r.polytope, k) for r in regions_R)
print("Lemma 1 with c = -i      :", -1j * S)
print("Lemma 1 with c = +i      :", +1j * S)
print("network_fourier (lemma1) :", se.network_fourier(net, k))
print("network_fourier (laplace):", se.network_fourier(net, k, method="laplacian"))

K = np.random.default_rng(2).normal(scale=5, size=(200, 2))
a = se.network_fourier(net, K, method="lemma1")
b = se.network_fourier(net, K, method="laplacian")
print("200 random k, max |lemma1 - laplacian| / max|F|:", np.abs(a - b).max() / np.abs(b).max())

print("\\non the box, the three exact routes agree:")
for m in ("regions", "lemma1", "laplacian"):
    print(f"  {m:9s}", se.network_fourier(net, k, domain=box, method=m))
"""),
    md(r"""
**The sign by hand.** For $f = \mathrm{ReLU}$ in 1-D, with an Abel factor $e^{-\varepsilon x}$,
$\int_0^\infty x\,e^{-\varepsilon x} e^{-ikx}\,dx = 1/(\varepsilon + ik)^2 \to -1/k^2$. Lemma 1
has one region with $w = 1$, $\hat 1_{[0,\infty)}(k) = 1/(ik)$, so
$c \cdot (k/k^2)\cdot 1/(ik) = -1/k^2$ forces $c = -i$. Numerically:
"""),
    code("""
from scipy.integrate import quad

relu = se.ReLUNetwork([np.array([[1.0]]), np.array([[1.0]])], [np.zeros(1), np.zeros(1)])
kk = 2.0
for eps in (1e-1, 1e-2, 1e-3):
    re = quad(lambda x: x * np.exp(-eps * x), 0, np.inf, weight="cos", wvar=kk)[0]
    im = -quad(lambda x: x * np.exp(-eps * x), 0, np.inf, weight="sin", wvar=kk)[0]
    print(f"eps = {eps:g}: Abel-damped integral = {re + 1j * im:.6f}")
print("network_fourier(ReLU, k=2) =", se.network_fourier(relu, [kk]), " (-1/k^2 = -0.25)")
"""),
    md(r"""
## Exercise

1. Double the hidden widths, `(2, 16, 16, 1)`. How does the number of regions change, and
   the FFT error at $n = 128$? Does the *order* of convergence change? Why not?
2. Evaluate the Lemma 1 sum at a $k$ orthogonal to the direction of an unbounded edge of one
   of `regions_R`. What does `se.network_fourier` say there, and why is that the right
   answer for a tempered distribution?
"""),
]

# --------------------------------------------------------------------------------------------
NB3 = [
    md(r"""
# 03 · Theorem 1: how fast does the spectrum of a ReLU net decay, and where?

**What this notebook teaches.** Unrolling the recursion of notebook 01 inside Lemma 1
(notebook 02) gives Theorem 1 of the paper: along almost every direction the transform of a
ReLU net on $\mathbb R^d$ decays like $|k|^{-(d+1)}$, but along the normal of a bounded kink
facet only like $|k|^{-2}$ (and, in 3-D, like $|k|^{-3}$ orthogonal to a kink edge). We read
these **special directions** off the net's geometry, **measure** the decay exponents, split the
transform into its **terms grouped by codimension**, and finally write the transform of a tiny
net with rational weights in **closed form** (sympy, LaTeX).

Paper: {PAPER}, Sec. 2 (Theorem 1 and the discussion of anisotropy that follows; its proof
in the appendix). {CONVENTION}
"""),
    code(SETUP + """from IPython.display import Markdown, Math, display
from spectral_exact.plotting import plot_regions
from spectral_exact.verify import decay_table_markdown, theorem1_directions, verify_theorem1
"""),
    md(r"""
## 1. Special directions from the geometry

`se.special_directions(net)` collects the unit normals of the kink facets (the boundaries
between regions), whether a facet with that normal is bounded (only those give $|k|^{-2}$),
and whether the direction is *regular* (off the singular set of the distribution, so the
decay can be measured there). `generic_direction()` returns a direction far from all of them.
"""),
    code("""
net = se.ReLUNetwork.random((2, 6, 6, 1), seed=0)
sd = se.special_directions(net)
print(net)
print("distinct kink-facet normals      :", len(sd.facet_normals))
print("  ... with a bounded facet       :", int(sd.facet_bounded.sum()))
print("  ... bounded and regular        :", int((sd.facet_bounded & sd.regular).sum()))
u_gen = sd.generic_direction(seed=0)
print("generic direction                :", u_gen,
      f"(angle to the nearest special one: {np.degrees(sd.distance_to_special(u_gen)[0]):.2f} deg)")

fig, axes = plt.subplots(1, 2, figsize=(13, 5.5))
plot_regions(se.linear_regions(net, domain=se.Box([-3, -3], [3, 3])), ax=axes[0])
ax = axes[1]
th = np.linspace(0, 2 * np.pi, 200)
ax.plot(np.cos(th), np.sin(th), "k", lw=0.3)
lw = 0.5 + 3 * sd.facet_measure / max(sd.facet_measure.max(), 1e-12)
for n, b, r, w in zip(sd.facet_normals, sd.facet_bounded, sd.regular, lw):
    style = "C3-" if (b and r) else ("C1-" if b else "C7:")
    ax.plot([-n[0], n[0]], [-n[1], n[1]], style, lw=w)
ax.plot([-u_gen[0], u_gen[0]], [-u_gen[1], u_gen[1]], "C2-", lw=3)
ax.set_aspect("equal")
ax.set_title("facet normals: red bounded & regular, orange bounded,\\n"
             "grey unbounded only (width ~ facet length); green: generic")
plt.show()
"""),
    md(r"""
## 2. Measured decay exponents against Theorem 1

`verify_theorem1` picks the generic direction and the normal of the largest bounded, regular
kink facet, evaluates the exact transform on $\mathbb R^2$ along them for
$|k| \in [10^3, 10^6]$ and fits the exponent with `se.measure_decay`. Theory:
$d + 1 = 3$ (generic) and $2$ (facet normal).
"""),
    code("""
rows = verify_theorem1(net, n=400)
display(Markdown(decay_table_markdown(rows, title="Theorem 1, 2-D net")))

prep = se.prepare_network(net)                    # regions of R^2, reused below
dirs = theorem1_directions(net)
fig, ax = plt.subplots(figsize=(6, 4.5))
tt = np.geomspace(1e1, 1e5, 600)
for (kind, (u, p)), c in zip(dirs.items(), ["C2", "C3"]):
    fit = se.measure_decay(lambda k: se.network_fourier(prep, k), u, 1e1, 1e5, 600)
    ax.loglog(tt, np.abs(se.network_fourier(prep, tt[:, None] * u)), c, lw=0.4, alpha=0.6)
    ax.loglog(fit.t, fit.predict(fit.t), c + "--",
              label=f"{kind}: measured {fit.exponent:.2f}, theory {p:.0f}")
ax.set_xlabel("t = |k|"); ax.set_ylabel("|F(t u)| on R^2"); ax.legend()
plt.show()
"""),
    md(r"""
Away from the special set the exponent is $d + 1 = 3$; the apparent exponent over a finite
range of $|k|$ drops toward 2 as the direction approaches a facet normal (the asymptotic
regime starts later), and is exactly 2 on it.
"""),
    code("""
special = sd.facet_normals[sd.facet_bounded & sd.regular]
sp_angles = np.mod(np.arctan2(special[:, 1], special[:, 0]), np.pi)
angles = np.sort(np.concatenate([np.linspace(0, np.pi, 48, endpoint=False), sp_angles]))
p = [se.measure_decay(lambda k: se.network_fourier(prep, k), [np.cos(a), np.sin(a)],
                      1e3, 1e5, 150).exponent for a in angles]
fig, ax = plt.subplots(figsize=(9, 3.5))
ax.plot(np.degrees(angles), p, "o-", ms=3)
for a in sp_angles:
    ax.axvline(np.degrees(a), color="C3", lw=0.5)
ax.set_xlabel("direction angle [deg] (mod 180)"); ax.set_ylabel("fitted exponent on [1e3, 1e5]")
ax.set_title("red: normals of bounded, regular kink facets")
plt.show()
"""),
    md(r"""
## 3. The terms, grouped by codimension

`se.theorem1_terms(net, k)` splits Lemma 1 into the sums of all recursion paths that stop at a
face of codimension $n = 0, 1, \dots, d$; group $n$ decays like $|k|^{-(n+1)}$. Along a
generic direction only the vertex group ($n = 2$) is present; along a facet normal the
codimension-1 group appears and dominates for large $|k|$. The groups always sum to the
transform. (Near, but not at, a special direction the individual groups are huge and cancel:
that is why the engine uses series expansions there; use the grouping to understand, at
generic or exactly special $k$.)
"""),
    code("""
tt = np.geomspace(1e2, 1e5, 60)
fig, axes = plt.subplots(1, 2, figsize=(13, 4.3), sharey=True)
for ax, (kind, (u, p)) in zip(axes, dirs.items()):
    T = se.theorem1_terms(prep, tt[:, None] * u)
    F = se.network_fourier(prep, tt[:, None] * u)
    print(f"{kind:13s} max |sum of groups - transform| / max|F| = "
          f"{np.abs(T.total - F).max() / np.abs(F).max():.1e}")
    for n in range(3):
        if np.abs(T.terms[n]).max() > 0:
            ax.loglog(tt, np.abs(T.terms[n]), label=f"codim {n} (~|k|^-{n + 1})")
    ax.loglog(tt, np.abs(F), "k:", label="transform")
    ax.set_title(kind); ax.set_xlabel("t = |k|"); ax.legend()
axes[0].set_ylabel("|group|")
plt.show()
"""),
    md(r"""
## 4. In 3-D: the edge-orthogonal regime

For $d = 3$ there is a third regime: $k$ orthogonal to a bounded kink edge decays like
$|k|^{-3}$, between the generic $|k|^{-4}$ and the facet-normal $|k|^{-2}$.
"""),
    code("""
net3 = se.ReLUNetwork.random((3, 5, 5, 1), seed=1)
rows3 = verify_theorem1(net3, n=240)
display(Markdown(decay_table_markdown(rows3, title="Theorem 1, 3-D net " + str(net3.architecture))))
"""),
    md(r"""
## 5. A closed form, exactly

For rational weights every vertex of the region arrangement is rational and the transform on a
rational box is an exponential polynomial $\sum_v C_v(k)\, e^{-ik\cdot v}$ with one term per
vertex $v$ and rational functions $C_v$: Theorem 1, exactly.
`spectral_exact.symbolic` computes it with sympy (no floating point in the geometry).
Below: $f(x) = \mathrm{relu}(x_1) - 2\,\mathrm{relu}(x_1 - x_2)$ on $[-1, 1]^2$.
"""),
    code("""
from spectral_exact.symbolic import (SymbolicNetwork, lambdify_fourier,
                                     symbolic_network_fourier, to_latex)

tiny = SymbolicNetwork([[[1, 0], [1, -1]], [[1, -2]]], [[0, 0], [0]])
F_sym = symbolic_network_fourier(tiny, domain=((-1, -1), (1, 1)))
display(Math(r"\\hat f(k) = " + to_latex(F_sym, multiline=True)))

F_num = lambdify_fourier(F_sym, 2)
k_test = np.array([[1.3, 0.7], [2.1, -3.3], [-4.0, 0.25]])
print("closed form    :", F_num(k_test))
square = se.Box([-1, -1], [1, 1])
print("network_fourier:", se.network_fourier(tiny.float_network, k_test, domain=square))

absx = SymbolicNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])     # |x| on R
display(Math(r"\\widehat{|x|}(k) = " + to_latex(symbolic_network_fourier(absx))))
"""),
    md(r"""
## Exercise

1. Which terms of the closed form above decay like $|k|^{-2}$ along $k = t\,(1, -1)/\sqrt2$?
   Relate them to the kink line $x_1 = x_2$ of the tiny net.
2. The asymptotic regime starts at a $|k|$ that depends on the geometry. Repeat section 2
   with `seed=3`: the facet-normal fit over $[10^3, 10^6]$ misses 2. Which `t_min`, `t_max`
   of `verify_theorem1` fix it, and why (look at `sd.facet_measure` and at nearby normals)?
3. Train-free experiment: scale all weights of `net` by 3 (`se.ReLUNetwork([3 * W for W in
   net.weights], net.biases)`). Does the decay *exponent* change? What about the constant?
   Relate your answer to the spectral-norm discussion after Theorem 1 in the paper.
"""),
]

# --------------------------------------------------------------------------------------------
EXP_SETUP = """
import os
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")   # before torch starts: idle threads sleep
import tempfile
import warnings
warnings.filterwarnings("ignore", message="IProgress not found")   # tqdm without ipywidgets
"""

NB4 = [
    md(r"""
# 04 · Spectral bias during training: low frequencies are learned first

**What this notebook teaches.** A ReLU MLP regresses a sum of sines
$\lambda(z) = \sum_i A_i \sin(2\pi k_i z + \varphi_i)$ on $[0, 1)$. Tracking the spectrum of
the network during training shows the **spectral bias**: the low frequencies are fitted first,
the high ones much later, even when they have larger amplitude. We track the spectrum two
ways, side by side: the DFT of the network's values at the training points (what the paper
plots) and the **exact** transform of the network on $[0, 1]$ (`se.network_fourier`), which
also sees what happens *between* the samples and above the Nyquist frequency. The spectral
norms of the weight matrices grow during training, which (Theorem 1) is what lets the high
frequencies appear.

This is experiment 1 of `spectral_exact.experiments` at a reduced scale (the `quick` config,
shrunk further through its public overrides so it runs in well under a minute on a laptop CPU;
`spectral-exact experiment exp1 --scale paper` runs the paper's setting).

Paper: {PAPER}, Sec. 3.1 (Fig. 1 and 2; App. A.1 for the setup). {CONVENTION}
"""),
    code(SETUP + EXP_SETUP + """from IPython.display import Image, Markdown, display
from spectral_exact.experiments import exp1, experiment_claims, get_config, run_experiment
"""),
    md(r"""
## 1. The configuration

`get_config("exp1", "quick", **overrides)` returns the frozen config; the overrides below keep
the architecture family (depth 6, width 128, Adam) but train for fewer steps on the eight
lowest frequencies.
"""),
    code("""
OVERRIDES = dict(n_steps=2500, record_every=100, freqs=(5, 10, 15, 20, 25, 30, 35, 40))
cfg = get_config("exp1", "quick", **OVERRIDES)
print(cfg)
out = tempfile.mkdtemp(prefix="exp1_")
arrays = run_experiment("exp1", out, scale="quick", seeds=1, show_progress=False, **OVERRIDES)
print("saved:", sorted(os.listdir(out)))
"""),
    md(r"""
## 2. Low frequencies first: exact transform and DFT side by side

Left and middle: $|\tilde f_{k}|/A_k$ over training for each target frequency $k$ (cycles on
$[0,1]$), from the exact transform and from the DFT of the samples. Right: spectral norms of
the layers.
"""),
    code("""
display(Image(filename=os.path.join(out, "fig1_equal.png")))
display(Image(filename=os.path.join(out, "fig2_equal.png")))
"""),
    code("""
freqs, steps = arrays["freqs"], arrays["steps"]
ex, df = arrays["exact_amp"][0, 0], arrays["dft_amp"][0, 0]       # equal amplitudes, seed 0
t_half = [int(steps[np.argmax(ex[:, j] >= 0.5)]) if (ex[:, j] >= 0.5).any() else "never"
          for j in range(len(freqs))]
print("first step with exact |f~(k)|/A >= 0.5:", dict(zip(freqs.tolist(), t_half)))
print("max |exact - DFT| amplitude over training:", np.abs(ex - df).max().round(3))
"""),
    md(r"""
## 3. The spectral norms grow

The product of the layers' spectral norms bounds the Lipschitz constant of the net; Theorem 1
says the high-frequency content of $f$ is controlled by it. It grows by orders of magnitude
while the higher frequencies are being learned.
"""),
    code("""
fig, ax = plt.subplots(figsize=(6, 4))
for s, setting in enumerate(("equal", "increasing")):
    prod = np.prod(arrays["spectral_norms"][s, 0], axis=-1)
    ax.semilogy(steps, prod, label=f"{setting} amplitudes")
ax.set_xlabel("training step"); ax.set_ylabel(r"$\\prod_l \\|W_l\\|_2$"); ax.legend()
plt.show()
"""),
    md(r"""
## 4. What the DFT cannot see

After training, the exact transform of the net on a dense frequency grid (far beyond the
Nyquist frequency of the 200 training samples) next to the DFT of the samples. The DFT folds
everything above Nyquist back into $[0, N/2]$; the exact transform shows the net's true
high-frequency tail, which decays as Theorem 1 predicts.
"""),
    code("""
display(Image(filename=os.path.join(out, "exact_vs_dft.png")))
"""),
    md(r"""
## 5. The paper's claims, measured

`experiment_claims` turns the saved data into the paper's statements (the rank correlation
between frequency and the time at which it is learned; growth of the spectral norms). At this
reduced scale some high frequencies are not reached at all in the allotted steps.
"""),
    code("""
lines = ["| claim | measured | threshold | holds |", "|---|---|---|---|"]
for c in experiment_claims("exp1", out):
    lines.append(f"| {c.name} | {c.measured:.3g} | {c.op} {c.threshold} | {c.passed} |")
display(Markdown("\\n".join(lines)))
"""),
    md(r"""
## Exercise

1. Rerun with `freqs=(5, 10, 15, 20)` and twice the steps. Do all four frequencies get
   learned, in order? How does the time to learn $k$ scale with $k$?
2. In the *increasing* setting the high frequencies have the largest amplitudes. Display
   `fig1_increasing.png` from `out`: does the order of learning change? What does that say
   about whether spectral bias is a property of the data or of the network?
"""),
]

# --------------------------------------------------------------------------------------------
NB5 = [
    md(r"""
# 05 · Manifolds: high frequencies on a curvy manifold are easier

**What this notebook teaches.** Data rarely fill the input space: they lie near a manifold.
The paper's *flower* curves
$\gamma_L(z) = (1 + \tfrac12 \sin 2\pi L z)\,(\cos 2\pi z, \sin 2\pi z)$, $z\in[0,1)$, wiggle
$L$ times around the unit circle. The network $f:\mathbb R^2\to\mathbb R$ only needs
$f\circ\gamma_L$ to match the target $\tau(z)$. A low-frequency $f$ on $\mathbb R^2$ composed
with a curvy $\gamma_L$ has **high** frequencies in $z$: the manifold does part of the work, so
a net with spectral bias fits high-frequency targets on curvier manifolds more easily.

We first see this with a fixed network and its exact 2-D spectrum (no training), then run
experiment 5 of `spectral_exact.experiments` at a reduced scale.

Paper: {PAPER}, Sec. 4 ("Not all manifolds are learned equal"; Fig. 7, 8). {CONVENTION}
"""),
    code(SETUP + EXP_SETUP + """from IPython.display import Image, Markdown, display
from spectral_exact.experiments import exp5, experiment_claims, get_config, run_experiment
"""),
    md("## 1. The flower manifolds"),
    code("""
z = np.arange(1024) / 1024
Ls = (0, 4, 10, 16)
fig, axes = plt.subplots(1, 4, figsize=(14, 3.6))
for ax, L in zip(axes, Ls):
    pts = exp5.flower(z, L)
    ax.plot(pts[:, 0], pts[:, 1], lw=1)
    ax.set_aspect("equal"); ax.set_title(f"$\\\\gamma_{{{L}}}$")
plt.show()
"""),
    md(r"""
## 2. Why: one fixed network, four manifolds

Take a random ReLU net $f$ on $\mathbb R^2$. Its exact transform on the box
$[-1.6, 1.6]^2$ that contains all the curves is concentrated at low $|k|$ and it does not
depend on $L$. But the DFT of $f\circ\gamma_L$ along the curve moves to higher
frequencies as $L$ grows. The simplest case, $f(x) = x_1$:
$f\circ\gamma_L(z) = \cos 2\pi z + \tfrac14[\sin 2\pi(L{+}1)z + \sin 2\pi(L{-}1)z]$: a
frequency-1 function of the plane has frequencies $L \pm 1$ on the curve.
"""),
    code("""
f = se.ReLUNetwork.random((2, 16, 16, 1), seed=0)
box = se.Box([-1.6, -1.6], [1.6, 1.6])
g = np.linspace(-20, 20, 81)
K = np.stack(np.meshgrid(g, g), axis=-1)
F2 = se.network_fourier(f, K, domain=box)

fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
im = axes[0].imshow(np.log10(np.abs(F2)), extent=(g[0], g[-1], g[0], g[-1]), origin="lower",
                    cmap="magma")
axes[0].set_xlabel("$k_1$"); axes[0].set_ylabel("$k_2$")
axes[0].set_title("exact log10|F(k)| of f on the box (independent of L)")
fig.colorbar(im, ax=axes[0])
for L in Ls:
    vals = f(exp5.flower(z, L))
    amp = 2 * np.abs(np.fft.rfft(vals - vals.mean())) / len(z)
    xi = np.arange(len(amp))
    mean_xi = (xi * amp**2).sum() / (amp**2).sum()
    axes[1].semilogy(xi[:80], amp[:80] + 1e-8, label=f"L = {L}: mean frequency {mean_xi:.1f}")
axes[1].set_xlabel("frequency along the curve (cycles per unit z)")
axes[1].set_ylabel("2|DFT(f∘γ_L)|/N"); axes[1].set_ylim(1e-5, None); axes[1].legend()
axes[1].set_title("the same f, restricted to each curve")
plt.tight_layout(); plt.show()
"""),
    md(r"""
## 3. Training on the manifolds (experiment 5, reduced)

The target along the curve is $\tau(z) = \sum_i \sin(2\pi k_i z + \varphi_i)$. We train one
MLP per $L$ and record the spectrum of $f\circ\gamma_L$ during training and the loss. The
overrides shrink the `quick` config (fewer points, frequencies up to 100, three curves,
width 64) so it runs in well under a minute on a laptop CPU.
"""),
    code("""
OVERRIDES = dict(n_steps=1000, width=64, Ls=(0, 4, 10), n_points=500,
                 freqs=(10, 20, 30, 40, 50, 60, 70, 80, 90, 100), grid=81)
print(get_config("exp5", "quick", **OVERRIDES))
out = tempfile.mkdtemp(prefix="exp5_")
arrays = run_experiment("exp5", out, scale="quick", seeds=1, show_progress=False, **OVERRIDES)
for L, loss in zip(arrays["Ls"], arrays["loss"][:, 0, -1]):
    print(f"L = {L:4.0f}: final training MSE = {loss:.4f}")
"""),
    md(r"""
Heatmaps: normalised amplitude of each target frequency along the curve during training, one
panel per $L$; right: the loss curves. Then the learned $f$ on the plane with the curve.
"""),
    code("""
display(Image(filename=os.path.join(out, "fig8.png")))
display(Image(filename=os.path.join(out, "fig7.png")))
"""),
    code("""
lines = ["| claim | measured | threshold | holds |", "|---|---|---|---|"]
for c in experiment_claims("exp5", out):
    lines.append(f"| {c.name} | {c.measured:.3g} | {c.op} {c.threshold} | {c.passed} |")
display(Markdown("\\n".join(lines)))
"""),
    md(r"""
## Exercise

1. In section 2, replace the random net by $f(x) = \mathrm{relu}(x_1)$
   (`se.ReLUNetwork([[[1.0, 0.0]], [[1.0]]], [[0.0], [0.0]])`). Predict which frequencies of
   $f\circ\gamma_L$ are largest, then check.
2. Add $L = 16$ to the training run. The paper reports that the benefit of curvature does not
   grow without bound: why might a very curvy manifold become *harder* again? (Hint: look at
   how close different arcs of $\gamma_{16}$ come to each other, and at `fig7.png`.)
"""),
]

NOTEBOOKS = {
    "01_polytope_fourier": NB1,
    "02_relu_regions_and_spectrum": NB2,
    "03_theorem1_decay": NB3,
    "04_spectral_bias_training": NB4,
    "05_manifolds": NB5,
}


def build(name: str, cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.validate(nb)
    return nb


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        path = HERE / f"{name}.ipynb"
        nbformat.write(build(name, cells), path)
        print("wrote", path.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
