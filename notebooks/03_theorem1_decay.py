# %% [markdown]
# # 03 · Theorem 1: how fast does the spectrum of a ReLU net decay, and where?
#
# **What this notebook teaches.** Unrolling the recursion of notebook 01 inside Lemma 1
# (notebook 02) gives Theorem 1 of the paper: along almost every direction the transform of a
# ReLU net on $\mathbb R^d$ decays like $|k|^{-(d+1)}$, but along the normal of a bounded kink
# facet only like $|k|^{-2}$ (and, in 3-D, like $|k|^{-3}$ orthogonal to a kink edge). We read
# these **special directions** off the net's geometry, **measure** the decay exponents, split the
# transform into its **terms grouped by codimension**, and finally write the transform of a tiny
# net with rational weights in **closed form** (sympy, LaTeX).
#
# Paper: N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio, A.
# Courville, *On the Spectral Bias of Neural Networks*, ICML 2019 (arXiv:1806.08734), Sec. 2
# (Theorem 1 and the discussion of anisotropy that follows; its proof
# in the appendix). Convention throughout: $\hat f(k) = \int f(x)\, e^{-i k\cdot x}\, dx$, $k$ in
# radians per unit length (the paper's).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import spectral_exact as se

np.set_printoptions(precision=4, suppress=True)
from IPython.display import Markdown, Math, display

from spectral_exact.plotting import plot_regions
from spectral_exact.verify import decay_table_markdown, theorem1_directions, verify_theorem1

# %% [markdown]
# ## 1. Special directions from the geometry
#
# `se.special_directions(net)` collects the unit normals of the kink facets (the boundaries
# between regions), whether a facet with that normal is bounded (only those give $|k|^{-2}$),
# and whether the direction is *regular* (off the singular set of the distribution, so the
# decay can be measured there). `generic_direction()` returns a direction far from all of them.

# %%
net = se.ReLUNetwork.random((2, 6, 6, 1), seed=0)
sd = se.special_directions(net)
print(net)
print("distinct kink-facet normals      :", len(sd.facet_normals))
print("  ... with a bounded facet       :", int(sd.facet_bounded.sum()))
print("  ... bounded and regular        :", int((sd.facet_bounded & sd.regular).sum()))
u_gen = sd.generic_direction(seed=0)
print(
    "generic direction                :",
    u_gen,
    f"(angle to the nearest special one: {np.degrees(sd.distance_to_special(u_gen)[0]):.2f} deg)",
)

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
ax.set_title(
    "facet normals: red bounded & regular, orange bounded,\n"
    "grey unbounded only (width ~ facet length); green: generic"
)
plt.show()

# %% [markdown]
# ## 2. Measured decay exponents against Theorem 1
#
# `verify_theorem1` picks the generic direction and the normal of the largest bounded, regular
# kink facet, evaluates the exact transform on $\mathbb R^2$ along them for
# $|k| \in [10^3, 10^6]$ and fits the exponent with `se.measure_decay`. Theory:
# $d + 1 = 3$ (generic) and $2$ (facet normal).

# %%
rows = verify_theorem1(net, n=400)
display(Markdown(decay_table_markdown(rows, title="Theorem 1, 2-D net")))

prep = se.prepare_network(net)  # regions of R^2, reused below
dirs = theorem1_directions(net)
fig, ax = plt.subplots(figsize=(6, 4.5))
tt = np.geomspace(1e1, 1e5, 600)
for (kind, (u, p)), c in zip(dirs.items(), ["C2", "C3"]):
    fit = se.measure_decay(lambda k: se.network_fourier(prep, k), u, 1e1, 1e5, 600)
    ax.loglog(tt, np.abs(se.network_fourier(prep, tt[:, None] * u)), c, lw=0.4, alpha=0.6)
    ax.loglog(
        fit.t,
        fit.predict(fit.t),
        c + "--",
        label=f"{kind}: measured {fit.exponent:.2f}, theory {p:.0f}",
    )
ax.set_xlabel("t = |k|")
ax.set_ylabel("|F(t u)| on R^2")
ax.legend()
plt.show()

# %% [markdown]
# Away from the special set the exponent is $d + 1 = 3$; the apparent exponent over a finite
# range of $|k|$ drops toward 2 as the direction approaches a facet normal (the asymptotic
# regime starts later), and is exactly 2 on it.

# %%
special = sd.facet_normals[sd.facet_bounded & sd.regular]
sp_angles = np.mod(np.arctan2(special[:, 1], special[:, 0]), np.pi)
angles = np.sort(np.concatenate([np.linspace(0, np.pi, 48, endpoint=False), sp_angles]))
p = [
    se.measure_decay(
        lambda k: se.network_fourier(prep, k), [np.cos(a), np.sin(a)], 1e3, 1e5, 150
    ).exponent
    for a in angles
]
fig, ax = plt.subplots(figsize=(9, 3.5))
ax.plot(np.degrees(angles), p, "o-", ms=3)
for a in sp_angles:
    ax.axvline(np.degrees(a), color="C3", lw=0.5)
ax.set_xlabel("direction angle [deg] (mod 180)")
ax.set_ylabel("fitted exponent on [1e3, 1e5]")
ax.set_title("red: normals of bounded, regular kink facets")
plt.show()

# %% [markdown]
# ## 3. The terms, grouped by codimension
#
# `se.theorem1_terms(net, k)` splits Lemma 1 into the sums of all recursion paths that stop at a
# face of codimension $n = 0, 1, \dots, d$; group $n$ decays like $|k|^{-(n+1)}$. Along a
# generic direction only the vertex group ($n = 2$) is present; along a facet normal the
# codimension-1 group appears and dominates for large $|k|$. The groups always sum to the
# transform. (Near, but not at, a special direction the individual groups are huge and cancel:
# that is why the engine uses series expansions there; use the grouping to understand, at
# generic or exactly special $k$.)

# %%
tt = np.geomspace(1e2, 1e5, 60)
fig, axes = plt.subplots(1, 2, figsize=(13, 4.3), sharey=True)
for ax, (kind, (u, _p)) in zip(axes, dirs.items()):
    T = se.theorem1_terms(prep, tt[:, None] * u)
    F = se.network_fourier(prep, tt[:, None] * u)
    print(
        f"{kind:13s} max |sum of groups - transform| / max|F| = "
        f"{np.abs(T.total - F).max() / np.abs(F).max():.1e}"
    )
    for n in range(3):
        if np.abs(T.terms[n]).max() > 0:
            ax.loglog(tt, np.abs(T.terms[n]), label=f"codim {n} (~|k|^-{n + 1})")
    ax.loglog(tt, np.abs(F), "k:", label="transform")
    ax.set_title(kind)
    ax.set_xlabel("t = |k|")
    ax.legend()
axes[0].set_ylabel("|group|")
plt.show()

# %% [markdown]
# ## 4. In 3-D: the edge-orthogonal regime
#
# For $d = 3$ there is a third regime: $k$ orthogonal to a bounded kink edge decays like
# $|k|^{-3}$, between the generic $|k|^{-4}$ and the facet-normal $|k|^{-2}$.

# %%
net3 = se.ReLUNetwork.random((3, 5, 5, 1), seed=1)
rows3 = verify_theorem1(net3, n=240)
display(Markdown(decay_table_markdown(rows3, title="Theorem 1, 3-D net " + str(net3.architecture))))

# %% [markdown]
# ## 5. A closed form, exactly
#
# For rational weights every vertex of the region arrangement is rational and the transform on a
# rational box is an exponential polynomial $\sum_v C_v(k)\, e^{-ik\cdot v}$ with one term per
# vertex $v$ and rational functions $C_v$: Theorem 1, exactly.
# `spectral_exact.symbolic` computes it with sympy (no floating point in the geometry).
# Below: $f(x) = \mathrm{relu}(x_1) - 2\,\mathrm{relu}(x_1 - x_2)$ on $[-1, 1]^2$.

# %%
from spectral_exact.symbolic import (
    SymbolicNetwork,
    lambdify_fourier,
    symbolic_network_fourier,
    to_latex,
)

tiny = SymbolicNetwork([[[1, 0], [1, -1]], [[1, -2]]], [[0, 0], [0]])
F_sym = symbolic_network_fourier(tiny, domain=((-1, -1), (1, 1)))
display(Math(r"\hat f(k) = " + to_latex(F_sym, multiline=True)))

F_num = lambdify_fourier(F_sym, 2)
k_test = np.array([[1.3, 0.7], [2.1, -3.3], [-4.0, 0.25]])
print("closed form    :", F_num(k_test))
square = se.Box([-1, -1], [1, 1])
print("network_fourier:", se.network_fourier(tiny.float_network, k_test, domain=square))

absx = SymbolicNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])  # |x| on R
display(Math(r"\widehat{|x|}(k) = " + to_latex(symbolic_network_fourier(absx))))

# %% [markdown]
# ## Exercise
#
# 1. Which terms of the closed form above decay like $|k|^{-2}$ along $k = t\,(1, -1)/\sqrt2$?
#    Relate them to the kink line $x_1 = x_2$ of the tiny net.
# 2. The asymptotic regime starts at a $|k|$ that depends on the geometry. Repeat section 2
#    with `seed=3`: the facet-normal fit over $[10^3, 10^6]$ misses 2. Which `t_min`, `t_max`
#    of `verify_theorem1` fix it, and why (look at `sd.facet_measure` and at nearby normals)?
# 3. Train-free experiment: scale all weights of `net` by 3 (`se.ReLUNetwork([3 * W for W in
#    net.weights], net.biases)`). Does the decay *exponent* change? What about the constant?
#    Relate your answer to the spectral-norm discussion after Theorem 1 in the paper.
