// Chapter 2's explorer: the toy model's eight parameters on sliders, its curve over the data
// with the residuals, and the loss L = Σ (f[x_i, φ] − y_i)², recomputed in the browser on every
// move with numerics.js (the same formulas as backprop.ToyModel).
import { scaleLinear } from "d3-scale";
import { line } from "d3-shape";
import { toyForward } from "./numerics.js";
import { attrs, axis, bindModel, el, fmt, frame, onFrame, save, slider, summary, svgEl, svgRoot } from "./ui.js";

const SUB = "₀₁₂₃";
const W = 640;
const H = 300;
const M = { top: 12, right: 16, bottom: 40, left: 48 };

/** The numbers the explorer shows (the tests compare them with ToyExplorer's properties). */
export function toyState(beta, omega, x, y, xlim, n) {
  const pred = toyForward(beta, omega, x).f[3];
  const residuals = pred.map((p, i) => p - y[i]);
  const loss = residuals.reduce((s, r) => s + r * r, 0);
  let worst = 0;
  residuals.forEach((r, i) => {
    if (Math.abs(r) > Math.abs(residuals[worst])) worst = i;
  });
  const step = (xlim[1] - xlim[0]) / (n - 1);
  const cx = Array.from({ length: n }, (_, i) => (i === n - 1 ? xlim[1] : xlim[0] + i * step));
  const cy = toyForward(beta, omega, cx).f[3];
  return { pred, residuals, loss, worst, cx, cy };
}

function render({ model, el: host }) {
  const root = frame(host, { name: "toy", title: "Toy model explorer" });
  const figures = el("div", { class: "bp-figures" }, root);
  const figBox = el("div", {}, figures);
  const svg = svgRoot(figBox, {
    width: W,
    height: H,
    title: "The data points, the toy model's curve f[x, φ] and the residuals",
  });
  const plot = svgEl("g", { transform: `translate(${M.left},${M.top})` }, svg);
  const gx = svgEl("g", { transform: `translate(0,${H - M.top - M.bottom})` }, plot);
  const gy = svgEl("g", {}, plot);
  const residualG = svgEl("g", {}, plot);
  const curve = svgEl("path", { class: "bp-curve" }, plot);
  const pointsG = svgEl("g", {}, plot);
  const text = summary(root);
  const controls = el("div", { class: "bp-controls", role: "group", "aria-label": "Parameters" }, root);

  const sliders = {};
  for (const name of ["beta", "omega"]) {
    const column = el("div", { class: "bp-column" }, controls);
    sliders[name] = [0, 1, 2, 3].map((k) =>
      slider({
        label: `${name === "beta" ? "β" : "ω"}${SUB[k]}`,
        name: `${name}_${k}`,
        min: -model.get("limit"),
        max: model.get("limit"),
        step: model.get("step"),
        value: model.get(name)[k],
        parent: column,
        onInput: (v) => {
          const values = model.get(name).slice();
          values[k] = v;
          save(model, { [name]: values });
          redraw();
        },
      }),
    );
  }

  let pointNodes = [];
  let residualNodes = [];
  function draw() {
    const beta = model.get("beta");
    const omega = model.get("omega");
    const x = model.get("x");
    const y = model.get("y");
    const xlim = model.get("xlim");
    const ylim = model.get("ylim");
    const sx = scaleLinear().domain(xlim).range([0, W - M.left - M.right]);
    const sy = scaleLinear().domain(ylim).range([H - M.top - M.bottom, 0]).clamp(false);
    if (pointNodes.length !== x.length) {
      for (const g of [pointsG, residualG]) g.replaceChildren();
      pointNodes = x.map(() => svgEl("circle", { r: 4, class: "bp-point" }, pointsG));
      residualNodes = x.map(() => svgEl("line", { class: "bp-residual" }, residualG));
      axis(gx, sx, "bottom", { label: "x" });
      axis(gy, sy, "left", { label: "y" });
    }
    const s = toyState(beta, omega, x, y, xlim, model.get("n"));
    // Clip the curve to a band around the axes (exp can send it far away).
    const [lo, hi] = ylim;
    const pad = hi - lo;
    const clip = (v) => Math.max(lo - pad, Math.min(hi + pad, v));
    const path = line()
      .defined((d) => Number.isFinite(d[1]))
      .x((d) => sx(d[0]))
      .y((d) => sy(clip(d[1])));
    curve.setAttribute("d", path(s.cx.map((c, i) => [c, s.cy[i]])) ?? "");
    x.forEach((xi, i) => {
      attrs(pointNodes[i], { cx: sx(xi), cy: sy(y[i]) });
      attrs(residualNodes[i], { x1: sx(xi), x2: sx(xi), y1: sy(y[i]), y2: sy(clip(s.pred[i])) });
    });
    const r = s.residuals[s.worst];
    text.set(
      `L = Σ (f[xᵢ, φ] − yᵢ)² = ${fmt(s.loss, 4)} over ${x.length} points; ` +
        `the largest residual is ${r >= 0 ? "+" : ""}${fmt(r, 3)} at x = ${fmt(x[s.worst], 2)}.`,
    );
    text.node.dataset.loss = String(s.loss);
  }
  const redraw = onFrame(root, draw);
  const syncSliders = () => {
    for (const name of ["beta", "omega"]) {
      const v = model.get(name);
      sliders[name].forEach((s, k) => s.set(v[k]));
    }
    redraw();
  };
  const unbind = bindModel(model, ["beta", "omega", "x", "y", "xlim", "ylim", "n"], syncSliders);
  redraw.now();
  return () => {
    redraw.cancel();
    unbind();
  };
}

export default { render };
