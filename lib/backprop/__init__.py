"""backprop: the small numpy library behind the backpropagation textbook.

>>> import backprop as bp
>>> net = bp.Network.random([2, 3, 2], "sigmoid", seed=0)
>>> grads = net.backward(net.forward([[0.5, -1.0]]), [[1.0, 0.0]], "half_sse")
"""

from typing import Any

# numpy alone is enough to import backprop: ``plots`` (matplotlib) and ``widgets``
# (anywidget, ipywidgets) are imported the first time ``bp.plots`` or ``bp.widgets`` is used,
# and the exercise widget when an exercise's ``.widget()`` is built.
from . import activations, data, exercises, gradcheck, losses, optim
from .activations import ACTIVATIONS, Activation, get_activation
from .exercises import Exercise, Feedback, check_answer, parse_answer
from .gradcheck import gradient_check, numerical_gradient, relative_error
from .losses import LOSSES, Loss, get_loss
from .network import Gradients, Network, Trace
from .optim import History, clip_gradients, sgd_step, train
from .toy_model import ToyGradients, ToyModel, ToyTrace

__version__ = "0.1.0"

#: Subpackages imported on first use (they need the book's optional dependencies).
_LAZY = ("plots", "widgets")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "Activation",
    "Exercise",
    "Feedback",
    "Gradients",
    "History",
    "Loss",
    "Network",
    "ToyGradients",
    "ToyModel",
    "ToyTrace",
    "Trace",
    "activations",
    "check_answer",
    "clip_gradients",
    "data",
    "exercises",
    "get_activation",
    "get_loss",
    "gradcheck",
    "gradient_check",
    "losses",
    "numerical_gradient",
    "optim",
    "parse_answer",
    "plots",
    "relative_error",
    "sgd_step",
    "train",
]
