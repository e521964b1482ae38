// Chapter 6's explorer: every delta and gradient of a small network for one sample. Sliders
// move the targets and one picked weight or bias; at every move the browser reruns the
// forward and backward passes (numerics.js, the formulas of backprop.Network) and redraws:
// the units coloured by their delta δ = ∂L/∂z, a table of every unit's z, f'(z), ∂L/∂a, δ and
// how far δ moved from the start, and a table of every parameter's gradient
// ∂L/∂W_ij = a_i δ_j, ∂L/∂b_j = δ_j. The Python side (widgets/deltas.py) computes the same.
import { scaleLinear } from "d3-scale";
import { ACTIVATIONS, networkBackward, networkForward } from "./numerics.js";
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
const R = 30;
const SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const sup = (n) => `⁽${String(n).replace(/\d/g, (d) => SUP[+d])}⁾`;

/** Both passes for the traits' state (the tests compare them with DeltaExplorer). */
export function deltaState(net, x, t, loss) {
  const trace = networkForward(net, [x]);
  const grads = networkBackward(net, trace, [t], loss);
  return { trace, grads };
}

function render({ model, el: host }) {
  addStyle("bp-network-css", NETWORK_CSS);
  const root = frame(host, { name: "deltas", title: "Delta explorer" });
  root.dataset.explorer = "deltas";
  const sizes = sizesOf(netOf(model));
  const L = sizes.length - 1;
  const H = Math.max(220, 90 * Math.max(...sizes) + 40);
  const pos = layout(sizes, W, H);
  const initial = model.get("initial");
  const start = deltaState(
    { W: initial.weights, b: initial.biases, activations: model.get("activations") },
    initial.x,
    initial.t,
    model.get("loss_name"),
  );
  const tLo = Math.min(0, ...initial.t);
  const tHi = Math.max(1, ...initial.t);

  const controls = el("div", { class: "bp-controls", role: "group", "aria-label": "Targets and a parameter" }, root);
  const targets = model.get("t").map((v, k) =>
    slider({
      label: sizes[L] === 1 ? "t" : `t${k + 1}`,
      name: `t${k + 1}`,
      min: tLo,
      max: tHi,
      step: 0.05,
      value: v,
      parent: controls,
      onInput: (val) => {
        setEntry(model, "t", k, val);
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

  const figure = el("div", {}, root);
  const svg = svgRoot(figure, {
    width: W,
    height: H,
    title: "The network with its deltas: each unit is coloured by its delta, red positive, blue negative, white near 0",
  });
  const edgeG = svgEl("g", {}, svg);
  const unitG = svgEl("g", {}, svg);
  const edges = [];
  for (let l = 1; l <= L; l++) {
    edges.push(
      pos[l - 1].map(([x0, y0]) =>
        pos[l].map(([x1, y1]) => svgEl("line", { x1: x0 + R, y1: y0, x2: x1 - R, y2: y1, class: "bp-weight" }, edgeG)),
      ),
    );
  }
  const unitName = (l, i) =>
    l === 0 ? `x${i + 1}` : l === L ? (sizes[L] === 1 ? "y" : `y${i + 1}`) : L === 2 ? `h${i + 1}` : `h${l}.${i + 1}`;
  const units = pos.map((col, l) =>
    col.map(([cx, cy], i) => {
      const g = svgEl("g", { class: l === 0 ? "bp-unit bp-input" : "bp-unit" }, unitG);
      const circle = svgEl("circle", { cx, cy, r: R }, g);
      const name = svgEl("text", { x: cx, y: cy - 5 }, g);
      const value = svgEl("text", { x: cx, y: cy + 12 }, g);
      const below = svgEl("text", { x: cx, y: cy + R + 14, class: "bp-outside" }, g);
      name.textContent = unitName(l, i);
      return { g, circle, value, below };
    }),
  );
  const legend = el("p", { class: "bp-legend" }, figure);
  for (const [color, label] of [
    ["#f4a582", "δ > 0"],
    ["#f7f7f7", "δ near 0"],
    ["#92c5de", "δ < 0"],
  ]) {
    const item = el("span", {}, legend);
    el("span", { class: "bp-swatch", style: `background:${color}` }, item);
    item.append(label);
  }
  el("span", {}, legend, "inside each unit: its δ; below: its output a");

  const tables = el("div", { class: "bp-tables" }, root);
  const deltaTable = numberTable(tables, "Every unit's delta", [
    "unit",
    "z",
    "f′(z)",
    "∂L/∂a",
    "δ = ∂L/∂a · f′(z)",
    "δ − δ at start",
  ]);
  const deltaRows = [];
  for (let l = 1; l <= L; l++) {
    for (let j = 0; j < sizes[l]; j++) {
      const q = `${l}-${j + 1}`;
      const cells = deltaTable.addRow([
        { text: `${unitName(l, j)} (layer ${l})` },
        { q: `z-${q}` },
        { q: `fprime-${q}` },
        { q: `da-${q}` },
        { q: `delta-${q}` },
        { q: `change-${q}` },
      ]);
      deltaRows.push({ l, j, cells });
    }
  }
  const gradTable = numberTable(tables, "Every parameter's gradient", ["parameter", "value", "∂L/∂parameter"]);
  const gradRows = model.get("options").map(([key]) => {
    const p = parseKey(key);
    const tr = gradTable.addRow([{ text: key }, { q: `value-${key}` }, { q: `grad-${key}` }]);
    return { key, p, cells: tr };
  });

  function draw() {
    const net = netOf(model);
    const x = model.get("x");
    const t = model.get("t");
    const { trace, grads } = deltaState(net, x, t, model.get("loss_name"));
    const key = model.get("parameter");
    const picked = parseKey(key);
    const all = grads.dz.flatMap((d) => d[0]).map(Math.abs);
    const m = Math.max(1e-12, ...all);
    const color = scaleLinear().domain([-m, 0, m]).range(["#92c5de", "#f7f7f7", "#f4a582"]).clamp(true);
    for (let l = 1; l <= L; l++) {
      const Wl = net.W[l - 1];
      const top = Math.max(1e-12, ...Wl.flat().map(Math.abs));
      edges[l - 1].forEach((row, i) =>
        row.forEach((line, j) => {
          const active = picked.kind === "W" && picked.l === l - 1 && picked.i === i && picked.j === j;
          attrs(line, {
            "stroke-width": 1 + 3.5 * (Math.abs(Wl[i][j]) / top),
            class: `bp-weight${active ? " bp-active" : ""}`,
          });
        }),
      );
    }
    units[0].forEach((u, i) => {
      u.value.textContent = fmt(x[i], 2);
    });
    for (let l = 1; l <= L; l++) {
      units[l].forEach((u, j) => {
        const d = grads.dz[l - 1][0][j];
        u.circle.setAttribute("fill", color(d));
        u.value.textContent = `δ ${fmt(d, 3)}`;
        u.below.textContent = `${l === L ? "y" : "a"} ${fmt(trace.a[l][0][j], 3)}`;
        const active = picked.kind === "b" && picked.l === l - 1 && picked.j === j;
        u.g.setAttribute("class", `bp-unit${active ? " bp-active" : ""}`);
      });
    }
    for (const { l, j, cells } of deltaRows) {
      const act = ACTIVATIONS[net.activations[l - 1]];
      const z = trace.z[l - 1][0][j];
      const a = trace.a[l][0][j];
      const d = grads.dz[l - 1][0][j] + 0;
      setNumber(cells[1], z, 3);
      setNumber(cells[2], act.dfza ? act.dfza(z, a) : act.df(z), 4);
      setNumber(cells[3], grads.da[l][0][j], 4);
      setNumber(cells[4], d, 4);
      setNumber(cells[5], d - start.grads.dz[l - 1][0][j], 4);
    }
    for (const { key: k, p, cells } of gradRows) {
      const v = p.kind === "W" ? net.W[p.l][p.i][p.j] : net.b[p.l][p.j];
      const g = p.kind === "W" ? grads.dW[p.l][p.i][p.j] : grads.db[p.l][p.j];
      setNumber(cells[1], v, 2);
      setNumber(cells[2], g + 0, 4);
      cells[0].parentElement.classList.toggle("bp-picked", k === key);
    }
    const y = trace.a[L][0];
    readout.textContent =
      `Output y = (${y.map((v) => fmt(v, 4)).join(", ")}), target t = (${t.map((v) => fmt(v, 2)).join(", ")}), ` +
      `loss L = ${fmt(grads.loss, 4)}.`;
    readout.dataset.output = JSON.stringify(y);
    readout.dataset.loss = String(grads.loss);
    const deltas = [];
    for (let l = L; l >= 1; l--) {
      const what = l === L ? "output deltas" : "hidden deltas";
      deltas.push(`${what} δ${sup(l)} = (${grads.dz[l - 1][0].map((v) => fmt(v, 4)).join(", ")})`);
    }
    text.set(
      `Output y = (${y.map((v) => fmt(v, 4)).join(", ")}), loss ${fmt(grads.loss, 4)}; ${deltas.join("; ")}.`,
    );
  }
  const redraw = onFrame(root, draw);
  function sync() {
    const t = model.get("t");
    targets.forEach((s, k) => s.set(t[k]));
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
