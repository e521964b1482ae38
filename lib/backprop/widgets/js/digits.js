// Chapter 7's explorer: draw a digit on the grid (mouse, finger or keyboard), or load a test
// image, and see the trained network's ten probabilities change as you draw. The network's
// weights travel in the widget state; the browser runs its forward pass (numerics.js, the
// formulas of backprop.Network) and the softmax at every stroke. The Python side
// (widgets/digits.py) computes the same.
import { scaleBand, scaleLinear } from "d3-scale";
import { networkForward, predict, softmax } from "./numerics.js";
import { addStyle } from "./netview.js";
import { attrs, bindModel, button, el, fmt, frame, nextId, onFrame, save, slider, summary, svgEl, svgRoot } from "./ui.js";

const CELL = 30;
const BW = 400;
const BH = 230;
const M = { top: 22, right: 8, bottom: 40, left: 40 };

/** Test image k's pixels: one base-36 level per character, level / levels * scale. */
export function decode(code, levels, scale) {
  return Array.from(code, (c) => (parseInt(c, 36) / levels) * scale);
}

/** The network's probabilities and its guess for one image (as DigitExplorer computes them). */
export function readDigit(net, pixels) {
  const { a } = networkForward(net, [pixels]);
  const y = a[a.length - 1][0];
  const p = softmax(y);
  const predicted = y.reduce((best, v, j) => (v > y[best] ? j : best), 0);
  return { y, p, predicted };
}

const CSS = `
.bp-explorer .bp-grid { width: min(100%, 260px); touch-action: none; border-radius: 0.3rem; }
.bp-explorer .bp-grid:focus-visible { outline: 3px solid var(--bp-highlight); outline-offset: 3px; }
.bp-explorer .bp-grid svg { display: block; width: 100%; height: auto; cursor: crosshair; }
.bp-explorer .bp-grid rect.bp-pixel { stroke: var(--bp-grid); stroke-width: 1; }
.bp-explorer .bp-grid rect.bp-cursor { fill: none; stroke: var(--bp-highlight); stroke-width: 3; display: none; }
.bp-explorer .bp-grid:focus rect.bp-cursor { display: inline; }
.bp-explorer .bp-help { font-size: 0.9em; margin: 0.25rem 0; }
.bp-explorer .bp-bar { fill: var(--bp-accent); }
.bp-explorer .bp-bar.bp-top { fill: var(--bp-highlight); }
.bp-explorer .bp-bar-label { fill: currentColor; font-size: 11px; text-anchor: middle; font-variant-numeric: tabular-nums; }
.bp-explorer .bp-grid-title { font-weight: 600; margin: 0.25rem 0; }
`;

function render({ model, el: host }) {
  addStyle("bp-digits-css", CSS);
  const root = frame(host, { name: "digits", title: "Digit explorer" });
  root.dataset.explorer = "digits";
  const [rows, cols] = model.get("shape");
  const levels = model.get("levels");
  const scale = model.get("scale");
  const net = () => ({ W: model.get("weights"), b: model.get("biases"), activations: model.get("activations") });
  const images = model.get("images").map((c) => decode(c, levels, scale));
  const labels = model.get("labels");
  // The test images the network gets wrong (again whenever Python changes the weights).
  let mistakes = [];
  const findMistakes = () => {
    const guesses = predict(net(), images);
    mistakes = guesses.map((g, k) => (g !== labels[k] ? k : -1)).filter((k) => k >= 0);
  };
  findMistakes();
  let pixels = model.get("pixels").slice();
  let cursor = [0, 0];

  const figures = el("div", { class: "bp-figures" }, root);
  // ---- the drawing grid ---------------------------------------------------------
  const left = el("div", {}, figures);
  const titleId = nextId("bp-grid-title");
  const helpId = nextId("bp-grid-help");
  el("p", { class: "bp-grid-title", id: titleId }, left, `Draw a digit (${rows} × ${cols} pixels)`);
  const grid = el(
    "div",
    { class: "bp-grid", tabindex: "0", role: "application", "aria-labelledby": titleId, "aria-describedby": helpId },
    left,
  );
  const svg = svgEl("svg", { viewBox: `0 0 ${cols * CELL} ${rows * CELL}`, "aria-hidden": "true", focusable: "false" }, grid);
  const shade = scaleLinear().domain([0, scale]).range(["#ffffff", "#111111"]).clamp(true);
  const cells = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      cells.push(svgEl("rect", { x: c * CELL, y: r * CELL, width: CELL, height: CELL, class: "bp-pixel" }, svg));
    }
  }
  const cursorRect = svgEl("rect", { width: CELL, height: CELL, class: "bp-cursor" }, svg);
  el(
    "p",
    { class: "bp-help", id: helpId },
    left,
    "Draw with the mouse or a finger. Keyboard: the arrow keys move the cursor, Space or Enter paints the pixel with the brush (again: erases it), + and − change it by one level, Delete erases it.",
  );
  const cursorText = el("p", { class: "bp-help", "aria-live": "polite" }, left);

  // ---- the bars -----------------------------------------------------------------
  const right = el("div", {}, figures);
  const bars = svgRoot(right, {
    width: BW,
    height: BH,
    title: "The network's probability for each digit 0 to 9",
  });
  const plot = svgEl("g", { transform: `translate(${M.left},${M.top})` }, bars);
  const iw = BW - M.left - M.right;
  const ih = BH - M.top - M.bottom;
  const sx = scaleBand().domain([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).range([0, iw]).padding(0.2);
  const sy = scaleLinear().domain([0, 1]).range([ih, 0]);
  svgEl("line", { x1: 0, x2: iw, y1: ih, y2: ih, class: "bp-axis-line" }, plot);
  const barNodes = [];
  for (let d = 0; d < 10; d++) {
    const rect = svgEl("rect", { x: sx(d), width: sx.bandwidth(), class: "bp-bar" }, plot);
    const value = svgEl("text", { x: sx(d) + sx.bandwidth() / 2, class: "bp-bar-label", "data-q": `p-${d}` }, plot);
    const digit = svgEl("text", { x: sx(d) + sx.bandwidth() / 2, y: ih + 16, class: "bp-bar-label" }, plot);
    digit.textContent = String(d);
    barNodes.push({ rect, value });
  }
  const axisLabel = svgEl("text", { x: iw / 2, y: ih + 34, class: "bp-bar-label" }, plot);
  axisLabel.textContent = "digit (above each bar: its probability in %)";

  // ---- controls -----------------------------------------------------------------
  const controls = el("div", { class: "bp-controls", role: "group", "aria-label": "Brush and test images" }, root);
  const brush = slider({
    label: "brush",
    name: "brush",
    min: 0,
    max: levels,
    step: 1,
    value: model.get("brush"),
    format: (v) => `${v} of ${levels}`,
    parent: controls,
    onInput: (v) => {
      save(model, { brush: v });
      redraw();
    },
  });
  const n = images.length;
  const picker = slider({
    label: "test image",
    name: "index",
    min: 0,
    max: n - 1,
    step: 1,
    value: model.get("index"),
    format: (v) => String(v),
    parent: controls,
    onInput: (v) => load(v),
  });
  const buttons = el("div", { class: "bp-buttons" }, root);
  button("previous", () => load((model.get("index") + n - 1) % n), buttons, { "data-name": "previous" });
  button("next", () => load((model.get("index") + 1) % n), buttons, { "data-name": "next" });
  const nextMistake = button(
    "next mistake",
    () => {
      const k = model.get("index");
      const later = mistakes.filter((m) => m > k);
      load(later.length ? later[0] : mistakes[0]);
    },
    buttons,
    { "data-name": "next-mistake", disabled: mistakes.length === 0 },
  );
  nextMistake.title = "load the next test image the network gets wrong";
  button("clear", () => commit(pixels.map(() => 0)), buttons, { "data-name": "clear" });
  const status = el("p", { class: "bp-readout" }, root);
  const text = summary(root);

  function load(k) {
    pixels = images[k].slice();
    save(model, { index: k, pixels: pixels.slice() });
    picker.set(k);
    redraw();
  }
  function commit(next) {
    pixels = next;
    save(model, { pixels: pixels.slice() });
    redraw();
  }
  const levelOf = (v) => Math.round((v / scale) * levels);
  const valueOf = (k) => (k / levels) * scale;
  function paint(i, level) {
    if (pixels[i] === valueOf(level)) return false;
    pixels[i] = valueOf(level);
    return true;
  }

  // Pointer: mouse, pen and touch alike; the stroke paints every cell it crosses.
  let drawing = false;
  function cellAt(e) {
    const box = svg.getBoundingClientRect();
    const c = Math.floor(((e.clientX - box.left) / box.width) * cols);
    const r = Math.floor(((e.clientY - box.top) / box.height) * rows);
    return r >= 0 && r < rows && c >= 0 && c < cols ? r * cols + c : -1;
  }
  function stroke(e) {
    const i = cellAt(e);
    if (i >= 0 && paint(i, model.get("brush"))) redraw();
  }
  svg.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    drawing = true;
    svg.setPointerCapture?.(e.pointerId);
    stroke(e);
  });
  svg.addEventListener("pointermove", (e) => {
    if (drawing) stroke(e);
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    commit(pixels);
  };
  svg.addEventListener("pointerup", end);
  svg.addEventListener("pointercancel", end);

  // Keyboard: a cursor over the cells.
  grid.addEventListener("keydown", (e) => {
    const [r, c] = cursor;
    const i = r * cols + c;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key]) {
      cursor = [Math.min(rows - 1, Math.max(0, r + moves[e.key][0])), Math.min(cols - 1, Math.max(0, c + moves[e.key][1]))];
    } else if (e.key === " " || e.key === "Enter") {
      const b = model.get("brush");
      const next = pixels.slice();
      next[i] = levelOf(next[i]) === b ? 0 : valueOf(b);
      commit(next);
    } else if (e.key === "+" || e.key === "=" || e.key === "-" || e.key === "−") {
      const next = pixels.slice();
      const k = levelOf(next[i]) + (e.key === "+" || e.key === "=" ? 1 : -1);
      next[i] = valueOf(Math.min(levels, Math.max(0, k)));
      commit(next);
    } else if (e.key === "Delete" || e.key === "Backspace") {
      const next = pixels.slice();
      next[i] = 0;
      commit(next);
    } else {
      return;
    }
    e.preventDefault();
    showCursor();
  });
  function showCursor() {
    const [r, c] = cursor;
    attrs(cursorRect, { x: c * CELL, y: r * CELL });
    cursorText.textContent = `Cursor: row ${r + 1}, column ${c + 1}, intensity ${levelOf(pixels[r * cols + c])} of ${levels}.`;
  }
  grid.addEventListener("focus", showCursor);

  function draw() {
    pixels.forEach((v, i) => cells[i].setAttribute("fill", shade(v)));
    const { p, predicted } = readDigit(net(), pixels);
    p.forEach((v, d) => {
      const { rect, value } = barNodes[d];
      attrs(rect, { y: sy(v), height: ih - sy(v), class: d === predicted ? "bp-bar bp-top" : "bp-bar" });
      attrs(value, { y: sy(v) - 5 });
      value.textContent = fmt(100 * v, 1);
      value.dataset.value = String(v);
    });
    const k = model.get("index");
    const image = images[k];
    const same = pixels.every((v, i) => v === image[i]);
    const verdict = predicted === labels[k] ? "right" : "wrong";
    const second = p.map((v, d) => [v, d]).sort((a, b) => b[0] - a[0])[1];
    const read = `the network reads ${predicted} with probability ${fmt(p[predicted], 3)} (next: ${second[1]}, ${fmt(second[0], 3)})`;
    status.textContent = same
      ? `Test image ${k}, a handwritten ${labels[k]}: ${read}, ${verdict}.`
      : `Your drawing: ${read}.`;
    root.dataset.predicted = String(predicted);
    root.dataset.drawn = String(!same);
    text.set(
      `${same ? `Test image ${k}` : "Your drawing"}: predicted ${predicted}, probability ${fmt(p[predicted], 3)}. ` +
        `${mistakes.length} of ${n} test images are misclassified.`,
    );
  }
  const redraw = onFrame(root, draw);
  const unbindNet = bindModel(model, ["weights", "biases"], () => {
    findMistakes();
    nextMistake.disabled = mistakes.length === 0;
    redraw();
  });
  const unbind = bindModel(model, ["pixels", "index", "brush"], () => {
    pixels = model.get("pixels").slice();
    picker.set(model.get("index"));
    brush.set(model.get("brush"));
    redraw();
  });
  redraw.now();
  return () => {
    redraw.cancel();
    unbind();
    unbindNet();
  };
}

export default { render };
