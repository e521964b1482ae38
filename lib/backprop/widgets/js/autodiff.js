// The autodiff explorer: a small expression's computational graph, swept forward one node
// at a time, then backward one node's local step at a time (reverse-mode automatic
// differentiation). The tiny scalar engine below has the same local rules, in the same
// floating-point order, as lib/backprop/autodiff.py (backprop.autodiff.Value); the tests
// compare sweep() with the Python engine on a table of expressions and inputs.
import { attrs, bindModel, el, fmt, frame, nextId, onFrame, save, slider, stepControls, svgEl, svgRoot } from "./ui.js";

/**
 * Each operation: its forward formula f(args, c) and its local derivatives
 * local(args, out, c) = [∂v/∂u for each input u]; text(names) shows the formula.
 */
export const OPS = {
  add: { f: ([a, b]) => a + b, local: () => [1, 1], text: ([a, b]) => `${a} + ${b}` },
  sub: { f: ([a, b]) => a - b, local: () => [1, -1], text: ([a, b]) => `${a} − ${b}` },
  mul: { f: ([a, b]) => a * b, local: ([a, b]) => [b, a], text: ([a, b]) => `${a} · ${b}` },
  div: {
    f: ([a, b]) => a / b,
    local: ([, b], v) => [1 / b, -(v / b)],
    text: ([a, b]) => `${a} / ${b}`,
  },
  max: {
    f: ([a, b]) => (a >= b ? a : b),
    local: ([a, b]) => (a >= b ? [1, 0] : [0, 1]),
    text: ([a, b]) => `max(${a}, ${b})`,
  },
  neg: { f: ([a]) => -a, local: () => [-1], text: ([a]) => `−${a}` },
  exp: { f: ([a]) => Math.exp(a), local: (_, v) => [v], text: ([a]) => `exp ${a}` },
  log: { f: ([a]) => Math.log(a), local: ([a]) => [1 / a], text: ([a]) => `log ${a}` },
  sin: { f: ([a]) => Math.sin(a), local: ([a]) => [Math.cos(a)], text: ([a]) => `sin ${a}` },
  cos: { f: ([a]) => Math.cos(a), local: ([a]) => [-Math.sin(a)], text: ([a]) => `cos ${a}` },
  tanh: { f: ([a]) => Math.tanh(a), local: (_, v) => [1 - v * v], text: ([a]) => `tanh ${a}` },
  sigmoid: {
    f: ([a]) => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a))),
    local: (_, v) => [v * (1 - v)],
    text: ([a]) => `σ(${a})`,
  },
  relu: { f: ([a]) => Math.max(a, 0), local: ([a]) => [a > 0 ? 1 : 0], text: ([a]) => `relu ${a}` },
  pow: {
    f: ([a], c) => a ** c,
    local: ([a], _, c) => [c !== 0 ? c * a ** (c - 1) : 0],
    text: ([a], c) => `${a}^${c}`,
  },
  add_const: { f: ([a], c) => a + c, local: () => [1], text: ([a], c) => `${a} + ${c}` },
};

/**
 * Forward, then reverse one node at a time (the nodes in reverse order): returns
 * { data, grads, locals } where grads[j] are all the gradients after j reverse steps
 * (grads[0]: only the seed ∂f/∂f = 1) and locals[j] the local derivatives of step j.
 */
export function sweep(spec, inputs) {
  const index = new Map(spec.map((nd, i) => [nd.name, i]));
  const data = [];
  for (const nd of spec) {
    if (nd.op === "input") {
      const x = inputs[nd.name];
      if (typeof x !== "number" || !Number.isFinite(x)) throw new Error(`input ${nd.name} must be a finite number`);
      data.push(x);
      continue;
    }
    const op = OPS[nd.op];
    if (!op) throw new Error(`unknown operation '${nd.op}' in node ${nd.name}`);
    data.push(op.f(nd.args.map((a) => data[index.get(a)]), nd.c));
  }
  const g = spec.map(() => 0);
  g[spec.length - 1] = 1;
  const grads = [g.slice()];
  const locals = [null];
  for (let i = spec.length - 1; i >= 0; i--) {
    const nd = spec[i];
    if (nd.op === "input") continue;
    const args = nd.args.map((a) => data[index.get(a)]);
    const local = OPS[nd.op].local(args, data[i], nd.c);
    nd.args.forEach((a, k) => {
      // The same product as the Python engine: local derivative × upstream gradient.
      g[index.get(a)] += nd.op === "sub" && k === 1 ? -g[i] : local[k] * g[i];
    });
    grads.push(g.map((v) => v + 0));
    locals.push(local);
  }
  return { data, grads, locals };
}

/** Column (depth) and row of every node: inputs in column 0, each op one right of its inputs. */
function layout(spec) {
  const depth = new Map();
  const rows = [];
  const pos = [];
  for (const nd of spec) {
    const d = nd.op === "input" ? 0 : 1 + Math.max(...nd.args.map((a) => depth.get(a)));
    depth.set(nd.name, d);
    rows[d] = (rows[d] ?? 0) + 1;
    pos.push({ col: d, row: rows[d] - 1 });
  }
  return { pos, cols: rows.length, rows: Math.max(...rows) };
}

const COL = 132;
const ROW = 74;
const BW = 104;
const BH = 58;
const PAD = 12;
const DIGITS = 3;

function formula(nd) {
  return OPS[nd.op].text(nd.args, nd.c);
}

function stepText(spec, order, cur, sw) {
  const m = order.length;
  if (cur === 0) return "The inputs are set. Press Next to compute the graph forward, one node at a time.";
  if (cur <= m) {
    const i = order[cur - 1];
    const nd = spec[i];
    const idx = new Map(spec.map((n, k) => [n.name, k]));
    const vals = nd.args.map((a) => {
      const t = fmt(sw.data[idx.get(a)], DIGITS);
      return t.startsWith("−") ? `(${t})` : t;
    });
    return (
      `Forward ${cur} of ${m}: ${nd.name} = ${formula(nd)} = ${OPS[nd.op].text(vals, nd.c)} = ${fmt(sw.data[i], DIGITS)}.` +
      (cur === m ? " The output is computed; Next starts the reverse sweep with ∂f/∂f = 1." : "")
    );
  }
  const j = cur - m;
  const i = order[m - j];
  const nd = spec[i];
  const idx = new Map(spec.map((n, k) => [n.name, k]));
  const up = sw.grads[j - 1][i];
  const local = sw.locals[j];
  const parts = nd.args.map(
    (a, k) => `∂f/∂${a} += ${fmt(local[k], DIGITS)} × ${fmt(up, DIGITS)} (now ${fmt(sw.grads[j][idx.get(a)], DIGITS)})`,
  );
  return `Reverse ${j} of ${m}, at ${nd.name} = ${formula(nd)} with ∂f/∂${nd.name} = ${fmt(up, DIGITS)}: ${parts.join("; ")}.`;
}

function render({ model, el: host }) {
  const root = frame(host, { name: "autodiff", title: "Reverse-mode automatic differentiation, step by step" });
  const pick = el("div", { class: "bp-picker", style: "display:flex;flex-wrap:wrap;align-items:center;gap:0.5em" }, root);
  const pickId = nextId("bp-expr");
  el("label", { for: pickId }, pick, "expression");
  const select = el("select", { id: pickId, "data-name": "expression" }, pick);
  for (const [key, title] of model.get("options")) el("option", { value: key }, select, title);
  select.addEventListener("change", () => {
    // The catalog travels with the widget's state: this works on the static page too.
    const { spec, inputs } = model.get("catalog")[select.value];
    save(model, { expression: select.value, spec, inputs: { ...inputs }, step: 0 });
    redraw();
  });

  const figure = el("div", {}, root);
  const {
    text: stepLine,
    back,
    next,
    restart,
    extra: [toEnd],
    counter,
  } = stepControls(root, go, setStep, [["All steps", () => setStep(2 * ops().length)]]);
  const controls = el("div", { class: "bp-controls", role: "group", "aria-label": "Inputs" }, root);

  let built = null;
  let sliders = {};
  const ops = () => model.get("spec").map((nd, i) => [nd, i]).filter(([nd]) => nd.op !== "input").map(([, i]) => i);

  function buildView() {
    const spec = model.get("spec");
    figure.replaceChildren();
    controls.replaceChildren();
    const { pos, cols, rows } = layout(spec);
    const W = cols * COL + PAD;
    const H = rows * ROW + PAD;
    const svg = svgRoot(figure, { width: W, height: H, title: "The expression's graph; each box shows a node's value and, in the reverse sweep, its gradient" });
    const marker = nextId("bp-arrow");
    const m = svgEl("marker", { id: marker, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, svgEl("defs", {}, svg));
    svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: "currentColor" }, m);
    const centre = pos.map((p) => ({ x: PAD + p.col * COL + BW / 2, y: PAD + p.row * ROW + BH / 2 }));
    const index = new Map(spec.map((nd, i) => [nd.name, i]));
    const edges = [];
    const edgeG = svgEl("g", {}, svg);
    spec.forEach((nd, i) => {
      for (const a of nd.op === "input" ? [] : nd.args) {
        const p = centre[index.get(a)];
        const q = centre[i];
        const line = svgEl("line", { class: "bp-edge", x1: p.x + BW / 2, y1: p.y, x2: q.x - BW / 2, y2: q.y, "marker-end": `url(#${marker})` }, edgeG);
        edges.push({ line, from: index.get(a), to: i });
      }
    });
    const boxes = spec.map((nd, i) => {
      const { x, y } = centre[i];
      const g = svgEl("g", { class: "bp-node", "data-key": nd.name }, svg);
      svgEl("rect", { x: x - BW / 2, y: y - BH / 2, width: BW, height: BH, rx: 6 }, g);
      const name = svgEl("text", { x, y: y - 12, "text-anchor": "middle", "font-weight": 600 }, g);
      name.textContent = nd.op === "input" ? nd.name : `${nd.name} = ${formula(nd)}`;
      const value = svgEl("text", { x, y: y + 4, "text-anchor": "middle" }, g);
      const grad = svgEl("text", { x, y: y + 20, "text-anchor": "middle", class: "bp-grad" }, g);
      return { g, value, grad };
    });
    const limit = model.get("limit");
    sliders = {};
    for (const nd of spec) {
      if (nd.op !== "input") continue;
      sliders[nd.name] = slider({
        label: nd.name, name: nd.name, min: -limit, max: limit, step: 0.05,
        value: model.get("inputs")[nd.name], parent: controls,
        onInput: (v) => {
          save(model, { inputs: { ...model.get("inputs"), [nd.name]: v } });
          redraw();
        },
      });
    }
    built = { spec, boxes, edges };
  }

  function setStep(s) {
    save(model, { step: s });
    redraw();
  }
  function go(d) {
    const s = model.get("step") + d;
    if (s >= 0 && s <= 2 * ops().length) setStep(s);
  }

  function draw() {
    if (!built || built.spec !== model.get("spec")) buildView();
    const spec = built.spec;
    const order = ops();
    const mOps = order.length;
    const cur = Math.max(0, Math.min(2 * mOps, model.get("step")));
    select.value = model.get("expression");
    let sw;
    try {
      sw = sweep(spec, model.get("inputs"));
    } catch (e) {
      stepLine.set(`Cannot compute: ${e.message}`);
      return;
    }
    const known = new Set(spec.map((nd, i) => (nd.op === "input" ? i : -1)));
    for (let k = 0; k < Math.min(cur, mOps); k++) known.add(order[k]);
    const j = Math.max(0, cur - mOps);
    const active = cur === 0 ? -1 : cur <= mOps ? order[cur - 1] : order[mOps - j];
    built.boxes.forEach((b, i) => {
      b.value.textContent = known.has(i) ? `value ${fmt(sw.data[i], DIGITS)}` : "";
      b.grad.textContent = cur > mOps ? `grad ${fmt(sw.grads[j][i], DIGITS)}` : "";
      b.g.classList.toggle("bp-active", i === active);
      b.g.dataset.value = String(sw.data[i]);
      b.g.dataset.grad = String(sw.grads[j][i]);
    });
    for (const e of built.edges) {
      const on = e.to === active;
      e.line.classList.toggle("bp-active", on);
      e.line.classList.toggle("bp-back", on && cur > mOps);
    }
    stepLine.set(stepText(spec, order, cur, sw));
    stepLine.node.dataset.step = String(cur);
    counter.textContent = `${cur} / ${2 * mOps}`;
    back.setAttribute("aria-disabled", String(cur === 0));
    next.setAttribute("aria-disabled", String(cur === 2 * mOps));
    toEnd.setAttribute("aria-disabled", String(cur === 2 * mOps));
  }
  const redraw = onFrame(root, draw);
  const sync = () => {
    if (built && built.spec === model.get("spec")) {
      for (const [name, s] of Object.entries(sliders)) s.set(model.get("inputs")[name]);
    }
    redraw();
  };
  const unbind = bindModel(model, ["spec", "inputs", "step", "expression"], sync);
  restart.setAttribute("aria-label", "Restart: back to the inputs");
  redraw.now();
  return () => {
    redraw.cancel();
    unbind();
  };
}

export default { render };
