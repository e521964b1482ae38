// Chapter 5's explorer: gradient descent on the mean squared error of a line y = w x + b.
// The loss grid (for the contour lines), the path and the loss at each step are computed here,
// in the browser, with numerics.js (lineLoss, lineGrad, descentPath, lossGrid).
import { quantile } from "d3-array";
import { contours } from "d3-contour";
import { scaleLinear, scaleLog } from "d3-scale";
import { line } from "d3-shape";
import { descentPath, lineGrad, lineLoss, lossGrid } from "./numerics.js";
import { axis, bindModel, el, fmt, frame, nextId, onFrame, save, slider, summary, svgEl, svgRoot } from "./ui.js";

const W = 360;
const H = 320;
const M = { top: 12, right: 12, bottom: 42, left: 52 };
const LEVELS = 14;

/** The learning rate's format: 3 significant digits (as Python's :.3g for these values). */
export function fmtRate(lr) {
  return String(Number(lr.toPrecision(3))).replace("-", "\u2212");
}

/** The numbers the explorer shows: path, losses and whether the run diverged. */
export function descentState(x, t, start, lr, steps) {
  const path = descentPath((p) => lineGrad(p, x, t), start, lr, steps);
  const losses = path.map((p) => lineLoss(p, x, t));
  const k = path.length - 1;
  const last = losses[k];
  const diverged = (k < steps && !Number.isFinite(last)) || last > losses[0];
  return { path, losses, k, diverged };
}

/** An SVG path for d3-contour's MultiPolygon in grid coordinates, mapped by (px, py). */
function ringsPath(coords, px, py) {
  let d = "";
  for (const polygon of coords) {
    for (const ring of polygon) {
      ring.forEach(([gx, gy], i) => {
        d += `${i ? "L" : "M"}${px(gx).toFixed(1)},${py(gy).toFixed(1)}`;
      });
      d += "Z";
    }
  }
  return d;
}

function render({ model, el: host }) {
  const root = frame(host, { name: "descent", title: "Gradient descent explorer" });
  const labels = model.get("labels");
  const figures = el("div", { class: "bp-figures" }, root);
  const left = svgRoot(el("div", {}, figures), {
    width: W,
    height: H,
    title: `Contour lines of the loss over (${labels[0]}, ${labels[1]}) and the gradient-descent path`,
  });
  const right = svgRoot(el("div", {}, figures), {
    width: W,
    height: H,
    title: "The loss at each step of the descent",
  });
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const clip = nextId("bp-clip");
  const cp = svgEl("clipPath", { id: clip }, svgEl("defs", {}, left));
  svgEl("rect", { x: 0, y: 0, width: iw, height: ih }, cp);
  const pl = svgEl("g", { transform: `translate(${M.left},${M.top})` }, left);
  const lx = svgEl("g", { transform: `translate(0,${ih})` }, pl);
  const ly = svgEl("g", {}, pl);
  const contourG = svgEl("g", { "clip-path": `url(#${clip})` }, pl);
  const pathG = svgEl("g", { "clip-path": `url(#${clip})` }, pl);
  const pathLine = svgEl("path", { class: "bp-path" }, pathG);
  const dotsG = svgEl("g", {}, pathG);
  const startDot = svgEl("circle", { r: 6, class: "bp-start" }, pathG);
  const star = svgEl("path", { class: "bp-start", d: "" }, pl);
  const pr = svgEl("g", { transform: `translate(${M.left},${M.top})` }, right);
  const rx = svgEl("g", { transform: `translate(0,${ih})` }, pr);
  const ry = svgEl("g", {}, pr);
  const lossLine = svgEl("path", { class: "bp-curve" }, pr);

  const text = summary(root);
  const controls = el("div", { class: "bp-controls", role: "group", "aria-label": "Descent settings" }, root);
  const [lo, hi] = model.get("lr_range");
  const xlim = model.get("xlim");
  const ylim = model.get("ylim");
  const lr = slider({
    label: "η",
    name: "lr",
    min: Math.log10(lo),
    max: Math.log10(hi),
    step: 0.01,
    value: model.get("lr"),
    toValue: (p) => Math.pow(10, p),
    fromValue: (v) => Math.log10(v),
    format: fmtRate,
    parent: controls,
    onInput: (v) => {
      save(model, { lr: v });
      redraw();
    },
  });
  const starts = [xlim, ylim].map((lim, i) =>
    slider({
      label: `start ${labels[i]}`,
      name: `start_${i}`,
      min: lim[0],
      max: lim[1],
      step: (lim[1] - lim[0]) / 100,
      value: model.get("start")[i],
      parent: controls,
      onInput: (v) => {
        const s = model.get("start").slice();
        s[i] = v;
        save(model, { start: s });
        redraw();
      },
    }),
  );
  const steps = slider({
    label: "steps",
    name: "steps",
    min: 1,
    max: 200,
    step: 1,
    value: model.get("steps"),
    format: (v) => String(v),
    parent: controls,
    onInput: (v) => {
      save(model, { steps: v });
      redraw();
    },
  });

  // The loss surface depends on the data and the window only: computed once (and when they change).
  let surfaceKey = "";
  let sx, sy;
  function drawSurface() {
    const x = model.get("x");
    const t = model.get("t");
    const n = model.get("n");
    const key = JSON.stringify([x, t, xlim, ylim, n]);
    if (key === surfaceKey) return;
    surfaceKey = key;
    sx = scaleLinear().domain(xlim).range([0, iw]);
    sy = scaleLinear().domain(ylim).range([ih, 0]);
    axis(lx, sx, "bottom", { label: labels[0] });
    axis(ly, sy, "left", { label: labels[1] });
    const { F } = lossGrid((p) => lineLoss(p, x, t), xlim, ylim, n);
    const values = F.flat();
    // Levels at quantiles of the grid (as backprop.plots.surfaces): dense where the loss is low.
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
    const levels = Array.from({ length: LEVELS }, (_, i) => quantile(sorted, (i + 1) / (LEVELS + 1)));
    const gx = (c) => sx(xlim[0] + (c - 0.5) * ((xlim[1] - xlim[0]) / (n - 1)));
    const gy = (c) => sy(ylim[0] + (c - 0.5) * ((ylim[1] - ylim[0]) / (n - 1)));
    contourG.replaceChildren();
    for (const c of contours().size([n, n]).thresholds(levels)(values)) {
      svgEl("path", { class: "bp-contour", d: ringsPath(c.coordinates, gx, gy) }, contourG);
    }
    const m = model.get("minimum");
    if (m.length === 2) {
      const [cx, cy] = [sx(m[0]), sy(m[1])];
      const pts = Array.from({ length: 10 }, (_, i) => {
        const r = i % 2 ? 3.5 : 8;
        const a = (Math.PI / 5) * i - Math.PI / 2;
        return `${(cx + r * Math.cos(a)).toFixed(1)},${(cy + r * Math.sin(a)).toFixed(1)}`;
      });
      star.setAttribute("d", `M${pts.join("L")}Z`);
    }
  }

  let dotNodes = [];
  function draw() {
    drawSurface();
    const x = model.get("x");
    const t = model.get("t");
    const s = descentState(x, t, model.get("start"), model.get("lr"), model.get("steps"));
    // Far-away points of a diverging run are clamped to a band around the window (clipped).
    const clampX = (v) => Math.max(-5 * iw, Math.min(6 * iw, sx(v)));
    const clampY = (v) => Math.max(-5 * ih, Math.min(6 * ih, sy(v)));
    pathLine.setAttribute("d", `M${s.path.map((p) => `${clampX(p[0]).toFixed(1)},${clampY(p[1]).toFixed(1)}`).join("L")}`);
    while (dotNodes.length < s.path.length) dotNodes.push(svgEl("circle", { r: 2.5, class: "bp-path-point" }, dotsG));
    dotNodes.forEach((d, i) => {
      if (i < s.path.length) {
        d.setAttribute("cx", clampX(s.path[i][0]).toFixed(1));
        d.setAttribute("cy", clampY(s.path[i][1]).toFixed(1));
        d.removeAttribute("display");
      } else d.setAttribute("display", "none");
    });
    startDot.setAttribute("cx", sx(s.path[0][0]));
    startDot.setAttribute("cy", sy(s.path[0][1]));

    const finite = s.losses.filter((v) => Number.isFinite(v));
    const positive = finite.every((v) => v > 0);
    const lmin = Math.min(...finite);
    const lmax = Math.max(...finite);
    const ry0 = positive
      ? scaleLog().domain([lmin, lmax > lmin ? lmax : lmin * 10]).range([ih, 0]).nice()
      : scaleLinear().domain([Math.min(0, lmin), lmax > lmin ? lmax : lmin + 1]).range([ih, 0]).nice();
    const rx0 = scaleLinear().domain([0, Math.max(1, s.k)]).range([0, iw]);
    axis(rx, rx0, "bottom", { label: "step", format: (v) => String(v) });
    axis(ry, ry0, "left", { n: 4, label: "loss", format: ry0.tickFormat(4, "~g") });
    const curve = line()
      .defined((d) => Number.isFinite(d[1]))
      .x((d) => rx0(d[0]))
      .y((d) => ry0(d[1]));
    lossLine.setAttribute("d", curve(s.losses.map((v, i) => [i, v])) ?? "");

    const first = fmt(s.losses[0], 4);
    const lastV = fmt(s.losses[s.k], 4);
    text.set(
      `η = ${fmtRate(model.get("lr"))}: the loss goes from ${first} to ${lastV} in ${s.k} steps` +
        (s.diverged ? " and grows: the steps overshoot, the run diverges." : "."),
    );
  }

  const redraw = onFrame(root, draw);
  const sync = () => {
    lr.set(model.get("lr"));
    starts.forEach((sl, i) => sl.set(model.get("start")[i]));
    steps.set(model.get("steps"));
    redraw();
  };
  const unbind = bindModel(model, ["lr", "start", "steps", "x", "t", "n", "minimum"], sync);
  redraw.now();
  return () => {
    redraw.cancel();
    unbind();
  };
}

export default { render };
