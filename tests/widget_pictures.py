"""What the widget tests check about pictures, written once.

- :func:`pixels` / :func:`figure_pixels`: a widget's PNG, or a figure drawn now, as RGB;
- :func:`full_render`: a drawing's picture drawn from scratch, with no blitting;
- :func:`assert_same_picture`: equal up to antialiasing at a few edges (a blit against a
  full redraw, or the static figure against the widget);
- :func:`drawn_texts` and :func:`assert_texts_readable`: every text at least 9 pt and
  inside the figure.
"""

import io

import numpy as np
from PIL import Image


def pixels(png):
    """The RGB pixels of PNG bytes."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def figure_pixels(figure):
    """The RGB pixels of ``figure``, drawn now in full."""
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()


def full_render(drawing, state):
    """``drawing`` (a fresh one) updated to ``state`` and drawn in full."""
    drawing.update(state)
    return figure_pixels(drawing.figure)


def assert_same_picture(shown, expected, what=""):
    """Same shape, and fewer than 0.1% of the pixels differ by more than 8 levels."""
    assert shown.shape == expected.shape, what
    differ = np.any(np.abs(shown.astype(int) - expected.astype(int)) > 8, axis=-1)
    assert differ.mean() < 1e-3, f"{what}: {differ.sum()} pixels differ"


def drawn_texts(figure, axes_texts_only=False):
    """The visible, non-empty texts of ``figure``: its own, and each axes' title, texts and
    (where the axes show them) tick labels; or, with ``axes_texts_only``, only the first
    axes' texts."""
    if axes_texts_only:
        texts = list(figure.axes[0].texts)
    else:
        texts = list(figure.texts)
        for ax in figure.axes:
            texts += [ax.title, *ax.texts]
            if ax.axison:
                texts += ax.get_xticklabels() + ax.get_yticklabels()
    return [t for t in texts if t.get_visible() and t.get_text()]


def assert_apart(boxes):
    """No two of ``boxes`` (matplotlib ``Bbox``es, display units) overlap."""
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)


def assert_texts_readable(figure, texts):
    """Each of ``texts`` at least 9 pt and inside ``figure``; returns their extents.

    The figure must have been drawn (its renderer measures the texts)."""
    renderer, box = figure.canvas.get_renderer(), figure.bbox
    extents = [t.get_window_extent(renderer) for t in texts]
    for text, extent in zip(texts, extents):
        assert text.get_fontsize() >= 9, text.get_text()
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1, text.get_text()
        assert box.y0 <= extent.y0 and extent.y1 <= box.y1, text.get_text()
    return extents
