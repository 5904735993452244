"""Images that ship inside installed packages: nothing is ever downloaded.

``photo()`` is the portrait of Grace Hopper in matplotlib's sample data (matplotlib's
``mpl-data/sample_data/grace_hopper.jpg``, 600 x 512 pixels), as grey levels. The book's
Figure 9.6 uses a 280 x 320 photo; ``photo()`` gives one of that size by default.
"""

import numpy as np

from ._validate import as_int_pair

__all__ = ["photo"]


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
