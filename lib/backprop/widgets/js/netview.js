// What the network explorers (relu.js, deltas.js) share: the network held in the model's
// traits, both passes for them, the controls (sliders for x or t, the parameter picker: a
// labelled <select> and a value slider, Reset, the readout), the SVG drawing of the units and
// weights and its legend, number tables and a scrollable box for them. The traits are those
// of backprop/widgets/_network.py (NetworkExplorer).
import { networkBackward, networkForward } from "./numerics.js";
import { attrs, bindModel, button, el, fmt, frame, nextId, onFrame, save, slider, summary, svgEl, svgRoot } from "./ui.js";

/** The traits a network explorer redraws for when Python (or another view) changes them. */
const TRAITS = ["x", "t", "weights", "biases", "parameter", "loss_name"];
/** The width of the network drawing (its viewBox). */
const WIDTH = 460;

/** The network the traits hold, for numerics.js: { W, b, activations }. */
export function netOf(model) {
  return { W: model.get("weights"), b: model.get("biases"), activations: model.get("activations") };
}

/** Both passes for one sample x with targets t: { trace, grads } (numerics.js). */
export function networkState(net, x, t, loss) {
  const trace = networkForward(net, [x]);
  const grads = networkBackward(net, trace, [t], loss);
  return { trace, grads };
}

/** Layer widths, input first. */
export function sizesOf(net) {
  return [net.W[0].length, ...net.W.map((W) => W[0].length)];
}

/** "W2[3,1]" -> { kind: "W", l: 1, i: 2, j: 0 }; "b1[2]" -> { kind: "b", l: 0, i: 0, j: 1 }. */
export function parseKey(key) {
  let m = /^W(\d+)\[(\d+),(\d+)\]$/.exec(key);
  if (m) return { kind: "W", l: +m[1] - 1, i: +m[2] - 1, j: +m[3] - 1 };
  m = /^b(\d+)\[(\d+)\]$/.exec(key);
  if (m) return { kind: "b", l: +m[1] - 1, i: 0, j: +m[2] - 1 };
  throw new Error(`${key} names no parameter`);
}

/** The value of the parameter `key`. */
export function paramValue(model, key) {
  const p = parseKey(key);
  return p.kind === "W" ? model.get("weights")[p.l][p.i][p.j] : model.get("biases")[p.l][p.j];
}

/** Set the parameter `key` to v: new arrays (so the model sees a change), saved to the kernel. */
export function setParam(model, key, v) {
  const p = parseKey(key);
  if (p.kind === "W") {
    const weights = model.get("weights").map((W) => W.map((row) => row.slice()));
    weights[p.l][p.i][p.j] = v;
    save(model, { weights });
  } else {
    const biases = model.get("biases").map((b) => b.slice());
    biases[p.l][p.j] = v;
    save(model, { biases });
  }
}

/** Set entry k of the list trait `name` (x or t) to v. */
export function setEntry(model, name, k, v) {
  const values = model.get(name).slice();
  values[k] = v;
  save(model, { [name]: values });
}

/**
 * The parameter picker: a labelled <select> of every parameter (the model's `options`) and
 * a slider for the picked one's value. Choosing another parameter moves the slider to its
 * value; moving the slider changes that parameter. `sync()` re-reads the model.
 */
export function picker(model, parent, onInput) {
  const box = el("div", { class: "bp-picker" }, parent);
  const id = nextId("bp-param");
  el("label", { for: id }, box, "parameter");
  const select = el("select", { id, "data-name": "parameter" }, box);
  for (const [key, label] of model.get("options")) el("option", { value: key }, select, label);
  const limit = model.get("limit");
  const value = slider({
    label: "its value",
    name: "value",
    min: -limit,
    max: limit,
    step: 0.05,
    value: paramValue(model, model.get("parameter")),
    parent,
    onInput: (v) => {
      setParam(model, model.get("parameter"), v);
      onInput();
    },
  });
  select.addEventListener("change", () => {
    save(model, { parameter: select.value });
    value.set(paramValue(model, select.value));
    onInput();
  });
  function sync() {
    const key = model.get("parameter");
    if (select.value !== key) select.value = key;
    value.set(paramValue(model, key));
  }
  sync();
  return { select, value, sync };
}

/**
 * A network explorer's view (relu.js, deltas.js), built in this order: its frame (class
 * bp-<name>, data-explorer=name), the controls (networkControls with `controls`), the
 * drawing (networkFigure with `figure`) and its legend ([items, note]). The caller adds
 * its tables to `root`, then calls run(draw): draw(state) runs at every redraw, with
 * state = { net, x, t, trace, grads, key, picked } for the traits now; run returns the
 * view's cleanup. drawWeights(state, isZero) and drawUnits(state, drawUnit) draw the
 * figure (see those); setReadout(text, y, loss) writes the readout line, with the output
 * y and the loss in full for the tests; `text` is the summary line.
 */
export function networkView(model, host, { name, title, controls, figure, legend: [items, note] }) {
  addStyle("bp-network-css", NETWORK_CSS);
  const root = frame(host, { name, title });
  root.dataset.explorer = name;
  let draw = null;
  const redraw = onFrame(root, () => draw(stateOf(model)));
  const { readout, text, sync } = networkControls(model, root, controls, redraw);
  const { figure: fig, edges, units } = networkFigure(root, sizesOf(netOf(model)), figure);
  legend(fig, items, note);
  return {
    root,
    text,
    drawWeights: ({ net, picked }, isZero) => drawWeights(edges, net, picked, isZero),
    drawUnits: ({ x, picked }, drawUnit) => drawUnits(units, x, picked, drawUnit),
    setReadout(line, y, loss) {
      readout.textContent = line;
      readout.dataset.output = JSON.stringify(y);
      readout.dataset.loss = String(loss);
    },
    run(drawState) {
      draw = drawState;
      const unbind = bindModel(model, TRAITS, sync);
      redraw.now();
      return () => {
        redraw.cancel();
        unbind();
      };
    },
  };
}

/** The network, the sample, both passes and the picked parameter, as the traits hold them now. */
function stateOf(model) {
  const net = netOf(model);
  const x = model.get("x");
  const t = model.get("t");
  const key = model.get("parameter");
  return { net, x, t, ...networkState(net, x, t, model.get("loss_name")), key, picked: parseKey(key) };
}

/**
 * A network explorer's controls, in this order: a group (aria-label `group`) with a slider
 * per entry of the list trait `name` (x or t; label(k), from min to max) and the parameter
 * picker; a Reset button back to the starting traits; the readout line; the summary.
 * redraw() runs after every move. Returns { readout, text, sync }: sync() re-reads the model
 * into the sliders and redraws (Reset calls it).
 */
function networkControls(model, root, { group, name, label, min, max }, redraw) {
  const controls = el("div", { class: "bp-controls", role: "group", "aria-label": group }, root);
  const entries = model.get(name).map((v, k) =>
    slider({
      label: label(k),
      name: `${name}${k + 1}`,
      min,
      max,
      step: 0.05,
      value: v,
      parent: controls,
      onInput: (val) => {
        setEntry(model, name, k, val);
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
  function sync() {
    const values = model.get(name);
    entries.forEach((s, k) => s.set(values[k]));
    pick.sync();
    redraw();
  }
  return { readout, text, sync };
}

/**
 * The drawing of the network in a new <div> of root: an SVG (WIDTH wide, at least minHeight
 * high, accessible name `title`) with a line per weight, then (on top of them) a group per
 * unit at its place (see layout): a circle of radius r, its name (unitName(l, i)) at nameY
 * above the centre, a value line and a line below the circle. Returns { figure, edges, units }:
 * edges[l - 1][i][j] is the line of W⁽ˡ⁾_ij, units[l][i] is { g, circle, value, below }.
 */
function networkFigure(root, sizes, { minHeight, r, title, nameY, unitName }) {
  const height = Math.max(minHeight, 90 * Math.max(...sizes) + 40);
  const pos = layout(sizes, WIDTH, height);
  const figure = el("div", {}, root);
  const svg = svgRoot(figure, { width: WIDTH, height, title });
  const edgeG = svgEl("g", {}, svg);
  const unitG = svgEl("g", {}, svg);
  const edges = [];
  for (let l = 1; l < sizes.length; l++) {
    edges.push(
      pos[l - 1].map(([x0, y0]) =>
        pos[l].map(([x1, y1]) => svgEl("line", { x1: x0 + r, y1: y0, x2: x1 - r, y2: y1, class: "bp-weight" }, edgeG)),
      ),
    );
  }
  const units = pos.map((col, l) =>
    col.map(([cx, cy], i) => {
      const g = svgEl("g", { class: l === 0 ? "bp-unit bp-input" : "bp-unit" }, unitG);
      const circle = svgEl("circle", { cx, cy, r }, g);
      const name = svgEl("text", { x: cx, y: cy - nameY }, g);
      const value = svgEl("text", { x: cx, y: cy + 12 }, g);
      const below = svgEl("text", { x: cx, y: cy + r + 14, class: "bp-outside" }, g);
      name.textContent = unitName(l, i);
      return { g, circle, value, below };
    }),
  );
  return { figure, edges, units };
}

/** The legend under the figure: a swatch per [color, label] of `items`, then `note`. */
function legend(figure, items, note) {
  const box = el("p", { class: "bp-legend" }, figure);
  for (const [color, label] of items) {
    const item = el("span", {}, box);
    el("span", { class: "bp-swatch", style: `background:${color}` }, item);
    item.append(label);
  }
  el("span", {}, box, note);
}

/**
 * Draw the weights: each line's width by |W| (relative to its layer's largest), bp-active on
 * the picked weight, bp-zero (dotted) where isZero(l, i, j). Returns how many are zero.
 */
function drawWeights(edges, net, picked, isZero = () => false) {
  let zeroed = 0;
  edges.forEach((rows, k) => {
    const Wl = net.W[k];
    const top = Math.max(1e-12, ...Wl.flat().map(Math.abs));
    rows.forEach((row, i) =>
      row.forEach((line, j) => {
        const zero = isZero(k + 1, i, j);
        zeroed += zero ? 1 : 0;
        const active = picked.kind === "W" && picked.l === k && picked.i === i && picked.j === j;
        attrs(line, {
          "stroke-width": 1 + 3.5 * (Math.abs(Wl[i][j]) / top),
          class: `bp-weight${zero ? " bp-zero" : ""}${active ? " bp-active" : ""}`,
        });
      }),
    );
  });
  return zeroed;
}

/**
 * Draw the units: the inputs show x; every other unit is drawn by drawUnit(u, l, j) and marked
 * bp-active when its bias is the picked parameter.
 */
function drawUnits(units, x, picked, drawUnit) {
  units[0].forEach((u, i) => {
    u.value.textContent = fmt(x[i], 2);
  });
  for (let l = 1; l < units.length; l++) {
    units[l].forEach((u, j) => {
      drawUnit(u, l, j);
      const active = picked.kind === "b" && picked.l === l - 1 && picked.j === j;
      u.g.setAttribute("class", `bp-unit${active ? " bp-active" : ""}`);
    });
  }
}

/** Units' centres: column l at x, the units of a column spread evenly around the middle. */
export function layout(sizes, width, height, pad = 50) {
  const dx = (width - 2 * pad) / Math.max(1, sizes.length - 1);
  const tallest = Math.max(...sizes);
  const dy = Math.min(80, (height - 50) / Math.max(1, tallest));
  return sizes.map((n, l) =>
    Array.from({ length: n }, (_, i) => [pad + l * dx, height / 2 + (i - (n - 1) / 2) * dy]),
  );
}

/**
 * A table in a box that scrolls sideways on a narrow screen (focusable, so a keyboard can
 * scroll it). `headers` are the column heads; rows are added with addRow(cells), each
 * cell { text, q } where q names the number for the tests (data-q). Returns { table, addRow }.
 */
export function numberTable(parent, caption, headers) {
  const box = el("div", { class: "bp-table-box", tabindex: "0", role: "region", "aria-label": caption }, parent);
  const table = el("table", { class: "bp-table" }, box);
  el("caption", {}, table, caption);
  const head = el("tr", {}, el("thead", {}, table));
  for (const h of headers) el("th", { scope: "col" }, head, h);
  const body = el("tbody", {}, table);
  function addRow(cells) {
    const tr = el("tr", {}, body);
    return cells.map((c, k) => el(k === 0 ? "th" : "td", k === 0 ? { scope: "row" } : { "data-q": c.q ?? null }, tr, c.text ?? ""));
  }
  return { table, addRow };
}

/** Write x into a cell with `digits` decimals, keeping the full value for the tests. */
export function setNumber(cell, x, digits) {
  const s = fmt(x, digits);
  if (cell.textContent !== s) cell.textContent = s;
  cell.dataset.value = String(x);
}

/** The styles the network explorers add to explorers.css (once per page). */
export function addStyle(id, css) {
  if (document.getElementById(id)) return;
  const style = el("style", { id }, document.head);
  style.textContent = css;
}

export const NETWORK_CSS = `
.bp-explorer .bp-picker { display: grid; grid-template-columns: auto 1fr; gap: 0.5rem; align-items: center; min-width: 0; }
.bp-explorer .bp-picker select { min-height: 44px; max-width: 100%; min-width: 0; font: inherit; color: inherit; background: transparent; border: 1px solid var(--bp-muted); border-radius: 0.3rem; }
.bp-explorer .bp-picker select option { color: #111; background: #fff; }
.bp-explorer .bp-picker label { font-weight: 600; }
.bp-explorer .bp-table-box { max-width: 100%; overflow-x: auto; margin: 0.5rem 0; }
.bp-explorer .bp-tables { display: flex; flex-wrap: wrap; gap: 0 1.5rem; }
.bp-explorer .bp-table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.bp-explorer .bp-table caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
.bp-explorer .bp-table th, .bp-explorer .bp-table td { padding: 0.1rem 0.6rem; text-align: right; white-space: nowrap; }
.bp-explorer .bp-table thead th { border-bottom: 1px solid var(--bp-muted); }
.bp-explorer .bp-table tr.bp-picked { outline: 2px solid var(--bp-highlight); }
.bp-explorer .bp-unit circle { stroke: currentColor; stroke-width: 1.5; }
.bp-explorer .bp-unit text { fill: #111; font-size: 12px; text-anchor: middle; }
.bp-explorer .bp-unit text.bp-outside { fill: currentColor; }
.bp-explorer .bp-unit.bp-input circle { fill: transparent; }
.bp-explorer .bp-unit.bp-input text { fill: currentColor; }
.bp-explorer .bp-unit.bp-active circle { stroke: var(--bp-highlight); stroke-width: 4; }
.bp-explorer .bp-weight { stroke: currentColor; stroke-opacity: 0.75; }
.bp-explorer .bp-weight.bp-zero { stroke-dasharray: 2 4; stroke-opacity: 0.45; }
.bp-explorer .bp-weight.bp-active { stroke: var(--bp-highlight); stroke-opacity: 1; }
.bp-explorer .bp-legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; font-size: 0.9em; margin: 0.25rem 0; }
.bp-explorer .bp-swatch { display: inline-block; width: 0.9em; height: 0.9em; border: 1px solid currentColor; border-radius: 50%; vertical-align: -0.1em; margin-right: 0.3em; }
`;
