# %% [markdown]
# # 01 · Fourier transforms of polytopes (Diaz–Le–Robins recursion)
#
# **What this notebook teaches.** A ReLU network is piecewise linear: its domain is cut into
# convex polytopes. Everything about its spectrum therefore reduces to the Fourier transform of
# a polytope, $\hat 1_P(k) = \int_P e^{-ik\cdot x}\,dx$. We compute it *exactly* with the
# recursion of Diaz, Le & Robins (2016) over the **face poset** of $P$, watch which recursion
# paths contribute for a given $k$, and see the consequence: the transform decays
# **anisotropically**,
# like $|k|^{-d}$ in generic directions but only like $|k|^{-1}$ along a facet normal.
# Finally we check the exact values against a numerical FFT.
#
# Paper: N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio, A.
# Courville, *On the Spectral Bias of Neural Networks*, ICML 2019 (arXiv:1806.08734), Sec. 2
# (Fourier analysis of ReLU networks; the proof of Theorem 1 unrolls
# exactly this recursion). Convention throughout: $\hat f(k) = \int f(x)\, e^{-i k\cdot x}\, dx$,
# $k$ in radians per unit length (the paper's).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import spectral_exact as se

np.set_printoptions(precision=4, suppress=True)
import networkx as nx

# %% [markdown]
# ## 1. A polygon and its transform
#
# `se.Polytope.from_vertices` takes the convex hull. Two invariants to check straight away:
# $\hat 1_P(0) = \operatorname{area}(P)$ and $\hat 1_P(-k) = \overline{\hat 1_P(k)}$.

# %%
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
ax.set_aspect("equal")
ax.set_title("the polygon P")
plt.show()

# %% [markdown]
# ## 2. The face poset
#
# `se.face_poset(P)` is a `networkx.DiGraph` with one node per face (keyed by the set of vertex
# indices it contains) and an edge $F \to G$ for each facet $G$ of $F$. Each node carries the
# data the recursion needs: `dim`, a relative-interior point `point`, an orthonormal `basis` of
# its direction space; each edge carries the outward unit normal $N_F(G)$ of $G$ inside $F$.
#
# The Diaz–Le–Robins recursion, with $q = \mathrm{Proj}_F(k)$:
#
# $$
# \hat 1_F(k) \;=\; \sum_{G \lessdot F} \frac{i\, q\cdot N_F(G)}{|q|^2}\, \hat 1_G(k)
# \quad\text{if } q \neq 0, \qquad
# \hat 1_F(k) \;=\; \operatorname{vol}(F)\, e^{-ik\cdot x_F} \quad\text{if } q = 0 .
# $$
#
# Each step down the poset costs a factor $O(1/|k|)$; a path stops at the first face $F$ with
# $\mathrm{Proj}_F(k) = 0$ (a vertex always qualifies). So a path that stops at a face of
# codimension $n$ contributes $O(|k|^{-n})$.

# %%
G = se.face_poset(P)
print("f-vector (#vertices, #edges, #2-faces):", se.f_vector(G))
top = max(G.nodes, key=lambda F: G.nodes[F]["dim"])


def draw_poset(G, ax, k=None, title=""):
    """Draw the Hasse diagram of a face poset, one row per dimension.

    With a frequency k: faces where the recursion stops (Proj_F(k) = 0, reached from a face where
    it does not) in red, the poset edges the recursion walks solid, the others dotted.
    """
    pos = nx.multipartite_layout(G, subset_key="dim", align="horizontal")
    pos = {F: (x, G.nodes[F]["dim"]) for F, (x, _) in pos.items()}
    label = {F: "".join(map(str, sorted(F))) for F in G}
    if k is None:
        stop, walked = set(), list(G.edges)
    else:
        zero = {
            F for F, B in G.nodes(data="basis") if np.linalg.norm(B @ k) <= 1e-9 * np.linalg.norm(k)
        }
        walked = [(F, H) for F, H in G.edges if F not in zero]
        stop = {H for _, H in walked if H in zero}
    rest = [e for e in G.edges if e not in set(walked)]
    nx.draw_networkx_edges(G, pos, edgelist=walked, ax=ax, arrows=False, width=1.2)
    nx.draw_networkx_edges(G, pos, edgelist=rest, ax=ax, arrows=False, style="dotted", alpha=0.4)
    colors = ["tab:red" if F in stop else "lightsteelblue" for F in G]
    nx.draw_networkx_nodes(G, pos, ax=ax, node_color=colors, node_size=520)
    nx.draw_networkx_labels(G, pos, labels=label, ax=ax, font_size=7)
    ax.set_title(title)
    ax.set_ylabel("face dimension")
    ax.axis("on")
    ax.tick_params(left=True, labelleft=True, bottom=False, labelbottom=False)
    return stop, walked


fig, ax = plt.subplots(figsize=(7, 3.5))
draw_poset(G, ax, title="face poset of P (labels: vertex indices of each face)")
plt.show()

# %% [markdown]
# ## 3. Recursion paths for a generic $k$ and for $k$ along an edge normal
#
# For a generic $k$ no edge is orthogonal to $k$, so every path runs down to a vertex
# (codimension 2): $\hat 1_P(k) = O(|k|^{-2})$. If $k$ is parallel to the outward normal of an
# edge $e$, then $\mathrm{Proj}_e(k) = 0$ and the path $P \to e$ stops at codimension 1: a term of
# order $|k|^{-1}$ survives. `se.theorem1_terms` returns the transform split by the codimension
# of the face where the paths stop (its `total` is the transform).

# %%
edges = [H for H in G.successors(top)]
e_long = max(edges, key=lambda H: np.ptp(G.nodes[H]["vertices"], axis=0).sum())
u_edge = G.edges[top, e_long]["normal"]  # outward unit normal of the longest edge
u_gen = np.array([np.cos(0.3), np.sin(0.3)])  # a generic direction
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

# %% [markdown]
# ## 4. Anisotropic decay
#
# The map of $\log_{10}|\hat 1_P(k)|$ shows bright streaks exactly along the edge normals
# (dashed): there the decay is only $|k|^{-1}$. `se.measure_decay` fits the exponent $p$ of
# $|\hat 1_P(t u)| \approx C t^{-p}$ through an oscillation-robust envelope; sweeping the
# direction $u$ gives $p = 2$ everywhere except at the five normal directions, where $p = 1$
# (a set of measure zero: this is the polytope version of Theorem 1).

# %%
g = np.linspace(-60, 60, 301)
K = np.stack(np.meshgrid(g, g), axis=-1)
F = se.polytope_fourier(P, K)
normals = [G.edges[top, H]["normal"] for H in G.successors(top)]

fig, axes = plt.subplots(1, 3, figsize=(16, 4.4))
im = axes[0].imshow(
    np.log10(np.abs(F) + 1e-12),
    extent=(g[0], g[-1], g[0], g[-1]),
    origin="lower",
    cmap="magma",
    vmin=-4,
)
for n in normals:
    axes[0].plot([-60 * n[0], 60 * n[0]], [-60 * n[1], 60 * n[1]], "c--", lw=0.7)
axes[0].set_xlabel("$k_1$")
axes[0].set_ylabel("$k_2$")
axes[0].set_title(r"$\log_{10}|\hat 1_P(k)|$ and the edge normals")
fig.colorbar(im, ax=axes[0])

normal_angles = np.mod([np.arctan2(n[1], n[0]) for n in normals], np.pi)
angles = np.sort(np.concatenate([np.linspace(0, np.pi, 72, endpoint=False), normal_angles]))
fits = [
    se.measure_decay(lambda k: se.polytope_fourier(P, k), [np.cos(a), np.sin(a)], 1e2, 1e4, 200)
    for a in angles
]
axes[1].plot(np.degrees(angles), [f.exponent for f in fits], "o-", ms=3)
for a in normal_angles:
    axes[1].axvline(np.degrees(a), color="c", ls="--", lw=0.7)
axes[1].set_xlabel("direction angle [deg] (mod 180)")
axes[1].set_ylabel("fitted exponent p")
axes[1].set_title("decay exponent vs direction")

tt = np.geomspace(1e1, 1e4, 800)
for name, u, c in [("generic", u_gen, "C0"), ("edge normal", u_edge, "C3")]:
    fit = se.measure_decay(lambda k: se.polytope_fourier(P, k), u, 1e1, 1e4, 800)
    axes[2].loglog(tt, np.abs(se.polytope_fourier(P, tt[:, None] * u)), c, lw=0.5, alpha=0.6)
    axes[2].loglog(fit.t, fit.envelope, c, lw=2, label=f"{name}: p = {fit.exponent:.3f}")
axes[2].set_xlabel("t = |k|")
axes[2].set_ylabel("|F(t u)|")
axes[2].legend()
axes[2].set_title("along two directions (thick: rms envelope)")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 5. A 3-D polytope: a square pyramid
#
# In 3-D there are three regimes: generic $k$ (paths end at vertices, $|k|^{-3}$), $k$
# orthogonal to an edge but not normal to a facet (paths can stop at that edge, $|k|^{-2}$),
# and $k$ normal to a facet ($|k|^{-1}$).

# %%
Q = se.Polytope.from_vertices([[0, 0, 0], [2, 0, 0], [2, 2, 0], [0, 2, 0], [1, 1, 1.5]])
GQ = se.face_poset(Q)
topQ = max(GQ.nodes, key=lambda F: GQ.nodes[F]["dim"])
print(Q, " volume =", Q.volume, " F(0) =", se.polytope_fourier(Q, [0, 0, 0]))
print("f-vector:", se.f_vector(GQ))

rng = np.random.default_rng(0)
u3 = rng.normal(size=3)
u3 /= np.linalg.norm(u3)
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
    print(
        f"{name:38s} theory p = {p}, measured p = {fit.exponent:.3f}, {n_paths} paths, "
        f"|terms| by codim = {np.round(np.abs(T.terms), 5)}"
    )
plt.tight_layout()
plt.show()


# %% [markdown]
# ## 6. Agreement with a numerical FFT
#
# `se.fft_fourier` applies the trapezoidal rule on an $n^d$ grid via the FFT and returns values
# in the same convention on its own frequency grid; `se.fft_fourier_at` evaluates the same
# sum at chosen frequencies. It accepts any callable with an `input_dim`, so we hand it the
# indicator of $P$. The indicator jumps at $\partial P$, so the quadrature converges only
# roughly like $O(h)$ and erratically (the error depends on how the grid meets the boundary),
# while the closed form is exact to rounding: for discontinuous integrands the FFT is a rough
# check, the recursion is the reference.


# %%
class Indicator:
    """The indicator 1_P as a callable that fft_fourier can sample."""

    def __init__(self, P):
        self.P, self.input_dim = P, P.ambient_dim

    def __call__(self, x):
        return self.P.contains(x).astype(float)


box = se.Box([-0.93, -0.71], [3.07, 2.33])  # edges of P do not sit on grid lines
k_grid, F_fft = se.fft_fourier(Indicator(P), box, n=256)
F_ex = se.polytope_fourier(P, k_grid)
sel = np.all(np.abs(k_grid) <= 40, axis=-1)
print(
    f"max |FFT - exact| for |k_i| <= 40: {np.abs(F_fft - F_ex)[sel].max():.2e}"
    f"  (|F| <= area = {P.volume:.2f})"
)

c = 128
h = int(np.searchsorted(k_grid[c:, c, 0], 40))
blk = (slice(c - h, c + h), slice(c - h, c + h))
ext = (k_grid[blk][0, 0, 0], k_grid[blk][-1, 0, 0], k_grid[blk][0, 0, 1], k_grid[blk][0, -1, 1])
fig, axes = plt.subplots(1, 4, figsize=(18, 4))
for ax, (name, A) in zip(axes, [("exact", F_ex), ("FFT of samples", F_fft)]):
    im = ax.imshow(
        np.log10(np.abs(A[blk]).T + 1e-12),
        origin="lower",
        extent=ext,
        vmin=-4,
        cmap="magma",
        aspect="auto",
    )
    ax.set_title(f"log10 |F|, {name}")
    fig.colorbar(im, ax=ax)
im = axes[2].imshow(
    np.abs(F_fft - F_ex)[blk].T, origin="lower", extent=ext, cmap="viridis", aspect="auto"
)
axes[2].set_title("|FFT - exact|")
fig.colorbar(im, ax=axes[2])

k_fix = np.random.default_rng(1).uniform(-15, 15, size=(64, 2))
exact_fix = se.polytope_fourier(P, k_fix)
ns = np.array([32, 64, 128, 256, 512, 1024])
rms = [
    np.sqrt(np.mean(np.abs(se.fft_fourier_at(Indicator(P), box, n, k_fix) - exact_fix) ** 2))
    for n in ns
]
hs = 4.0 / (ns - 1)
axes[3].loglog(hs, rms, "o-", label="rms error at 64 fixed k")
axes[3].loglog(hs, rms[0] * hs / hs[0], "k--", lw=0.8, label=r"$\propto h$")
axes[3].set_xlabel("grid step h")
axes[3].set_title("FFT error vs grid step (2-D)")
axes[3].legend()
plt.tight_layout()
plt.show()

box3 = se.Box([-0.43, -0.37, -0.31], [2.47, 2.39, 1.93])
k3 = np.random.default_rng(2).uniform(-6, 6, size=(16, 3))
ex3 = se.polytope_fourier(Q, k3)
for n in (32, 64, 128):
    e3 = se.fft_fourier_at(Indicator(Q), box3, n, k3) - ex3
    rms3 = np.sqrt(np.mean(np.abs(e3) ** 2))
    print(f"3-D pyramid, n = {n:3d}: rms |FFT - exact| at 16 k = {rms3:.1e}, volume {Q.volume:.1f}")

# %% [markdown]
# ## Exercise
#
# 1. Replace $P$ by a regular hexagon (`se.Polytope.from_vertices` of 6 points on a circle).
#    How many distinct directions of slow decay does it have, and why fewer than its number of
#    edges? Predict, then confirm with the direction sweep of section 4.
# 2. For the pyramid $Q$, find a direction with exponent 2 that is orthogonal to a *lateral*
#    edge (e.g. the edge from `[0, 0, 0]` to the apex). Which paths of the poset stop there?
#    Check with `se.theorem1_terms(Q, k).terms`.
