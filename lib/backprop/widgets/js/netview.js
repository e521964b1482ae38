// What the network explorers (relu.js, deltas.js) share: the network held in the model's
// traits, the parameter picker (a labelled <select> and a value slider), the units' places in
// the SVG drawing, number tables, and a scrollable box for them. The traits are those of
// backprop/widgets/_network.py (NetworkExplorer).
import { el, fmt, nextId, save, slider } from "./ui.js";

/** The network the traits hold, for numerics.js: { W, b, activations }. */
export function netOf(model) {
  return { W: model.get("weights"), b: model.get("biases"), activations: model.get("activations") };
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
