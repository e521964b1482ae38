// Chapter 4's explorer: a small ReLU network for one sample. Sliders move the inputs and one
// picked weight or bias; at every move the browser reruns the forward and backward passes
// (numerics.js, the formulas of backprop.Network) and redraws: each ReLU unit is on (z > 0)
// or off, an off unit's delta δ = ∂L/∂a · 1[z > 0] is 0, and every weight whose gradient
// a_i δ_j is exactly 0 is drawn dotted. The Python side (widgets/relu.py) computes the same.
import { networkBackward, networkForward } from "./numerics.js";
import {
  NETWORK_CSS,
  addStyle,
  layout,
  netOf,
  numberTable,
  parseKey,
  picker,
  setEntry,
  setNumber,
  sizesOf,
} from "./netview.js";
import { attrs, bindModel, button, el, fmt, frame, onFrame, save, slider, summary, svgEl, svgRoot } from "./ui.js";

const W = 460;
const R = 28;
const ON = "#e69f00";
const OFF = "#c8c8c8";
const OUT = "#9ecae1";

/** Everything the view shows, from the traits (the tests compare it with ReluExplorer). */
export function reluState(net, x, t, loss) {
  const trace = networkForward(net, [x]);
  const grads = networkBackward(net, trace, [t], loss);
  return { trace, grads };
}

function render({ model, el: host }) {
  addStyle("bp-network-css", NETWORK_CSS);
  const root = frame(host, { name: "relu", title: "ReLU network explorer" });
  root.dataset.explorer = "relu";
  let net = netOf(model);
  const sizes = sizesOf(net);
  const H = Math.max(200, 90 * Math.max(...sizes) + 40);
  const pos = layout(sizes, W, H);
  const reluLayers = net.activations.map((a, l) => (a === "relu" ? l : -1)).filter((l) => l >= 0);

  const controls = el("div", { class: "bp-controls", role: "group", "aria-label": "Inputs and a parameter" }, root);
  const limit = model.get("limit");
  const inputs = model.get("x").map((v, i) =>
    slider({
      label: `x${i + 1}`,
      name: `x${i + 1}`,
      min: -limit,
      max: limit,
      step: 0.05,
      value: v,
      parent: controls,
      onInput: (val) => {
        setEntry(model, "x", i, val);
        redraw();
      },
    }),
  );
  const pick = picker(model, controls, () => redraw());
  const buttons = el("div", { class: "bp-buttons" }, root);
  button(
    "Reset",
    () => {
      save(model, model.get("initial"));
      sync();
    },
    buttons,
  );
  const readout = el("p", { class: "bp-readout" }, root);
  const text = summary(root);

  // The drawing: weights first, so the units sit on top of them.
  const figure = el("div", {}, root);
  const svg = svgRoot(figure, {
    width: W,
    height: H,
    title: "The network for this input: ReLU units that are on are orange, units that are off are grey, weights whose gradient is exactly 0 are dotted",
  });
  const edgeG = svgEl("g", {}, svg);
  const unitG = svgEl("g", {}, svg);
  const edges = [];
  for (let l = 1; l < sizes.length; l++) {
    edges.push(
      pos[l - 1].map(([x0, y0], i) =>
        pos[l].map(([x1, y1]) => svgEl("line", { x1: x0 + R, y1: y0, x2: x1 - R, y2: y1, class: "bp-weight" }, edgeG)),
      ),
    );
  }
  const units = pos.map((col, l) =>
    col.map(([cx, cy], i) => {
      const g = svgEl("g", { class: l === 0 ? "bp-unit bp-input" : "bp-unit" }, unitG);
      const circle = svgEl("circle", { cx, cy, r: R }, g);
      const name = svgEl("text", { x: cx, y: cy - 4 }, g);
      const value = svgEl("text", { x: cx, y: cy + 12 }, g);
      const below = svgEl("text", { x: cx, y: cy + R + 14, class: "bp-outside" }, g);
      const last = l === sizes.length - 1;
      name.textContent = l === 0 ? `x${i + 1}` : last ? (sizes[l] === 1 ? "y" : `y${i + 1}`) : `unit ${i + 1}`;
      return { g, circle, value, below };
    }),
  );
  const legend = el("p", { class: "bp-legend" }, figure);
  for (const [color, label] of [
    [ON, "ReLU on: z > 0"],
    [OFF, "ReLU off: z ≤ 0"],
  ]) {
    const item = el("span", {}, legend);
    el("span", { class: "bp-swatch", style: `background:${color}` }, item);
    item.append(label);
  }
  el("span", {}, legend, "dotted line: gradient exactly 0");

  // The table: one row per ReLU unit.
  const table = numberTable(root, "Each ReLU unit for this input", [
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

  function draw() {
    net = netOf(model);
    const x = model.get("x");
    const t = model.get("t");
    const { trace, grads } = reluState(net, x, t, model.get("loss_name"));
    const picked = parseKey(model.get("parameter"));
    const L = sizes.length - 1;
    // Weights: width by |W|, dotted when the gradient a_i δ_j is exactly 0.
    let zeroed = 0;
    let total = 0;
    for (let l = 1; l <= L; l++) {
      const Wl = net.W[l - 1];
      const top = Math.max(1e-12, ...Wl.flat().map(Math.abs));
      edges[l - 1].forEach((row, i) =>
        row.forEach((line, j) => {
          const zero = grads.dW[l - 1][i][j] === 0;
          zeroed += zero ? 1 : 0;
          total += 1;
          const active = picked.kind === "W" && picked.l === l - 1 && picked.i === i && picked.j === j;
          attrs(line, {
            "stroke-width": 1 + 3.5 * (Math.abs(Wl[i][j]) / top),
            class: `bp-weight${zero ? " bp-zero" : ""}${active ? " bp-active" : ""}`,
          });
        }),
      );
    }
    units[0].forEach((u, i) => {
      u.value.textContent = fmt(x[i], 2);
    });
    for (let l = 1; l <= L; l++) {
      const relu = net.activations[l - 1] === "relu";
      units[l].forEach((u, j) => {
        const z = trace.z[l - 1][0][j];
        const a = trace.a[l][0][j];
        u.circle.setAttribute("fill", relu ? (z > 0 ? ON : OFF) : OUT);
        u.value.textContent = l === L ? fmt(a, 3) : `z ${fmt(z, 2)}`;
        u.below.textContent = l === L ? "" : relu ? (z > 0 ? "on" : "off") : `a ${fmt(a, 2)}`;
        const active = picked.kind === "b" && picked.l === l - 1 && picked.j === j;
        u.g.setAttribute("class", `bp-unit${active ? " bp-active" : ""}`);
      });
    }
    for (const { l, j, cells } of rows) {
      const z = trace.z[l][0][j];
      setNumber(cells[1], z, 3);
      setNumber(cells[2], z > 0 ? 1 : 0, 0);
      setNumber(cells[3], trace.a[l + 1][0][j], 3);
      setNumber(cells[4], grads.da[l + 1][0][j], 3);
      setNumber(cells[5], grads.dz[l][0][j] + 0, 3);
    }
    const y = trace.a[L][0];
    readout.textContent =
      `Output y = ${y.map((v) => fmt(v, 3)).join(", ")} (target ${t.map((v) => fmt(v, 2)).join(", ")}), ` +
      `loss L = ${fmt(grads.loss, 4)}.`;
    readout.dataset.output = JSON.stringify(y);
    readout.dataset.loss = String(grads.loss);
    const parts = reluLayers.map((l) => {
      const z = trace.z[l][0];
      const on = z.map((v, j) => (v > 0 ? j + 1 : 0)).filter(Boolean);
      const off = z.map((v, j) => (v > 0 ? 0 : j + 1)).filter(Boolean);
      return `Layer ${l + 1}: units on ${on.join(", ") || "none"}; units off ${off.join(", ") || "none"}.`;
    });
    text.set(
      `${parts.join(" ")} Output ${y.map((v) => fmt(v, 3)).join(", ")}, loss ${fmt(grads.loss, 4)}. ` +
        `${zeroed} of ${total} weights get a gradient of exactly 0.`,
    );
    text.node.dataset.zeroed = String(zeroed);
  }
  const redraw = onFrame(root, draw);
  function sync() {
    const x = model.get("x");
    inputs.forEach((s, i) => s.set(x[i]));
    pick.sync();
    redraw();
  }
  const unbind = bindModel(model, ["x", "t", "weights", "biases", "parameter", "loss_name"], sync);
  redraw.now();
  return () => {
    redraw.cancel();
    unbind();
  };
}

export default { render };
