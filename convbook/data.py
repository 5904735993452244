"""Images that ship inside installed packages: nothing is ever downloaded.

``photo()`` is the portrait of Grace Hopper in matplotlib's sample data (matplotlib's
``mpl-data/sample_data/grace_hopper.jpg``, 600 x 512 pixels), as grey levels. The book's
Figure 9.6 uses a 280 x 320 photo; ``photo()`` gives one of that size by default.

``digits()`` is scikit-learn's bundled set of 1797 handwritten digits, 8 x 8 pixels
(``sklearn.datasets.load_digits``, read from the installed package), for chapter 9.4.
"""

import numpy as np

from ._validate import as_int_pair

__all__ = ["photo", "digits"]


def photo(shape=(280, 320)):
    """A grey-level photo of ``shape`` (height, width), float64 in [0, 1].

    The portrait is scaled (Lanczos, by Pillow) so that it covers ``shape``, then cut to
    ``shape`` around its centre. Grey is ITU-R 601 luma, Pillow's ``'L'`` mode, over 255.

    Parameters
    ----------
    shape : int or (int, int)
        Height and width in pixels, each from 1 to 2048.

    Returns
    -------
    ndarray of shape (height, width), float64

    Examples
    --------
    >>> image = photo()
    >>> image.shape, image.dtype, bool(0 <= image.min() < image.max() <= 1)
    ((280, 320), dtype('float64'), True)
    """
    height, width = as_int_pair(shape, "shape")
    if max(height, width) > 2048:
        raise ValueError(f"`shape` {(height, width)} is larger than 2048 pixels on a side; "
                         f"the sample photo is 600 x 512, so ask for at most about that")
    import matplotlib.cbook
    from PIL import Image

    with Image.open(matplotlib.cbook.get_sample_data("grace_hopper.jpg")) as image:
        grey = image.convert("L")
    scale = max(height / grey.height, width / grey.width)
    size = (max(width, round(grey.width * scale)), max(height, round(grey.height * scale)))
    grey = grey.resize(size, Image.Resampling.LANCZOS)
    top, left = (size[1] - height) // 2, (size[0] - width) // 2
    grey = grey.crop((left, top, left + width, top + height))
    return np.asarray(grey, dtype=np.float64) / 255.0


def digits(dtype=np.float32):
    """scikit-learn's 1797 handwritten 8 x 8 digits, as a batch of NCHW images and labels.

    The UCI optical digits that ship with scikit-learn (``load_digits``, offline): grey
    levels 0..16 are divided by 16, in the order scikit-learn stores them.

    Parameters
    ----------
    dtype : np.float32 or np.float64
        dtype of the images (``convbook.nn`` layers default to float32).

    Returns
    -------
    images : ndarray of shape (1797, 1, 8, 8), in [0, 1]
    labels : ndarray of int64, shape (1797,)
        The digit 0..9 of each image.

    Examples
    --------
    >>> images, labels = digits()
    >>> images.shape, images.dtype, labels.shape, labels.dtype
    ((1797, 1, 8, 8), dtype('float32'), (1797,), dtype('int64'))
    >>> float(images.min()), float(images.max()), np.bincount(labels).tolist()
    (0.0, 1.0, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    """
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"`dtype` must be np.float32 or np.float64, got {dtype}")
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = (bunch.images / 16.0).astype(dtype)[:, None]
    return images, bunch.target.astype(np.int64)
