#!/usr/bin/env python3
"""The matplotlib side of README's PNG size comparison: the three default figures drawn the way a
careful matplotlib script would (same texts, data, colours and layout ideas), saved with a default
savefig at exactly the pixel size vizgen renders them (read from out/*.png), then their sizes and
times. Not run by CI; needs Debian's python3-matplotlib. Run from the source tree:

    python3 tests/bench/mpl_reference.py [DIR]    # writes DIR/*.png, default /tmp
"""
import os
import struct
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

DPI = 100


def pixel_size(png):
    with open(png, "rb") as f:
        head = f.read(24)
    return struct.unpack(">II", head[16:24])


def figure(name):
    w, h = pixel_size(os.path.join("out", name + ".png"))
    # A hair over, since matplotlib truncates the product to whole pixels.
    return plt.figure(figsize=((w + 0.01) / DPI, (h + 0.01) / DPI), dpi=DPI)


def compression(fig):
    labels = ["Full Precision (float32)", "Half Precision (float16)",
              "LoRA (half-precision base + adapters)", "4-bit Quantization", "QLoRA (4-bit + LoRA)"]
    values = [72.11, 36.07, 38, 11.36, 13]
    notes = ["", "50% reduction", "~47% reduction", "6.3x reduction", "~5.5x reduction"]
    colours = ["#1b3f5f", "#3d607e", "#5e84a2", "#84a8c4", "#a9c9e2"]
    ax = fig.add_subplot()
    bars = ax.barh(labels[::-1], values[::-1], color=colours[::-1], height=0.6)
    for bar, v, note in zip(bars, values[::-1], notes[::-1]):
        y = bar.get_y() + bar.get_height() / 2
        ax.text(v - 1, y, f"{v} MB", ha="right", va="center", fontweight="bold", color="white")
        ax.text(v + 1, y, note, va="center", color="#555555")
    ax.axvline(72.11, ls="--", color="#555555")
    ax.set_xlabel("Memory (MB)")
    ax.grid(axis="x", alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.suptitle("Memory Reduction Through Compression Techniques", fontweight="bold",
                 fontsize=18, x=0.03, ha="left")
    ax.set_title("BigNet Model (18.9M parameters)", loc="left")
    fig.tight_layout()


def heatmap(fig):
    tokens = list("i like movies")
    n = len(tokens)
    rng = np.random.default_rng(0)
    w = np.tril(rng.random((n, n)), -1)
    w /= np.maximum(w.sum(axis=1, keepdims=True), 1e-9)
    masked = np.ma.masked_where(np.triu(np.ones((n, n))) > 0, w)
    ax = fig.add_subplot()
    im = ax.imshow(masked, cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(n), tokens)
    ax.set_yticks(range(n), tokens)
    ax.set_xlabel("Key position")
    ax.set_ylabel("Query position")
    fig.colorbar(im, label="Attention weight")
    fig.suptitle("Self-Attention Weights for Letter Counting", fontweight="bold", fontsize=18)
    ax.set_title("Input: 'i like movies' - Model learns to count previous character occurrences")


def letters(fig):
    text = "i like movies a lot"
    ax = fig.add_subplot()
    ax.set_xlim(-1, len(text))
    ax.set_ylim(-1.5, 4)
    ax.axis("off")
    index = {}
    for i, c in enumerate(text):
        k = index.setdefault(c, len(index))
        ax.add_patch(Rectangle((i - 0.4, 0), 0.8, 0.8, fc=plt.cm.Pastel1(k % 9), ec="black"))
        ax.text(i, 0.4, c if c != " " else "\u2423", ha="center", va="center", fontsize=16,
                fontweight="bold")
        ax.text(i, -0.4, str(i), ha="center", fontsize=9)
        ax.text(i, -0.9, str(text[:i].count(c)), ha="center", fontsize=9, fontweight="bold")
        for j in range(i):
            if text[j] == c:
                ax.add_patch(FancyArrowPatch((i, 0.85), (j, 0.85), connectionstyle="arc3,rad=0.4",
                                             arrowstyle="-|>", mutation_scale=10,
                                             color=plt.cm.tab10(k % 10)))
    fig.suptitle("Transformer Letter Counting Task", fontweight="bold", fontsize=18, x=0.03,
                 ha="left")
    ax.set_title("Model learns to attend to previous occurrences of the same character", loc="left")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
    for name, draw in (("model-compression", compression), ("attention-heatmap", heatmap),
                       ("letter-counting-example", letters)):
        start = time.perf_counter()
        fig = figure(name)
        draw(fig)
        path = os.path.join(out_dir, "mpl-" + name + ".png")
        fig.savefig(path)
        plt.close(fig)
        ms = (time.perf_counter() - start) * 1000
        ours = os.path.getsize(os.path.join("out", name + ".png"))
        print(f"{name:26s} matplotlib {os.path.getsize(path) / 1024:6.1f} KiB ({ms:4.0f} ms, "
              f"after import)   vizgen {ours / 1024:6.1f} KiB")


if __name__ == "__main__":
    main()
