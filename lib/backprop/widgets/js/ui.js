// Shared DOM helpers of the live explorers (bundled into each explorer by esbuild).
//
// - fmt(x, digits): the one number format of every readout and summary;
// - slider({...}): a labelled <input type=range> with a numeric <output> (keyboard, mouse, touch);
// - button(text, onClick), summary(): a visible live text line (aria-live) for screen readers;
// - stepControls(root, go, setStep): a stepper's step text, Back/Next/Restart buttons and counter;
// - svgEl(tag, attrs, parent), svgRoot(...): SVG helpers;
// - onFrame(root, draw): a requestAnimationFrame redraw scheduler that marks each finished
//   redraw on the root (data-frames and a "bp-redraw" event; the tests and the bench wait for it);
// - bindModel(model, names, onChange): keep traits and the view in step both ways.

const SVG_NS = "http://www.w3.org/2000/svg";
const MINUS = "\u2212";
/**
 * A unique id for the page. Several explorers may share one page, each bundle with its own copy
 * of this module (anywidget imports every widget's bundle on its own), so the counter lives on
 * the page's global object.
 */
export function nextId(prefix = "bp") {
  globalThis.__bpExplorerIds = (globalThis.__bpExplorerIds || 0) + 1;
  return `${prefix}-${globalThis.__bpExplorerIds}`;
}

/**
 * The book's number format: `digits` decimals, a true minus sign, no "-0.000";
 * magnitudes of 1e5 and more in scientific notation (3 significant digits), non-finite
 * values spelled out. The browser tests parse this back (tests/browser/explorer_helpers.py).
 */
export function fmt(x, digits = 3) {
  if (typeof x !== "number" || Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "\u221e" : `${MINUS}\u221e`;
  let s;
  if (Math.abs(x) >= 1e5) {
    s = x.toExponential(2).replace("e+", "e");
  } else {
    s = x.toFixed(digits);
    if (/^-0(\.0*)?$/.test(s)) s = s.slice(1);
  }
  return s.replace("-", MINUS);
}

/** Create an element with attributes (and text), appended to parent if given. */
export function el(tag, attrs = {}, parent = null, text = null) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  if (text !== null) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

/** Create an SVG element with attributes, appended to parent if given. */
export function svgEl(tag, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    node.setAttribute(k, String(v));
  }
  if (parent) parent.appendChild(node);
  return node;
}

/**
 * A responsive SVG figure: a viewBox of width × height that scales to its container
 * (no horizontal scroll on a phone), role="img" with an accessible name (title).
 */
export function svgRoot(parent, { width, height, title, className = "bp-figure" }) {
  const svg = svgEl(
    "svg",
    {
      viewBox: `0 0 ${width} ${height}`,
      class: className,
      role: "img",
      preserveAspectRatio: "xMidYMid meet",
    },
    parent,
  );
  const t = svgEl("title", {}, svg);
  t.textContent = title;
  return svg;
}

/** Set an SVG path's "d" etc. in one call. */
export function attrs(node, values) {
  for (const [k, v] of Object.entries(values)) node.setAttribute(k, String(v));
  return node;
}

/**
 * A labelled range slider with a numeric readout.
 *
 * Keyboard (arrows, Page Up/Down, Home/End), mouse and touch come with <input type=range>.
 * `toValue`/`fromValue` map the slider's position to the value (e.g. a log scale);
 * `format` writes the readout. `onInput(value)` runs on every move.
 * Returns { root, input, output, get(), set(value) } (set does not call onInput).
 */
export function slider({
  label,
  min,
  max,
  step,
  value,
  onInput,
  format = (v) => fmt(v, 2),
  toValue = (p) => p,
  fromValue = (v) => v,
  name = null,
  parent = null,
}) {
  const id = nextId("bp-slider");
  const root = el("div", { class: "bp-slider" }, parent);
  const lab = el("label", { for: id }, root);
  if (typeof label === "string") lab.textContent = label;
  else lab.appendChild(label);
  const input = el(
    "input",
    { type: "range", id, min, max, step, "data-name": name, "aria-describedby": `${id}-out` },
    root,
  );
  const output = el("output", { id: `${id}-out`, for: id, "aria-hidden": "true" }, root);
  let current = value;
  function show() {
    // The exact value (a log slider's position is only its logarithm, rounded to the step).
    input.dataset.value = String(current);
    output.textContent = format(current);
    input.setAttribute("aria-valuetext", format(current));
  }
  function set(v) {
    current = v;
    input.value = String(fromValue(v));
    show();
  }
  input.addEventListener("input", () => {
    current = toValue(Number(input.value));
    show();
    onInput(current);
  });
  set(value);
  return { root, input, output, get: () => current, set };
}

/** A button with visible text. */
export function button(text, onClick, parent = null, attributes = {}) {
  const b = el("button", { type: "button", class: "bp-button", ...attributes }, parent, text);
  b.addEventListener("click", onClick);
  return b;
}

/**
 * The figure's text alternative that updates: a visible line, announced politely by screen
 * readers when it changes (role=status, aria-live=polite, aria-atomic).
 */
export function summary(parent) {
  const p = el(
    "p",
    { class: "bp-summary", role: "status", "aria-live": "polite", "aria-atomic": "true" },
    parent,
  );
  return {
    node: p,
    set(text) {
      if (p.textContent !== text) p.textContent = text;
    },
  };
}

/**
 * A stepper's controls: its step text (a summary() line with class bp-step-text), then a
 * "Steps" group of ← Back and Next → (go(-1), go(1)), Restart (setStep(0)), the `extra`
 * buttons ([text, onClick] each) and a step counter (a bp-readout span).
 * Returns { text, back, next, restart, extra: [buttons], counter }.
 */
export function stepControls(root, go, setStep, extra = []) {
  const text = summary(root);
  text.node.classList.add("bp-step-text");
  const buttons = el("div", { class: "bp-buttons", role: "group", "aria-label": "Steps" }, root);
  const back = button("← Back", () => go(-1), buttons);
  const next = button("Next →", () => go(1), buttons);
  const restart = button("Restart", () => setStep(0), buttons);
  const more = extra.map(([label, onClick]) => button(label, onClick, buttons));
  const counter = el("span", { class: "bp-readout", "aria-hidden": "true" }, buttons);
  return { text, back, next, restart, extra: more, counter };
}

/**
 * Schedule redraws on animation frames: `request()` asks for one; several requests in one
 * frame draw once. After each draw the root's data-frames counts up and it dispatches a
 * "bp-redraw" event (detail: { start, end } in performance.now() ms).
 */
export function onFrame(root, draw) {
  let pending = 0;
  let frames = 0;
  function run() {
    pending = 0;
    const start = performance.now();
    draw();
    const end = performance.now();
    frames += 1;
    root.dataset.frames = String(frames);
    root.dispatchEvent(new CustomEvent("bp-redraw", { detail: { start, end } }));
  }
  function request() {
    if (!pending) pending = requestAnimationFrame(run);
  }
  request.now = () => {
    if (pending) cancelAnimationFrame(pending);
    run();
  };
  request.cancel = () => {
    if (pending) cancelAnimationFrame(pending);
    pending = 0;
  };
  return request;
}

/**
 * Listen to the traits `names` of an anywidget model: `onChange()` runs when Python (or
 * another view) changes one. Returns a cleanup function.
 */
export function bindModel(model, names, onChange) {
  const events = names.map((n) => `change:${n}`);
  for (const e of events) model.on(e, onChange);
  return () => {
    for (const e of events) model.off(e, onChange);
  };
}

/** Write traits to the model and send them to the kernel (a no-op without one). */
export function save(model, values) {
  for (const [k, v] of Object.entries(values)) model.set(k, v);
  model.save_changes();
}

/** The root container of an explorer, with its class and an accessible group name. */
export function frame(elTarget, { name, title }) {
  const root = el("section", { class: `bp-explorer bp-${name}`, "aria-label": title }, elTarget);
  return root;
}

/**
 * Draw an axis of a d3 scale into the SVG group g (cleared first): "bottom" or "left",
 * at most `n` ticks (scale.ticks), labels by `format` (default: the scale's tickFormat,
 * with a true minus sign; a left axis's label sits `labelGap` px out). Replaces d3-axis (which needs d3-selection) in a few lines.
 */
export function axis(g, scale, orient, { n = 5, format = null, label = null, labelGap = 36 } = {}) {
  while (g.firstChild) g.removeChild(g.firstChild);
  const [r0, r1] = scale.range();
  const tf = format ?? scale.tickFormat(n);
  const bottom = orient === "bottom";
  const line = bottom ? { x1: r0, x2: r1, y1: 0, y2: 0 } : { x1: 0, x2: 0, y1: r0, y2: r1 };
  svgEl("line", { ...line, class: "bp-axis-line" }, g);
  for (const t of scale.ticks(n)) {
    const p = scale(t);
    const tick = svgEl("g", { transform: bottom ? `translate(${p},0)` : `translate(0,${p})` }, g);
    svgEl("line", { ...(bottom ? { y2: 5 } : { x2: -5 }), class: "bp-axis-line" }, tick);
    const text = svgEl(
      "text",
      bottom ? { y: 16, "text-anchor": "middle" } : { x: -8, dy: "0.32em", "text-anchor": "end" },
      tick,
    );
    text.textContent = String(tf(t)).replace("-", MINUS);
  }
  if (label) {
    const text = svgEl(
      "text",
      bottom
        ? { x: (r0 + r1) / 2, y: 32, "text-anchor": "middle", class: "bp-axis-label" }
        : { transform: `rotate(-90)`, x: -(r0 + r1) / 2, y: -labelGap, "text-anchor": "middle", class: "bp-axis-label" },
      g,
    );
    text.textContent = label;
  }
  g.setAttribute("class", "bp-axis");
  return g;
}
