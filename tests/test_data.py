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


def test_digits_are_sklearns_images_scaled_to_one():
    from sklearn.datasets import load_digits

    images, labels = cb.data.digits()
    bunch = load_digits()
    assert images.shape == (1797, 1, 8, 8) and images.dtype == np.float32
    assert labels.dtype == np.int64 and set(labels.tolist()) == set(range(10))
    np.testing.assert_allclose(images[:, 0] * 16, bunch.images, atol=1e-5)
    np.testing.assert_array_equal(labels, bunch.target)
    assert cb.data.digits(np.float64)[0].dtype == np.float64


def test_digits_bad_dtype():
    with pytest.raises(TypeError, match="`dtype`"):
        cb.data.digits(np.int32)
