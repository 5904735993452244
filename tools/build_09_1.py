#!/usr/bin/env python
"""Write chapters/09.1-convolution.ipynb from the cells below (unexecuted).

    python tools/build_09_1.py && python tools/execute_notebooks.py chapters/09.1-convolution.ipynb

The committed, executed notebook is what readers see; this script only keeps its source
reviewable as plain Python. Edit here, rebuild, re-execute.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parent.parent / "chapters" / "09.1-convolution.ipynb"
IGNORE = ["nbval-ignore-output"]

cells = []


def md(text):
    cells.append(new_markdown_cell(text.strip("\n")))


def code(text, tags=()):
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    cells.append(cell)


# ---------------------------------------------------------------------------------------
md(r"""
# 9.1 The convolution operation

A runnable companion to section 9.1 of *Deep Learning* (Goodfellow, Bengio and Courville),
and to the study group's note on it. Every number printed below is computed here and
checked by an `assert`; the notebook runs top to bottom, offline, in well under a minute.
""")

code(r"""
import numpy as np
import matplotlib.pyplot as plt
import scipy.signal
import convbook as cb
""")

md(r"""
## Learning goals

- **§9.1, Eqs. 9.1–9.3**: read a convolution $s = x * w$ as a weighted average, and say why
  the weights must form a density that is zero for negative ages.
- **§9.1, Eqs. 9.4–9.6**: compute 2-D convolution and cross-correlation by hand, in a loop
  and with `convbook`, and explain why only convolution commutes.
- **§9.1, Figure 9.1**: write every output of a "valid" cross-correlation as a sum of
  products, and see that a learner using either operation learns the same function.
- **§9.1, the matrix view**: build the Toeplitz, doubly block Toeplitz and doubly block
  circulant matrices, and say which padding gives which (an erratum in the book).
- **§9.1 with the study note**: redo the note's MATLAB `filter2`/`conv2` check, and test its
  remark that convolution and correlation agree for an even kernel.
""")

code(r"""
%matplotlib inline
rng = np.random.default_rng(2016)  # one seeded generator for the whole notebook
plt.rcParams.update({"figure.dpi": 100, "font.size": 10, "axes.titlesize": 11})
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 1 The spaceship sensor (Eqs. 9.1 and 9.2)

A laser sensor reports the position $x(t)$ of a spaceship, but every reading is noisy. To
smooth it we average many readings, trusting recent ones more: a reading of age $a$ gets
the weight $w(a)$. The smoothed estimate at time $t$ is

$$s(t) = \int x(a)\, w(t-a)\, da \qquad (9.1)$$

written $s = x * w$ (9.2). Substituting the age $a' = t-a$ gives the same integral as
$\int x(t-a')\,w(a')\,da'$: the reading taken $a'$ seconds ago, times its weight.

Below, "continuous" time is a grid of 10 ms steps and the integral is its Riemann sum
(step × sum). The weight is an exponential density, $w(a) = \lambda e^{-\lambda a}$ for
$a \ge 0$, normalised so that its numerical integral is exactly 1.
""")

code(r"""
dt = 0.01                                         # grid step (s)
t = np.arange(0, 20, dt)
position = 5 + 0.3 * t + 1.5 * np.sin(0.4 * t)   # where the ship really is (km)
x = position + rng.normal(0.0, 1.5, t.size)      # the noisy readings x(t)

ages = np.arange(0, 3, dt)                        # a >= 0: readings from the past only
rate = 4.0                                        # mean age of the weights: 1/rate = 0.25 s
w = rate * np.exp(-rate * ages)
w /= w.sum() * dt                                 # a density: integral of w = 1


def smooth(x, w, first_age, dt):
    # s(t_i) = sum_j x(t_i - a_j) w(a_j) dt, where the ages are a_j = first_age + j*dt.
    # A 'full' convolution holds every such sum; age 0 sits at index -first_age/dt of w.
    full = cb.convolve1d(x, w, mode="full") * dt
    start = int(round(-first_age / dt))
    return full[start:start + x.size]


s = smooth(x, w, ages[0], dt)

# Eq. 9.1 written out at one time, t = 10 s: the readings of the last 3 s, times weights.
i = 1000
direct = np.sum(x[i - np.arange(ages.size)] * w) * dt
assert np.isclose(s[i], direct, rtol=1e-12, atol=0)
assert np.isclose(w.sum() * dt, 1.0, rtol=1e-12)

steady = t >= 3                                   # skip the start-up (no readings before t = 0)
rms_x = np.sqrt(np.mean((x - position)[steady] ** 2))
rms_s = np.sqrt(np.mean((s - position)[steady] ** 2))
print(f"s({t[i]:.0f} s) = {s[i]:.3f} km from the convolution, {direct:.3f} km from the sum")
print(f"rms error of the raw readings: {rms_x:.2f} km; of the weighted average: {rms_s:.2f} km")
assert rms_s < rms_x / 4
""")

code(r"""
fig, (ax_w, ax_s) = plt.subplots(1, 2, figsize=(11, 3.4), gridspec_kw={"width_ratios": [1, 2.6]})
ax_w.plot(ages, w, color="C1")
ax_w.fill_between(ages, w, color="C1", alpha=0.3)
ax_w.set(xlabel="age a (s)", ylabel="weight w(a) (1/s)", title="kernel: a density on a ≥ 0")
ax_s.plot(t, x, ".", ms=1.5, color="0.6", label="readings x(t)")
ax_s.plot(t, position, color="k", lw=1.2, label="true position")
ax_s.plot(t, s, color="C0", lw=1.5, label="s = x * w")
ax_s.set(xlabel="time t (s)", ylabel="position (km)", title="the weighted average tracks the ship")
ax_s.legend(loc="upper left", fontsize=9)
fig.tight_layout()
""")

md(r"""
### Discrete time (Eq. 9.3)

If the sensor reports once per second, $t$ and $a$ are integers and the integral becomes a
sum, $s(t) = \sum_a x(a)\,w(t-a)$. In the book's words, $x$ is the **input**, $w$ the
**kernel** and $s$ the **feature map**. The sum runs over all integers, but only finitely
many terms are nonzero: readings that were never taken, and weights we never stored, count
as zero. Below, the loop writes the sum out; `cb.convolve1d` must agree, and so must a
version that embeds the input in a sea of zeros.
""")

code(r"""
xd = x[::100]                          # one reading per second, t = 0, 1, ..., 19
wd = 0.5 ** np.arange(6)               # weights for ages 0..5 s, halving every second
wd /= wd.sum()                         # a discrete density: the weights sum to 1

sd_loop = np.zeros(xd.size)
for n in range(xd.size):               # s(n) = sum_a x(n - a) w(a)
    for a in range(wd.size):
        if n - a >= 0:                 # no reading before t = 0: that term is zero
            sd_loop[n] += xd[n - a] * wd[a]

sd = cb.convolve1d(xd, wd, mode="full")[: xd.size]
assert np.allclose(sd, sd_loop, rtol=1e-12, atol=0)

padded = np.concatenate([np.zeros(50), xd, np.zeros(50)])   # zeros "outside" change nothing
assert np.allclose(cb.convolve1d(padded, wd, mode="full")[50:50 + xd.size], sd, rtol=1e-12, atol=0)
print("loop, convbook and zero-padded sums agree at all", xd.size, "times")
""")

code(r"""
fig, ax = plt.subplots(figsize=(9, 3))
n = np.arange(xd.size)
ax.plot(n, position[::100], color="k", lw=1, label="true position")
ax.plot(n, xd, "o", color="0.55", ms=5, label="reading x(n)")
ax.plot(n, sd, "s-", color="C0", ms=4, label="s(n) = Σ_a x(n−a) w(a)")
ax.set(xlabel="time n (s)", ylabel="position (km)", title="discrete convolution: one reading per second")
ax.set_xticks(n[::2])
ax.legend(loc="upper left", fontsize=9)
fig.tight_layout()
""")

md(r"""
### Two ways to get the weights wrong

**The weights must form a density** (integrate to 1). The average of a constant must be
that constant. A kernel of total weight $c$ returns $c$ times the weighted average, so it
moves every estimate by a factor $c$: a bias that no amount of data removes.
""")

code(r"""
fig, ax = plt.subplots(figsize=(9, 3.2))
ax.plot(t, position, color="k", lw=1.2, label="true position")
for c, color in [(0.5, "C3"), (1.0, "C0"), (2.0, "C2")]:
    s_c = smooth(x, c * w, ages[0], dt)
    ratio = np.mean(s_c[steady]) / np.mean(s[steady])
    assert np.isclose(ratio, c, rtol=1e-12)       # the bias is exactly the factor c
    ax.plot(t, s_c, color=color, lw=1.4, label=f"∫w = {c:g}: estimates × {ratio:.2f}")
ax.set(xlabel="time t (s)", ylabel="position (km)", title="a kernel that is not a density biases s")
ax.legend(loc="upper left", fontsize=9)
fig.tight_layout()
""")

md(r"""
**The weights must be zero for negative ages.** A reading of negative age is one that has
not been taken yet. Give the kernel weight there, for instance a two-sided exponential
$w(a) = \tfrac{\lambda}{2}e^{-\lambda|a|}$, and the "estimate" at time $t$ uses the future.
Below, the ship jumps 4 km at $t = 10$ s. The causal average starts to move only after the
jump; the two-sided one moves before it. A second test makes it exact: wipe out every
reading after $t = 9.5$ s (the future is unknown at 9.5 s) and recompute. The causal
estimate up to 9.5 s does not change at all; the two-sided one does.
""")

code(r"""
jump = np.where(t < 10, 10.0, 14.0)                   # the ship jumps 4 km at t = 10 s
x_jump = jump + rng.normal(0.0, 1.5, t.size)

ages2 = np.arange(-3, 3 + dt / 2, dt)                 # ages from -3 s (future) to +3 s (past)
w2 = 0.5 * rate * np.exp(-rate * np.abs(ages2))
w2 /= w2.sum() * dt                                   # still a density, but two-sided

causal, two_sided = smooth(x_jump, w, ages[0], dt), smooth(x_jump, w2, ages2[0], dt)

now = np.searchsorted(t, 9.5)                         # index of t = 9.5 s
known = x_jump.copy()
known[now + 1:] = 0.0                                 # readings not yet taken at 9.5 s
causal_now, two_sided_now = smooth(known, w, ages[0], dt), smooth(known, w2, ages2[0], dt)
change_causal = np.max(np.abs(causal_now[:now + 1] - causal[:now + 1]))
change_two_sided = np.max(np.abs(two_sided_now[:now + 1] - two_sided[:now + 1]))
print(f"hiding the future changes the causal estimate by {change_causal:.1e} km, "
      f"the two-sided one by {change_two_sided:.2f} km")
assert change_causal == 0.0 and change_two_sided > 1.0

# Without noise the anticipation is plain: 0.2 s before the jump the two-sided estimate
# has already moved, while the causal one sits exactly on 10 km.
clean_causal, clean_two_sided = smooth(jump, w, ages[0], dt), smooth(jump, w2, ages2[0], dt)
before = np.searchsorted(t, 9.8)
print(f"at t = 9.8 s, noise-free: causal {clean_causal[before]:.3f} km, "
      f"two-sided {clean_two_sided[before]:.3f} km (truth 10 km)")
assert np.isclose(clean_causal[before], 10.0, rtol=1e-12) and clean_two_sided[before] > 10.5
""")

code(r"""
fig, (ax_w, ax_s) = plt.subplots(1, 2, figsize=(11, 3.4), gridspec_kw={"width_ratios": [1, 2.6]})
ax_w.plot(np.r_[-3.0, 0.0, ages], np.r_[0.0, 0.0, w], color="C0", label="causal")
ax_w.plot(ages2, w2, color="C3", label="two-sided")
ax_w.axvspan(-3, 0, color="C3", alpha=0.08)
ax_w.text(-2.9, 0.92 * w.max(), "the future", color="C3", fontsize=9)
ax_w.set(xlabel="age a (s)", ylabel="weight w(a) (1/s)", title="kernels")
ax_w.legend(fontsize=9)
window = (t > 7) & (t < 13)
ax_s.plot(t[window], x_jump[window], ".", ms=1.5, color="0.6", label="readings")
ax_s.plot(t[window], jump[window], color="k", lw=1.2, label="true position")
ax_s.plot(t[window], causal[window], color="C0", lw=1.5, label="causal w")
ax_s.plot(t[window], two_sided[window], color="C3", lw=1.5, label="two-sided w")
ax_s.axvline(10, color="k", ls=":", lw=1)
ax_s.set(xlabel="time t (s)", ylabel="position (km)", title="a kernel on negative ages reacts before the jump")
ax_s.legend(loc="upper left", fontsize=9)
fig.tight_layout()
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 2 Widget: sliding and flipping in 1-D

In Eq. 9.1 the kernel appears as $w(t-a)$: as a function of the reading time $a$ it is
**flipped** (the newest reading, $a = t$, gets $w(0)$) and **shifted** to end at $t$. Moving
$t$ slides the flipped kernel along the input; $s(t)$ is the area under the product. The
figure shows the default setting; in a live notebook the slider below it moves $t$.
""")

code(r"""
cb.widgets.sliding_figure()
""")

code(r"""
sliding = cb.widgets.sliding_demo()
sliding.widget
""", IGNORE)

code(r"""
# Driven from code, the widget shows the sum of Eq. 9.3 written out: s(t) = sum_a x(t-a) w(a).
sliding.controls["t"].value = 45
state = sliding.state
last = min(state["w"].size, state["t"] + 1)              # ages that have a reading
assert np.isclose(state["s_t"], np.dot(state["x"][state["t"]::-1][:last], state["w"][:last]), rtol=1e-12)
print(f"t = {state['t']}: s(t) = {state['s_t']:.4f}, from {last} weighted readings")
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 3 Discrete 2-D convolution (Eqs. 9.4–9.6)

For an image $I$ and a 2-D kernel $K$,

$$S(i,j) = (I * K)(i,j) = \sum_m \sum_n I(m,n)\,K(i-m,\,j-n) \qquad (9.4)$$

and, substituting $m \to i-m$, $n \to j-n$,

$$S(i,j) = (K * I)(i,j) = \sum_m \sum_n I(i-m,\,j-n)\,K(m,n). \qquad (9.5)$$

The two sums hold the same products, so convolution **commutes**: $I * K = K * I$. It works
because one of the two indices runs backwards: the kernel is flipped relative to the input.
The two loops below transcribe each equation over every $(i,j)$ where some product is
nonzero (SciPy's `mode="full"`).
""")

code(r"""
I = rng.integers(0, 10, size=(4, 5)).astype(float)
K = np.array([[1.0, 2.0, 0.0],
              [0.0, -1.0, 3.0]])                      # no symmetry, so a flip shows


def conv_eq_9_4(I, K):
    H, W = I.shape
    kh, kw = K.shape
    S = np.zeros((H + kh - 1, W + kw - 1))
    for i in range(S.shape[0]):
        for j in range(S.shape[1]):
            for m in range(H):
                for n in range(W):
                    if 0 <= i - m < kh and 0 <= j - n < kw:
                        S[i, j] += I[m, n] * K[i - m, j - n]
    return S


def conv_eq_9_5(I, K):
    H, W = I.shape
    kh, kw = K.shape
    S = np.zeros((H + kh - 1, W + kw - 1))
    for i in range(S.shape[0]):
        for j in range(S.shape[1]):
            for m in range(kh):
                for n in range(kw):
                    if 0 <= i - m < H and 0 <= j - n < W:
                        S[i, j] += I[i - m, j - n] * K[m, n]
    return S


full = cb.convolve2d(I, K, mode="full")
assert np.allclose(conv_eq_9_4(I, K), full, rtol=1e-12, atol=0)
assert np.allclose(conv_eq_9_5(I, K), full, rtol=1e-12, atol=0)
assert np.allclose(cb.convolve2d(K, I, mode="full"), full, rtol=1e-12, atol=0)   # I * K = K * I
print("I * K (mode='full'), equal to K * I:")
print(full)
""")

md(r"""
In practice one keeps only the outputs where the kernel lies wholly inside the image,
`mode="valid"` (the default in `convbook`, as in the book's Figure 9.1). They are the
central block of the full result. Most libraries compute the **cross-correlation** instead,
the same sum without the flip:

$$S(i,j) = (I \star K)(i,j) = \sum_m \sum_n I(i+m,\,j+n)\,K(m,n) \qquad (9.6)$$

(the book keeps the symbol $*$ and, like most libraries, still calls it convolution).
Convolution is cross-correlation with the kernel turned 180°. Cross-correlation does not
commute: swapping its arguments turns the result by 180°.
""")

code(r"""
def corr_eq_9_6(I, K):
    H, W = I.shape
    kh, kw = K.shape
    S = np.zeros((H - kh + 1, W - kw + 1))
    for i in range(S.shape[0]):
        for j in range(S.shape[1]):
            for m in range(kh):
                for n in range(kw):
                    S[i, j] += I[i + m, j + n] * K[m, n]
    return S


kh, kw = K.shape
valid = cb.convolve2d(I, K)                                       # mode="valid"
assert np.allclose(valid, full[kh - 1:I.shape[0], kw - 1:I.shape[1]], rtol=1e-12, atol=0)
assert np.allclose(cb.correlate2d(I, K), corr_eq_9_6(I, K), rtol=1e-12, atol=0)
assert np.allclose(valid, cb.correlate2d(I, np.rot90(K, 2)), rtol=1e-12, atol=0)  # flip = conv

corr_IK, corr_KI = cb.correlate2d(I, K, mode="full"), cb.correlate2d(K, I, mode="full")
assert not np.allclose(corr_IK, corr_KI)                          # no commutativity...
assert np.allclose(corr_KI, np.rot90(corr_IK, 2), rtol=1e-12, atol=0)  # ...only a 180° turn
print("convolution (valid):\n", valid)
print("cross-correlation (valid):\n", cb.correlate2d(I, K))
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 4 Figure 9.1, regenerated from the indexing code

The book's Figure 9.1 shows a "valid" cross-correlation of a 3×4 input with entries
$a,\dots,l$ and a 2×2 kernel $w, x, y, z$. Rather than typing its six sums, we let the
library write them. `cb.conv_matrix(kernel, shape)` returns the matrix $M$ with
`M @ I.ravel() == cb.correlate2d(I, kernel).ravel()`. Built from a kernel of distinct codes
1, 2, 3, 4 (for $w, x, y, z$), row $r$ of $M$ says which input (column) meets which kernel
entry (value) in output $r$. The same matrix, built from numbers, computes the numeric
output; we check that the symbols evaluate to it.

*(check)* Our drawing is a reading of the printed figure, redrawn for illustration. What
we assert is the property the figure shows: every 2×2 window of the input is used exactly
once, so "valid" gives 2×3 outputs, and the first one reads $aw + bx + ey + fz$.
""")

code(r"""
letters = np.array(list("abcdefghijkl")).reshape(3, 4)
kernel_letters = np.array([["w", "x"], ["y", "z"]])
codes = np.arange(1.0, 5.0).reshape(2, 2)                 # w=1, x=2, y=3, z=4


def symbolic(kernel_codes, input_letters, k_letters, mode="valid"):
    # Each output is the sum of input-letter x kernel-letter over the nonzeros of its row.
    M = cb.conv_matrix(kernel_codes, input_letters.shape, mode)
    out_shape = cb.correlate2d(np.zeros(input_letters.shape), kernel_codes, mode).shape
    sums = [" + ".join(f"{input_letters.flat[c]}{k_letters.flat[int(row[c]) - 1]}"
                       for c in np.flatnonzero(row))
            for row in M]
    return np.array(sums).reshape(out_shape)


S_sym = symbolic(codes, letters, kernel_letters)
print(S_sym)
assert S_sym.shape == (2, 3) and S_sym[0, 0] == "aw + bx + ey + fz"
windows = [{term[0] for term in entry.split(" + ")} for entry in S_sym.ravel()]
assert len({frozenset(win) for win in windows}) == 6 and all(len(win) == 4 for win in windows)

# Give the letters numbers, evaluate the strings, and compare with the library.
I_num = np.arange(1.0, 13.0).reshape(3, 4)
K_num = np.array([[2.0, -1.0], [0.5, 3.0]])
value = {**dict(zip(letters.ravel(), I_num.ravel())), **dict(zip(kernel_letters.ravel(), K_num.ravel()))}
evaluated = np.array([[sum(value[term[0]] * value[term[1]] for term in entry.split(" + "))
                       for entry in row] for row in S_sym])
assert np.allclose(evaluated, cb.correlate2d(I_num, K_num), rtol=1e-12, atol=0)
print("the six sums, evaluated:", evaluated.ravel(), "= cb.correlate2d")
""")

code(r"""
from matplotlib.patches import Rectangle


def grid(ax, labels, title, highlight=None, fontsize=12, cell=(1.0, 1.0)):
    rows, cols = labels.shape
    cw, ch = cell
    for r in range(rows):
        for c in range(cols):
            on = highlight is not None and (r, c) in highlight
            ax.add_patch(Rectangle((c * cw, -(r + 1) * ch), cw, ch, facecolor="#ffd8a8" if on else "white",
                                   edgecolor="k", lw=1))
            ax.text((c + 0.5) * cw, -(r + 0.5) * ch, labels[r, c], ha="center", va="center", fontsize=fontsize)
    ax.set_xlim(-0.1, cols * cw + 0.1)
    ax.set_ylim(-rows * ch - 0.1, 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)


fig, axes = plt.subplots(1, 3, figsize=(12, 3.0), gridspec_kw={"width_ratios": [4, 2.2, 9]})
grid(axes[0], letters, "input (3×4)", highlight={(0, 0), (0, 1), (1, 0), (1, 1)})
grid(axes[1], kernel_letters, "kernel (2×2)")
grid(axes[2], S_sym, "output, mode='valid' (2×3)", highlight={(0, 0)}, fontsize=10, cell=(3.0, 1.0))
fig.suptitle("Figure 9.1 regenerated: cross-correlation, no kernel flip", y=1.02)
fig.tight_layout()
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 5 Widget: the flip

The main widget of the chapter. Choose an output position, switch between convolution
(kernel flipped) and cross-correlation, and between the modes valid, same and full. The
highlighted window on the input holds the kernel as it is applied; the products and their
sum are written out. The static figure shows the default setting.
""")

code(r"""
cb.widgets.flip_figure()
""")

code(r"""
flip = cb.widgets.flip_demo()
flip.widget
""", IGNORE)

code(r"""
# The widget's output grid is the library's, in every setting of its toggles.
for operation, library in [("convolution", cb.convolve2d), ("cross-correlation", cb.correlate2d)]:
    flip.controls["operation"].value = operation
    for mode in ("valid", "same", "full"):
        flip.controls["mode"].value = mode
        expected = library(flip.state["image"], flip.state["kernel"], mode)
        assert np.allclose(flip.state["output_map"], expected, rtol=1e-12, atol=1e-12)
        assert np.isclose(flip.state["output"], flip.state["products"].sum(), rtol=1e-12)
flip.controls["operation"].value, flip.controls["mode"].value = "convolution", "valid"
print("the widget agrees with cb.convolve2d / cb.correlate2d in all 6 settings")
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 6 A learner finds the flipped kernel

Suppose some unknown filter made a set of input/output image pairs, and a model learns its
kernel by least squares. The output is linear in the kernel, so fitting is one `lstsq`
call: column $(m,n)$ of the design matrix is the operation applied with the one-hot kernel
$E_{mn}$. We fit twice, once with convolution as the model's operation and once with
cross-correlation. Both fit the data equally well, and the two kernels are each other
turned 180°. This is why the choice hardly matters in a network: the learner simply
learns the kernel in whichever orientation its operation expects.
""")

code(r"""
K_true = np.array([[1.0, 2.0, 0.0],
                   [0.0, 0.0, -1.0],
                   [3.0, 0.0, 0.5]])
X = rng.standard_normal((20, 8, 8))
Y = np.stack([cb.convolve2d(image, K_true) for image in X]) + 0.01 * rng.standard_normal((20, 6, 6))


def fit_kernel(operation, X, Y, shape):
    columns = []
    for m in range(shape[0]):
        for n in range(shape[1]):
            E = np.zeros(shape)
            E[m, n] = 1.0
            columns.append(np.concatenate([operation(image, E).ravel() for image in X]))
    A = np.stack(columns, axis=1)
    k, residual, *_ = np.linalg.lstsq(A, Y.ravel(), rcond=None)
    return k.reshape(shape), float(residual[0])


K_conv, res_conv = fit_kernel(cb.convolve2d, X, Y, K_true.shape)
K_corr, res_corr = fit_kernel(cb.correlate2d, X, Y, K_true.shape)
assert np.allclose(K_corr, np.rot90(K_conv, 2), rtol=0, atol=1e-10)    # one is the other, flipped
assert np.isclose(res_conv, res_corr, rtol=1e-8)                         # and they fit equally well
assert np.max(np.abs(K_conv - K_true)) < 0.01                            # noise 0.01 moves it little
print("fitted with convolution:\n", K_conv.round(2) + 0.0)          # + 0.0 turns -0.0 into 0.0
print("fitted with cross-correlation:\n", K_corr.round(2) + 0.0)
print(f"sum of squared residuals: {res_conv:.4f} (convolution), {res_corr:.4f} (cross-correlation)")
""")

code(r"""
fig, axes = plt.subplots(1, 3, figsize=(10, 3.3))
for ax, kernel, title in zip(axes, [K_true, K_conv, K_corr],
                             ["kernel that made the data", "learned, model uses convolution",
                              "learned, model uses cross-correlation"]):
    ax.imshow(kernel, cmap="RdBu_r", vmin=-3, vmax=3)
    for (r, c), v in np.ndenumerate(kernel):
        ax.text(c, r, f"{np.round(v, 2) + 0.0:.2f}", ha="center", va="center", fontsize=10,
                color="w" if abs(v) > 2 else "k")
    ax.set_title(title, fontsize=10)
    ax.set(xticks=range(3), yticks=range(3), xlabel="n", ylabel="m")
fig.tight_layout()
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 7 The matrix view

A convolution is linear, so it is a matrix product: `M @ x.ravel()` with $M$ from
`cb.conv_matrix` (which builds the cross-correlation matrix; pass the kernel turned 180°
for a convolution). The structure of $M$ is the point:

- in 1-D every diagonal of $M$ is constant: a **Toeplitz** matrix;
- in 2-D with zero padding, $M$ is made of blocks arranged in a Toeplitz pattern, and each
  block is itself Toeplitz: **doubly block Toeplitz**;
- with circular (wrap-around) padding, the blocks and the pattern are **circulant**: each
  row is the row above it rotated by one.

In the pictures each entry is coloured by the kernel entry it holds (the tied weights) and
white marks a structural zero. The kernel is again a set of distinct codes, so the colours
come straight from the matrix.
""")

code(r"""
from matplotlib.colors import ListedColormap


def is_toeplitz(A):                       # constant along every diagonal
    return np.array_equal(A[1:, 1:], A[:-1, :-1])


def is_circulant(A):                      # each row is the one above, rotated right by one
    return A.shape[0] == A.shape[1] and np.array_equal(A[1:], np.roll(A[:-1], 1, axis=1))


def block_grid(A, r, c):                  # (P, Q, r, c): the r-by-c blocks of A
    return A.reshape(A.shape[0] // r, r, A.shape[1] // c, c).transpose(0, 2, 1, 3)


def is_doubly_block_toeplitz(A, r, c):
    B = block_grid(A, r, c)
    return np.array_equal(B[1:, 1:], B[:-1, :-1]) and all(is_toeplitz(b) for b in B.reshape(-1, r, c))


def is_doubly_block_circulant(A, r, c):
    B = block_grid(A, r, c)
    return (B.shape[0] == B.shape[1] and np.array_equal(B[1:], np.roll(B[:-1], 1, axis=1))
            and all(is_circulant(b) for b in B.reshape(-1, r, c)))


def show_tied(ax, M, n_codes, title, blocks=None, annotate=True):
    cmap = ListedColormap(["white"] + [plt.cm.tab10(k) for k in range(n_codes)])
    ax.imshow(M, cmap=cmap, vmin=-0.5, vmax=n_codes + 0.5)
    ax.set_xticks(np.arange(-0.5, M.shape[1], 1), minor=True)
    ax.set_yticks(np.arange(-0.5, M.shape[0], 1), minor=True)
    ax.grid(which="minor", color="0.85", lw=0.5)
    ax.tick_params(which="minor", length=0)
    if blocks:
        for y in np.arange(-0.5, M.shape[0], blocks[0]):
            ax.axhline(y, color="k", lw=1)
        for x in np.arange(-0.5, M.shape[1], blocks[1]):
            ax.axvline(x, color="k", lw=1)
    if annotate:
        for (r, c), v in np.ndenumerate(M):
            if v:
                ax.text(c, r, int(v), ha="center", va="center", fontsize=7, color="w")
    ax.set(title=title, xlabel="input index", ylabel="output index")
""")

code(r"""
k_codes = np.array([1.0, 2.0, 3.0])                       # kernel entries p, q, r
T = cb.conv_matrix(k_codes, (8,))                         # 1-D, mode 'valid': 6 x 8
assert T.shape == (6, 8) and is_toeplitz(T)

x8, k3 = rng.standard_normal(8), np.array([0.5, -1.0, 2.0])
assert np.allclose(cb.conv_matrix(k3, (8,)) @ x8, cb.correlate1d(x8, k3), rtol=1e-12, atol=1e-12)
assert np.allclose(cb.conv_matrix(k3[::-1], (8,)) @ x8, cb.convolve1d(x8, k3), rtol=1e-12, atol=1e-12)
nnz = np.count_nonzero(T)
assert nnz == 6 * 3 and np.unique(T[T != 0]).size == 3
print(f"1-D Toeplitz matrix {T.shape}: {nnz} nonzeros of {T.size}, only 3 distinct values (tied)")

fig, ax = plt.subplots(figsize=(5, 3.8))
show_tied(ax, T, 3, "1-D, valid: Toeplitz (codes 1, 2, 3 = p, q, r)")
fig.tight_layout()
""")

code(r"""
K9 = np.arange(1.0, 10.0).reshape(3, 3)                   # nine distinct kernel codes
zero = cb.conv_matrix(K9, (4, 4), "same", boundary="fill")
wrap = cb.conv_matrix(K9, (4, 4), "same", boundary="wrap")

x44 = rng.standard_normal((4, 4))
K_rand = rng.standard_normal((3, 3))
for boundary in ("fill", "wrap"):
    M = cb.conv_matrix(K_rand, (4, 4), "same", boundary=boundary)
    assert np.allclose(M @ x44.ravel(), cb.correlate2d(x44, K_rand, "same", boundary).ravel(),
                       rtol=1e-12, atol=1e-12)

# Rows come in blocks of 4 outputs (one output row), columns in blocks of 4 inputs (one input row).
assert is_doubly_block_toeplitz(zero, 4, 4) and not is_doubly_block_circulant(zero, 4, 4)
assert is_doubly_block_circulant(wrap, 4, 4)
print(f"zero padding: {np.count_nonzero(zero)} nonzeros of {zero.size}; "
      f"wrap: {np.count_nonzero(wrap)} of {wrap.size} (every output sees all 9 kernel entries)")
assert np.count_nonzero(wrap) == 16 * 9

# The valid matrix of Figure 9.1 is doubly block Toeplitz too (blocks: 3 outputs x 4 inputs).
assert is_doubly_block_toeplitz(cb.conv_matrix(codes, (3, 4)), 3, 4)
""")

code(r"""
fig, axes = plt.subplots(1, 3, figsize=(12.5, 4.6), gridspec_kw={"width_ratios": [1, 3, 3]})
show_tied(axes[0], K9, 9, "kernel codes")
axes[0].set(xlabel="n", ylabel="m", xticks=range(3), yticks=range(3))
show_tied(axes[1], zero, 9, "zero padding ('same'):\ndoubly block Toeplitz", blocks=(4, 4))
show_tied(axes[2], wrap, 9, "wrap-around padding ('same'):\ndoubly block circulant", blocks=(4, 4))
fig.tight_layout()
""")

md(r"""
The matrix is **sparse** and its nonzeros are **tied**: on a 28×28 image with a 3×3 kernel
($784$ inputs, $784$ outputs) only the pairs within one pixel of each other in both
directions are nonzero, and those nonzeros take just nine different values.
""")

code(r"""
image28 = rng.standard_normal((28, 28))
K3 = rng.standard_normal((3, 3))
M28 = cb.conv_matrix(K3, image28.shape, "same", sparse=True)
assert np.allclose(M28 @ image28.ravel(), cb.correlate2d(image28, K3, "same").ravel(), rtol=1e-12, atol=1e-12)

pairs_1d = sum(min(i + 1, 27) - max(i - 1, 0) + 1 for i in range(28))   # |i - m| <= 1 in one axis
nnz = M28.count_nonzero()
assert nnz == pairs_1d ** 2
assert np.unique(M28.data[M28.data != 0]).size == 9
print(f"784 x 784 = {784 * 784:,} entries, {nnz:,} nonzero ({nnz / 784**2:.2%}), 9 distinct values")
""")

md(r"""
**Erratum (the book, §9.1).** The book says that 2-D discrete convolution corresponds to a
*doubly block circulant* matrix. That holds only with circular (wrap-around) padding. With
zero padding, and in "valid" mode, the matrix is **doubly block Toeplitz**: the asserts above
show that the zero-padded matrix fails the circulant test and the wrap-around one passes it.
The difference is visible in the picture: the circulant matrix carries extra entries in its
corners, the inputs that wrap around the image's edges.
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 8 From the study note: MATLAB's `filter2` and `conv2`

The note checks in MATLAB that cross-correlation (`filter2`) is convolution (`conv2`) with
the kernel turned 180° (`rot90(b, 2)`), using `a = [1 2; 3 4; 5 6]` and `b = [1 2; 3 4]` in
"valid" mode. Here is the same check in convbook and in `scipy.signal`, printed side by side.
`np.rot90(b, 2)` turns by 180° exactly like MATLAB's `rot90(b, 2)`.
""")

code(r"""
a = np.array([[1, 2], [3, 4], [5, 6]])
b = np.array([[1, 2], [3, 4]])
b_turned = np.rot90(b, 2)
assert np.array_equal(b_turned, b[::-1, ::-1])

rows = {
    "filter2(b, a, 'valid')":             (cb.correlate2d(a, b), scipy.signal.correlate2d(a, b, "valid")),
    "conv2(a, rot90(b, 2), 'valid')":     (cb.convolve2d(a, b_turned), scipy.signal.convolve2d(a, b_turned, "valid")),
}
by_hand = np.array([[np.sum(a[0:2] * b)], [np.sum(a[1:3] * b)]])    # the two windows of a
print(f"{'MATLAB':34s}{'convbook':>14s}{'scipy.signal':>16s}")
for name, (ours, scipys) in rows.items():
    print(f"{name:34s}{str(ours.ravel()):>14s}{str(scipys.ravel()):>16s}")
    assert np.array_equal(ours, by_hand) and np.array_equal(scipys, by_hand)
print("by hand: 1*1 + 2*2 + 3*3 + 4*4 =", by_hand[0, 0], "and 3*1 + 4*2 + 5*3 + 6*4 =", by_hand[1, 0])
""")

md(r"""
### "If one of the functions is even, convolution and correlation agree"

In 2-D, *even* has to mean symmetric under a 180° turn, $K(-m,-n) = K(m,n)$ about the
kernel's centre: then flipping changes nothing and the two operations agree. A kernel that
is symmetric in one direction only (left–right, like a Sobel kernel) is not enough, and a
general kernel gives different results. One more catch: for an **even-sized** kernel the
centre lies between pixels, and in `mode="same"` the two operations pick windows offset by
one pixel. They then disagree even for a symmetric kernel (SciPy does the same).
""")

code(r"""
K_sym = np.array([[1.0, 2.0, 3.0],
                  [4.0, 5.0, 4.0],
                  [3.0, 2.0, 1.0]])                  # K turned 180° is K
K_lr = np.array([[1.0, 2.0, 1.0],
                 [0.0, 0.0, 0.0],
                 [-1.0, -2.0, -1.0]])                # left-right symmetric only (Sobel)
assert np.array_equal(K_sym, np.rot90(K_sym, 2)) and not np.array_equal(K_lr, np.rot90(K_lr, 2))

image = rng.integers(0, 10, size=(5, 6)).astype(float)
for mode in ("valid", "same", "full"):
    assert np.allclose(cb.convolve2d(image, K_sym, mode), cb.correlate2d(image, K_sym, mode), rtol=1e-12, atol=0)
    assert not np.allclose(cb.convolve2d(image, K_lr, mode), cb.correlate2d(image, K_lr, mode))
    assert not np.allclose(cb.convolve2d(image, K, mode), cb.correlate2d(image, K, mode))
print("180°-symmetric kernel: agree in valid, same and full; Sobel and general kernels: differ")

K2 = np.array([[1.0, 2.0], [2.0, 1.0]])              # even-sized, and 180°-symmetric
assert np.array_equal(K2, np.rot90(K2, 2))
for mode in ("valid", "full"):
    assert np.allclose(cb.convolve2d(image, K2, mode), cb.correlate2d(image, K2, mode), rtol=1e-12, atol=0)
conv_same, corr_same = cb.convolve2d(image, K2, "same"), cb.correlate2d(image, K2, "same")
assert not np.allclose(conv_same, corr_same)
assert np.allclose(corr_same[:-1, :-1], conv_same[1:, 1:], rtol=1e-12, atol=0)    # one pixel apart
for ours, theirs in [(conv_same, scipy.signal.convolve2d(image, K2, "same")),
                     (corr_same, scipy.signal.correlate2d(image, K2, "same"))]:
    assert np.allclose(ours, theirs, rtol=1e-12, atol=0)
print("2x2 symmetric kernel: agree in valid and full; in 'same' the outputs are shifted by one pixel")
""")

# ---------------------------------------------------------------------------------------
md(r"""
## Errata

Each item is proved by an `assert` above.

1. **Book, §9.1, the matrix view.** "Doubly block circulant" is right only for circular
   (wrap-around) padding. With zero padding or in "valid" mode the matrix is doubly block
   Toeplitz (section 7: the zero-padded matrix fails the circulant test, the wrap-around one
   passes it).
2. **Study note, the even-function remark.** It needs two qualifiers in 2-D: "even" must
   mean symmetric under a 180° turn (a kernel symmetric in one direction only, like Sobel,
   gives different results), and for even-sized kernels in `mode="same"` the two operations
   still differ by a one-pixel shift (section 8).
""")

# ---------------------------------------------------------------------------------------
md(r"""
## Exercises

Fill in each stub and run its cell: the checker prints `PASS`, a hint (`TODO`) while the stub
is empty, or what is wrong (`FAIL`). Solutions are folded away below each exercise. (Each checker
also returns `True` or `False`, kept in `ok`.)

**Exercise 1.** Turn a 2-D kernel by 180° (the flip of Eq. 9.4) without `np.rot90`. The
checker compares with the library's cross-correlation of a single 1 with your kernel, in
`mode="full"`: can you say why that is the flipped kernel?
""")

code(r"""
def flip_kernel(K):
    raise NotImplementedError


ok = cb.check.check_function(flip_kernel, lambda K: cb.correlate2d(np.ones((1, 1)), K, "full"),
                             [(np.arange(6.0).reshape(2, 3),), (rng.standard_normal((3, 3)),)])
""")

md(r"""
<details><summary>Solution</summary>

```python
def flip_kernel(K):
    return np.asarray(K)[::-1, ::-1]
```
In "full" mode, cross-correlating a single 1 with a $k_h \times k_w$ kernel gives
$S(i,j) = K(k_h-1-i,\ k_w-1-j)$: the only nonzero product is the one where the kernel
entry lands on the 1, so the kernel comes out read backwards in both directions.
</details>
""")

md(r"""
**Exercise 2.** Write a "valid" 2-D convolution with plain loops (Eq. 9.5, kernel flipped),
for any image and kernel shapes.
""")

code(r"""
def convolve_valid(I, K):
    raise NotImplementedError


ok = cb.check.check_function(convolve_valid, cb.convolve2d,
                             [(rng.standard_normal((5, 6)), rng.standard_normal((2, 3))),
                              (rng.standard_normal((4, 4)), rng.standard_normal((3, 1)))])
""")

md(r"""
<details><summary>Solution</summary>

```python
def convolve_valid(I, K):
    kh, kw = K.shape
    S = np.zeros((I.shape[0] - kh + 1, I.shape[1] - kw + 1))
    for i in range(S.shape[0]):
        for j in range(S.shape[1]):
            for m in range(kh):
                for n in range(kw):
                    S[i, j] += I[i + kh - 1 - m, j + kw - 1 - n] * K[m, n]
    return S
```
</details>
""")

md(r"""
**Exercise 3.** Figure 9.1 in "full" mode: return the 4×5 array of strings (like
`"aw + bx + ey + fz"`) for the full cross-correlation of the letters `a`–`l` with the
kernel `w x / y z`, terms in reading order of the input. Write it from the index formula,
not from `conv_matrix`.
""")

code(r"""
def figure_9_1_full(letters, kernel_letters):
    raise NotImplementedError


ok = cb.check.check(lambda: figure_9_1_full(letters, kernel_letters),
                    symbolic(codes, letters, kernel_letters, mode="full"), name="figure_9_1_full")
""")

md(r"""
<details><summary>Solution</summary>

```python
def figure_9_1_full(letters, kernel_letters):
    H, W = letters.shape
    kh, kw = kernel_letters.shape
    out = np.empty((H + kh - 1, W + kw - 1), dtype=object)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            terms = []
            for p in range(H):            # input rows, in reading order
                for q in range(W):
                    m, n = p - i + kh - 1, q - j + kw - 1   # S(i,j) = sum I(i+m', j+n') K(m', n')
                    if 0 <= m < kh and 0 <= n < kw:
                        terms.append(letters[p, q] + kernel_letters[m, n])
            out[i, j] = " + ".join(terms)
    return out.astype(str)
```
In "full" mode the output $(i, j)$ starts at input offset $(i - k_h + 1,\ j - k_w + 1)$.
</details>
""")

md(r"""
**Exercise 4.** Build the 1-D Toeplitz matrix of a "valid" cross-correlation: for a kernel
`k` of length `K` and an input of length `n`, return the `(n - K + 1, n)` matrix `T` with
`T @ x == cb.correlate1d(x, k)`.
""")

code(r"""
def toeplitz_matrix(k, n):
    raise NotImplementedError


ok = cb.check.check_function(toeplitz_matrix, lambda k, n: cb.conv_matrix(k, (n,)),
                             [(np.array([1.0, -2.0, 3.0]), 7), (rng.standard_normal(4), 4)])
""")

md(r"""
<details><summary>Solution</summary>

```python
def toeplitz_matrix(k, n):
    T = np.zeros((n - len(k) + 1, n))
    for i in range(T.shape[0]):
        T[i, i:i + len(k)] = k
    return T
```
</details>
""")

# ---------------------------------------------------------------------------------------
md(r"""
## Terms / 术语 (§9.1)

| 中文 | English |
|---|---|
| 卷积 | convolution |
| 互相关 | cross-correlation |
| 核(卷积核) | kernel |
| 输入 | input |
| 特征映射 | feature map |
| 权重函数 | weighting function |
| 概率密度函数 | probability density function |
| 核翻转 | kernel flipping |
| 交换律 | commutativity |
| 有效卷积("valid") | valid convolution |
| 零填充 / 循环填充 | zero padding / circular (wrap-around) padding |
| 托普利兹矩阵 | Toeplitz matrix |
| 双重分块循环矩阵 | doubly block circulant matrix |
| 稀疏矩阵 | sparse matrix |
| 参数共享(权值绑定) | parameter sharing (tied weights) |
| 偶函数 | even function |
""")


def build():
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    OUT.parent.mkdir(exist_ok=True)
    nbformat.write(nb, OUT)
    print(f"wrote {OUT} ({len(cells)} cells)")


if __name__ == "__main__":
    build()
