// The depth explorer: how big the pre-activations z⁽ˡ⁾ and the deltas δ⁽ˡ⁾ are, layer by
// layer, in a deep network with a chosen depth, activation and initialisation. The weights,
// inputs and targets are drawn here from mulberry32 (32-bit integer steps that
// lib/backprop/widgets/depth.py repeats exactly), the passes are numerics.js's, and
// tests/widgets/test_depth.py compares profile() with the Python library.
import { scaleLinear } from "d3-scale";
import { networkBackward, networkForward } from "./numerics.js";
import { axis, bindModel, el, frame, nextId, onFrame, save, slider, summary, svgEl, svgRoot } from "./ui.js";

const MINUS = "\u2212";
const ROOT3 = Math.sqrt(3);
/** The weight scales s (standard deviations) of backprop.network.INITS. */
export const INITS = {
  lecun: (nIn) => 1.0 / Math.sqrt(nIn),
  xavier: (nIn, nOut) => Math.sqrt(2.0 / (nIn + nOut)),
  he: (nIn) => Math.sqrt(2.0 / nIn),
};
const INIT_NAMES = { lecun: "LeCun (1/n)", xavier: "Xavier (2/(n_in + n_out))", he: "He (2/n)" };

/** mulberry32: uniform numbers on [0, 1), multiples of 2^-32, from a 32-bit seed. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a) >>> 0;
    t = ((t + (Math.imul(t ^ (t >>> 7), 61 | t) >>> 0)) >>> 0) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matrix(next, rows, cols, scale) {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => scale * (2 * next() - 1)));
}

/** The network, inputs and targets of depth.py's depth_setup (draws in the order X, T, W1..WL). */
export function setup(depth, activation, init, width, samples, seed) {
  if (!(depth >= 1) || !INITS[init]) throw new Error(`bad settings: depth ${depth}, init '${init}'`);
  const next = mulberry32(seed);
  const X = matrix(next, samples, width, ROOT3);
  const T = matrix(next, samples, width, ROOT3);
  const s = INITS[init](width, width) * ROOT3;
  const W = Array.from({ length: depth }, () => matrix(next, width, width, s));
  const b = W.map(() => new Array(width).fill(0));
  const activations = Array.from({ length: depth }, (_, i) => (i < depth - 1 ? activation : "identity"));
  return { net: { W, b, activations }, X, T };
}

function rms(M) {
  let s = 0;
  let n = 0;
  for (const row of M) for (const v of row) {
    s += v * v;
    n += 1;
  }
  return Math.sqrt(s / n);
}

/** { zRms, deltaRms }: the root mean squares of z⁽ˡ⁾ and δ⁽ˡ⁾ for l = 1..D (mse loss). */
export function profile(depth, activation, init, width = 32, samples = 64, seed = 0) {
  const { net, X, T } = setup(depth, activation, init, width, samples, seed);
  const trace = networkForward(net, X);
  const g = networkBackward(net, trace, T, "mse");
  return { zRms: trace.z.map(rms), deltaRms: g.dz.map(rms) };
}

/** Three significant digits in scientific notation, a true minus sign: 1.23e−4. */
export function sci(x) {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : "\u221e";
  if (x === 0) return "0";
  return x.toExponential(2).replace("e+", "e").replaceAll("-", MINUS);
}

const WIDE = 440;
const HIGH = 280;
const M = { left: 64, right: 14, top: 14, bottom: 44 };

function picker(parent, label, name, options) {
  const id = nextId(`bp-${name}`);
  const box = el("div", { class: "bp-picker", style: "display:flex;flex-wrap:wrap;align-items:center;gap:0.5em" }, parent);
  el("label", { for: id }, box, label);
  const select = el("select", { id, "data-name": name }, box);
  for (const [value, text] of options) el("option", { value }, select, text);
  return select;
}

function render({ model, el: host }) {
  const root = frame(host, { name: "depth", title: "Gradients through depth: the size of z and of the deltas, layer by layer" });
  const controls = el("div", { class: "bp-controls", role: "group", "aria-label": "Network" }, root);
  const act = picker(controls, "activation", "activation", [["sigmoid", "sigmoid"], ["tanh", "tanh"], ["relu", "ReLU"]]);
  const init = picker(controls, "initialisation", "init", Object.entries(INIT_NAMES));
  act.addEventListener("change", () => {
    save(model, { activation: act.value });
    redraw();
  });
  init.addEventListener("change", () => {
    save(model, { init: init.value });
    redraw();
  });
  const depth = slider({
    label: "depth D", name: "depth", min: 2, max: 50, step: 1, value: model.get("depth"),
    format: (v) => String(v), parent: controls,
    onInput: (v) => {
      save(model, { depth: v });
      redraw();
    },
  });
  const figures = el("div", { class: "bp-figures" }, root);
  const svg = svgRoot(figures, {
    width: WIDE, height: HIGH,
    title: "Root mean square of z (grey squares) and of the deltas (coloured dots) in each layer, on a log scale",
  });
  const xAxis = svgEl("g", { transform: `translate(0,${HIGH - M.bottom})` }, svg);
  const yAxis = svgEl("g", { transform: `translate(${M.left},0)` }, svg);
  const lines = svgEl("g", {}, svg);
  const dots = svgEl("g", {}, svg);
  const legend = svgEl("text", { x: M.left + 8, y: M.top + 12, "font-size": 14 }, svg);
  legend.textContent = "● δ⁽ˡ⁾   ■ z⁽ˡ⁾ (root mean squares)";
  const line = summary(root);

  function draw() {
    act.value = model.get("activation");
    init.value = model.get("init");
    depth.set(model.get("depth"));
    const L = model.get("depth");
    let p;
    try {
      p = profile(L, model.get("activation"), model.get("init"), model.get("width"), model.get("samples"), model.get("seed"));
    } catch (e) {
      line.set(`Cannot compute: ${e.message}`);
      return;
    }
    const logs = [...p.zRms, ...p.deltaRms].filter((v) => v > 0 && Number.isFinite(v)).map(Math.log10);
    const lo = Math.floor(Math.min(...logs, -1));
    const hi = Math.ceil(Math.max(...logs, 1));
    const x = scaleLinear().domain([0.5, L + 0.5]).range([M.left, WIDE - M.right]);
    const y = scaleLinear().domain([lo, hi]).range([HIGH - M.bottom, M.top]);
    axis(xAxis, x, "bottom", { n: Math.min(L, 10), format: (v) => (Number.isInteger(v) ? String(v) : ""), label: "layer l" });
    axis(yAxis, y, "left", { n: 6, format: (v) => (Number.isInteger(v) ? `1e${v}`.replace("-", MINUS) : ""), label: "root mean square", labelGap: 48 });
    lines.replaceChildren();
    dots.replaceChildren();
    const series = [
      ["z", p.zRms, "bp-z"],
      ["delta", p.deltaRms, "bp-point"],
    ];
    for (const [key, values, cls] of series) {
      const pts = values.map((v, i) => [x(i + 1), y(v > 0 ? Math.log10(v) : lo)]);
      svgEl("polyline", { class: "bp-curve", points: pts.map((q) => q.join(",")).join(" "), fill: "none", stroke: key === "z" ? "#888" : "currentColor", "stroke-dasharray": key === "z" ? "4 3" : null }, lines);
      values.forEach((v, i) => {
        const [cx, cy] = pts[i];
        const attrs = { class: cls, "data-series": key, "data-layer": i + 1, "data-value": String(v) };
        if (key === "z") svgEl("rect", { ...attrs, x: cx - 3, y: cy - 3, width: 6, height: 6, fill: "#888" }, dots);
        else svgEl("circle", { ...attrs, cx, cy, r: 3.5 }, dots);
      });
    }
    const d1 = p.deltaRms[0];
    const dL = p.deltaRms[L - 1];
    const name = model.get("activation") === "relu" ? "ReLU" : model.get("activation");
    line.set(
      `${L} layers, ${name}, ${INIT_NAMES[model.get("init")]}: δ⁽ᴰ⁾ has root mean square ${sci(dL)}, ` +
        `δ⁽¹⁾ ${sci(d1)}: the first layer's deltas are ${sci(d1 / dL)} times the last layer's ` +
        `(z⁽ᴰ⁾: ${sci(p.zRms[L - 1])}).`,
    );
    line.node.dataset.ratio = String(d1 / dL);
  }

  const redraw = onFrame(root, draw);
  const unbind = bindModel(model, ["depth", "activation", "init", "width", "samples", "seed"], redraw);
  redraw.now();
  return () => {
    redraw.cancel();
    unbind();
  };
}

export default { render };
