"""Figures for the book, drawn with matplotlib (imported only when a plot is made).

Every function returns the matplotlib Figure, so a chapter can glue or save it. One module
per kind of figure, in the order the chapters meet them:

- :mod:`backprop.plots.curves`: a function's tangent (chapter 1), the toy model's fit
  (chapter 2), loss curves (chapters 5 and 7);
- :mod:`backprop.plots.graphs` and :mod:`backprop.plots.graph_data`: computational graphs
  with the values and gradients of both backward passes (chapter 3);
- :mod:`backprop.plots.networks`: the ReLU's mask (chapter 4) and deltas flowing back
  (chapter 6);
- :mod:`backprop.plots.surfaces`: loss surfaces and descent paths (chapter 5);
- :mod:`backprop.plots.digits`: handwritten digits and their predictions (chapter 9).

The figures draw what the library computes: every gradient they show comes from
:meth:`backprop.Network.backward` or :meth:`backprop.ToyModel.backward`. Every public name
is available here, as ``backprop.plots.<name>``.
"""

from ._axes import to_png
from .curves import loss_curve, tangent_line, toy_fit, training_curves
from .digits import digit_prediction, image_grid
from .graph_data import neuron_graph_data, toy_graph_data
from .graphs import GRAPH_KINDS, GraphNode, graph
from .networks import delta_flow, masked_deltas, relu_network
from .surfaces import contour_paths, surface_3d

__all__ = [
    "GRAPH_KINDS",
    "GraphNode",
    "contour_paths",
    "delta_flow",
    "digit_prediction",
    "graph",
    "image_grid",
    "loss_curve",
    "masked_deltas",
    "neuron_graph_data",
    "relu_network",
    "surface_3d",
    "tangent_line",
    "to_png",
    "toy_fit",
    "toy_graph_data",
    "training_curves",
]
