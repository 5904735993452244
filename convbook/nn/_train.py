"""Training: the cross-entropy loss, SGD and Adam (torch's update rules), fit and evaluate."""

import numpy as np

from .._validate import as_array, as_float_array, as_positive_int, check_flag
from ._layers import Module, default_rng

__all__ = ["cross_entropy", "SGD", "Adam", "fit", "evaluate"]


def cross_entropy(logits, targets):
    """Mean softmax cross-entropy, and its gradient with respect to ``logits``.

    ``loss = -mean_n log softmax(logits[n])[targets[n]]``, as
    ``torch.nn.functional.cross_entropy`` (computed from the log-sum-exp, so large
    logits do not overflow).

    Parameters
    ----------
    logits : ndarray of shape (N, K)
    targets : array_like of int, shape (N,)
        Class indices in [0, K).

    Returns
    -------
    loss : float
    dlogits : ndarray of shape (N, K)
        ``(softmax(logits) - onehot(targets)) / N``, in the dtype of ``logits``.

    Examples
    --------
    >>> loss, dlogits = cross_entropy(np.zeros((2, 4)), [0, 3])
    >>> round(loss, 6) == round(float(np.log(4)), 6), dlogits[0]
    (True, array([-0.375,  0.125,  0.125,  0.125]))
    """
    logits = as_float_array(logits, "logits", ndim=2,
                            hint="(N, K): one row of K class scores per example")
    targets = _targets(targets, len(logits), logits.shape[1])
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=1))
    rows = np.arange(len(logits))
    loss = float(np.mean(log_sum - shifted[rows, targets]))
    dlogits = np.exp(shifted - log_sum[:, None])
    dlogits[rows, targets] -= 1.0
    dlogits /= len(logits)
    return loss, dlogits


def _targets(targets, n, k):
    targets = as_array(targets, "targets")
    if targets.dtype.kind not in "iu" or targets.shape != (n,):
        raise ValueError(f"`targets` must be {n} integer class indices, shape ({n},), got "
                         f"dtype {targets.dtype} and shape {targets.shape}; one label per "
                         f"row of logits")
    if n and (targets.min() < 0 or targets.max() >= k):
        raise ValueError(f"`targets` holds labels from {targets.min()} to {targets.max()}, "
                         f"but logits have {k} classes: labels must lie in [0, {k})")
    return targets


class _Optimizer:
    """Updates ``model.parameters()`` in place from each layer's ``grads``."""

    def __init__(self, model, lr, weight_decay):
        if not isinstance(model, Module):
            raise TypeError(f"`model` must be a convbook.nn layer or Sequential, got "
                            f"{type(model).__name__}")
        self.model = model
        self.lr = _nonnegative(lr, "lr")
        self.weight_decay = _nonnegative(weight_decay, "weight_decay")
        self.state = {}  # (id(layer), name) -> the buffers of one parameter

    def step(self):
        """One update of every parameter from the gradients of the last backward."""
        for layer, name in self.model.parameters():
            if name not in layer.grads:
                raise ValueError(f"`model`: {layer!r} has no gradient for {name!r}; run "
                                 f"model.backward(dlogits) after a forward, then step()")
            p, g = getattr(layer, name), layer.grads[name]
            if self.weight_decay:
                g = g + self.weight_decay * p  # L2 penalty in the gradient, as torch
            self._update(p, g, self.state.setdefault((id(layer), name), {}))


class SGD(_Optimizer):
    """Stochastic gradient descent with momentum, torch's rule (no dampening)::

        g = grad + weight_decay * p;  v = momentum * v + g  (v = g at the first step);  p -= lr * v

    Examples
    --------
    >>> from convbook.nn import Linear
    >>> layer = Linear(1, 1, bias=False)
    >>> layer.weight = [[1.]]; layer.grads = {"weight": np.array([[0.5]], np.float32)}
    >>> SGD(layer, lr=0.1).step(); layer.weight
    array([[0.95]], dtype=float32)
    """

    def __init__(self, model, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(model, lr, weight_decay)
        self.momentum = _nonnegative(momentum, "momentum")

    def _update(self, p, g, state):
        if self.momentum:
            if "v" in state:
                state["v"] *= self.momentum
                state["v"] += g
            else:
                state["v"] = np.array(g, copy=True)
            g = state["v"]
        p -= self.lr * g


class Adam(_Optimizer):
    """Adam (Kingma and Ba), torch's rule: with bias corrections c1 = 1 - b1**t,
    c2 = 1 - b2**t, ``p -= lr / c1 * m / (sqrt(v) / sqrt(c2) + eps)``.

    Parameters
    ----------
    model : a layer or Sequential
    lr : float
    betas : (float, float)
    eps : float
    weight_decay : float
        Added to the gradient as ``weight_decay * p`` (torch's Adam, not AdamW).
    """

    def __init__(self, model, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(model, lr, weight_decay)
        self.betas = tuple(_nonnegative(b, "betas") for b in betas)
        if len(self.betas) != 2 or max(self.betas) >= 1:
            raise ValueError(f"`betas` must be two numbers in [0, 1), got {betas}")
        self.eps = _nonnegative(eps, "eps")

    def _update(self, p, g, state):
        b1, b2 = self.betas
        if not state:
            state.update(t=0, m=np.zeros_like(p), v=np.zeros_like(p))
        state["t"] += 1
        m, v, t = state["m"], state["v"], state["t"]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        denom = np.sqrt(v) / np.sqrt(1 - b2 ** t) + self.eps
        p -= (self.lr / (1 - b1 ** t)) * m / denom


def _nonnegative(value, name):
    if isinstance(value, (bool, np.bool_)) or not np.isscalar(value) or not np.isreal(value):
        raise TypeError(f"`{name}` must be a number, got {value!r}")
    if not value >= 0 or not np.isfinite(value):
        raise ValueError(f"`{name}` must be a finite number >= 0, got {value!r}")
    return float(value)


def _data(model, x, y):
    """x in the model's dtype, y as class indices, of one length."""
    x = as_float_array(x, "x", dtype=model.dtype)
    y = as_array(y, "y")
    if y.ndim != 1 or len(y) != len(x) or y.dtype.kind not in "iu":
        raise ValueError(f"`y` must hold one integer label per example of `x` ({len(x)}), "
                         f"got dtype {y.dtype} and shape {y.shape}")
    return x, y


def fit(model, optimizer, x, y, *, epochs=1, batch_size=32, rng=None, verbose=False):
    """Train ``model`` on (x, y) with minibatches, the cross-entropy loss and ``optimizer``.

    Each epoch shuffles the examples with ``rng`` and takes one step per batch (the last
    batch may be smaller). The same model, optimizer and ``rng`` seed give the same run.

    Parameters
    ----------
    model : a layer or Sequential giving (N, K) logits
    optimizer : SGD or Adam, built on ``model``
    x : array_like of shape (N, ...)
        Cast to the model's dtype.
    y : array_like of int, shape (N,)
    epochs, batch_size : int
    rng : np.random.Generator, optional
        Shuffles the data; None means ``np.random.default_rng(0)``.
    verbose : bool
        Print one line per epoch: loss to 2 decimals, accuracy in whole percent.

    Returns
    -------
    dict
        ``'loss'``: each epoch's mean training loss; ``'accuracy'``: each epoch's training
        accuracy, counted on the batches as they were trained.
    """
    x, y = _data(model, x, y)
    epochs = as_positive_int(epochs, "epochs")
    batch_size = as_positive_int(batch_size, "batch_size")
    rng, verbose = default_rng(rng), check_flag(verbose, "verbose")
    history = {"loss": [], "accuracy": []}
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        total_loss = correct = 0.0
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            logits = model(x[batch])
            loss, dlogits = cross_entropy(logits, y[batch])
            model.backward(dlogits, input_grad=False)
            optimizer.step()
            total_loss += loss * len(batch)
            correct += int((logits.argmax(axis=1) == y[batch]).sum())
        history["loss"].append(total_loss / len(x))
        history["accuracy"].append(correct / len(x))
        if verbose:
            print(f"epoch {epoch + 1}/{epochs}: loss {history['loss'][-1]:.2f}, "
                  f"train accuracy {history['accuracy'][-1]:.0%}")
    return history


def evaluate(model, x, y, *, batch_size=512):
    """Mean cross-entropy loss and accuracy of ``model`` on (x, y); no parameter changes.

    Returns
    -------
    loss, accuracy : float
    """
    x, y = _data(model, x, y)
    batch_size = as_positive_int(batch_size, "batch_size")
    total_loss = correct = 0.0
    for start in range(0, len(x), batch_size):
        logits = model(x[start:start + batch_size])
        loss, _ = cross_entropy(logits, y[start:start + batch_size])
        total_loss += loss * len(logits)
        correct += int((logits.argmax(axis=1) == y[start:start + batch_size]).sum())
    return total_loss / len(x), correct / len(x)
