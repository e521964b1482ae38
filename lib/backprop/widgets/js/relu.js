// Chapter 4's explorer: a small ReLU network for one sample. Sliders move the inputs and one
// picked weight or bias; at every move the browser reruns the forward and backward passes
// (numerics.js, the formulas of backprop.Network) and redraws: each ReLU unit is on (z > 0)
// or off, an off unit's delta δ = ∂L/∂a · 1[z > 0] is 0, and every weight whose gradient
// a_i δ_j is exactly 0 is drawn dotted. The Python side (widgets/relu.py) computes the same.
import { netOf, networkState, networkView, numberTable, setNumber, sizesOf } from "./netview.js";
import { fmt } from "./ui.js";

const ON = "#e69f00";
const OFF = "#c8c8c8";
const OUT = "#9ecae1";

/** Everything the view shows, from the traits (the tests compare it with ReluExplorer). */
export const reluState = networkState;

function render({ model, el: host }) {
  const net0 = netOf(model);
  const sizes = sizesOf(net0);
  const L = sizes.length - 1;
  const reluLayers = net0.activations.map((a, l) => (a === "relu" ? l : -1)).filter((l) => l >= 0);
  const limit = model.get("limit");
  const view = networkView(model, host, {
    name: "relu",
    title: "ReLU network explorer",
    controls: { group: "Inputs and a parameter", name: "x", label: (i) => `x${i + 1}`, min: -limit, max: limit },
    figure: {
      minHeight: 200,
      r: 28,
      nameY: 4,
      unitName: (l, i) => (l === 0 ? `x${i + 1}` : l === L ? (sizes[l] === 1 ? "y" : `y${i + 1}`) : `unit ${i + 1}`),
      title: "The network for this input: ReLU units that are on are orange, units that are off are grey, weights whose gradient is exactly 0 are dotted",
    },
    legend: [
      [
        [ON, "ReLU on: z > 0"],
        [OFF, "ReLU off: z ≤ 0"],
      ],
      "dotted line: gradient exactly 0",
    ],
  });

  // The table: one row per ReLU unit.
  const table = numberTable(view.root, "Each ReLU unit for this input", [
    "unit",
    "z",
    "1[z > 0]",
    "a = ReLU(z)",
    "∂L/∂a",
    "δ = ∂L/∂a · 1[z > 0]",
  ]);
  const rows = [];
  for (const l of reluLayers) {
    for (let j = 0; j < sizes[l + 1]; j++) {
      const where = reluLayers.length > 1 ? `layer ${l + 1}, unit ${j + 1}` : `unit ${j + 1}`;
      const q = `${l + 1}-${j + 1}`;
      const cells = table.addRow([
        { text: where },
        { q: `z-${q}` },
        { q: `on-${q}` },
        { q: `a-${q}` },
        { q: `da-${q}` },
        { q: `delta-${q}` },
      ]);
      rows.push({ l, j, cells });
    }
  }

  return view.run((state) => {
    const { net, t, trace, grads } = state;
    // Weights: width by |W|, dotted when the gradient a_i δ_j is exactly 0.
    const zeroed = view.drawWeights(state, (l, i, j) => grads.dW[l - 1][i][j] === 0);
    const total = sizes.slice(1).reduce((n, size, l) => n + sizes[l] * size, 0);
    view.drawUnits(state, (u, l, j) => {
      const relu = net.activations[l - 1] === "relu";
      const z = trace.z[l - 1][0][j];
      const a = trace.a[l][0][j];
      u.circle.setAttribute("fill", relu ? (z > 0 ? ON : OFF) : OUT);
      u.value.textContent = l === L ? fmt(a, 3) : `z ${fmt(z, 2)}`;
      u.below.textContent = l === L ? "" : relu ? (z > 0 ? "on" : "off") : `a ${fmt(a, 2)}`;
    });
    for (const { l, j, cells } of rows) {
      const z = trace.z[l][0][j];
      setNumber(cells[1], z, 3);
      setNumber(cells[2], z > 0 ? 1 : 0, 0);
      setNumber(cells[3], trace.a[l + 1][0][j], 3);
      setNumber(cells[4], grads.da[l + 1][0][j], 3);
      setNumber(cells[5], grads.dz[l][0][j] + 0, 3);
    }
    const y = trace.a[L][0];
    view.setReadout(
      `Output y = ${y.map((v) => fmt(v, 3)).join(", ")} (target ${t.map((v) => fmt(v, 2)).join(", ")}), ` +
        `loss L = ${fmt(grads.loss, 4)}.`,
      y,
      grads.loss,
    );
    const parts = reluLayers.map((l) => {
      const z = trace.z[l][0];
      const on = z.map((v, j) => (v > 0 ? j + 1 : 0)).filter(Boolean);
      const off = z.map((v, j) => (v > 0 ? 0 : j + 1)).filter(Boolean);
      return `Layer ${l + 1}: units on ${on.join(", ") || "none"}; units off ${off.join(", ") || "none"}.`;
    });
    view.text.set(
      `${parts.join(" ")} Output ${y.map((v) => fmt(v, 3)).join(", ")}, loss ${fmt(grads.loss, 4)}. ` +
        `${zeroed} of ${total} weights get a gradient of exactly 0.`,
    );
    view.text.node.dataset.zeroed = String(zeroed);
  });
}

export default { render };
