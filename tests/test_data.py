"""convbook.data: images from installed packages, no downloads."""

import numpy as np
import pytest

import convbook as cb


def test_photo_has_the_asked_shape_and_range():
    image = cb.data.photo()
    assert image.shape == (280, 320) and image.dtype == np.float64
    assert 0.0 <= image.min() and image.max() <= 1.0 and image.std() > 0.1  # a real picture
    assert cb.data.photo((5, 7)).shape == (5, 7) and cb.data.photo(16).shape == (16, 16)


def test_photo_is_the_matplotlib_sample_portrait():
    import matplotlib.cbook
    from PIL import Image

    with Image.open(matplotlib.cbook.get_sample_data("grace_hopper.jpg")) as image:
        grey = np.asarray(image.convert("L"), dtype=float) / 255
    full = cb.data.photo(grey.shape)  # its own size: no scaling, no crop
    np.testing.assert_allclose(full, grey, atol=1 / 255)


def test_photo_is_deterministic():
    np.testing.assert_array_equal(cb.data.photo(), cb.data.photo())


@pytest.mark.parametrize("shape, error, match", [
    ((0, 5), ValueError, "`shape`"), ((4000, 10), ValueError, "`shape`"),
    ((2.5, 3), TypeError, "`shape`"), ("big", TypeError, "`shape`")])
def test_photo_bad_shape(shape, error, match):
    with pytest.raises(error, match=match):
        cb.data.photo(shape)
