// The graph stepper (chapter 3, and chapter 6's small network): a computational graph for one
// data point, stepped through one arrow at a time: the forward values, then backward pass #1
// (the derivatives of the loss with respect to every value: local derivative × upstream
// gradient), then pass #2 (with respect to the parameters). kind "toy": backprop.ToyModel
// (toyForward / toyBackward); kind "network": backprop.Network (networkForward / networkBackward).
import { ACTIVATIONS, LOSSES, networkBackward, networkForward, toyBackward, toyForward } from "./numerics.js";
import { attrs, bindModel, el, fmt, frame, nextId, onFrame, save, slider, stepControls, svgEl, svgRoot } from "./ui.js";

const SUB = "₀₁₂₃";
const BW = 66;
const BH = 54;
const NARROW = 560; // containers narrower than this get the column layout
const DIGITS = 4;
const sub = (n) => String(n).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[d]);
const sup = (n) => String(n).replace(/\d/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[d]);

// ---- the toy model: a chain x → f₀ → h₁ → … → f₃ → ℓ, with ω_k and β_k feeding f_k --------

const TOY = {
  // Row layout: the chain in row 0, the parameters below; column layout: the chain in the
  // middle column top to bottom, ω_k and β_k to its right.
  size: (vert) => (vert ? [340, 36 * 2 + 8 * 62] : [44 * 2 + 8 * 80, 236]),
  at: (nd, vert) =>
    vert ? { x: nd.row === 0 ? 150 : 250, y: 36 + nd.col * 62 } : { x: 44 + nd.col * 80, y: [62, 176][nd.row] },
  nodes() {
    const out = [{ key: "x", label: "x = h₀", col: 0, row: 0 }];
    for (let k = 0; k < 4; k++) {
      if (k > 0) out.push({ key: `h${k}`, label: `h${SUB[k]}`, col: 2 * k, row: 0 });
      out.push({ key: `f${k}`, label: `f${SUB[k]}`, col: 2 * k + 1, row: 0 });
      out.push({ key: `omega${k}`, label: `ω${SUB[k]}`, col: 2 * k + 0.5, row: 1 });
      out.push({ key: `beta${k}`, label: `β${SUB[k]}`, col: 2 * k + 1.5, row: 1 });
    }
    out.push({ key: "loss", label: "ℓ", col: 8, row: 0 });
    return out;
  },
  edges() {
    const out = [];
    for (let k = 0; k < 4; k++) {
      out.push([k === 0 ? "x" : `h${k}`, `f${k}`]);
      out.push([`omega${k}`, `f${k}`]);
      out.push([`beta${k}`, `f${k}`]);
      out.push([`f${k}`, k < 3 ? `h${k + 1}` : "loss"]);
    }
    return out;
  },
  compute: (model) => graphSteps(model.get("beta"), model.get("omega"), model.get("x"), model.get("y")),
  lossText: (loss) => `the loss is ℓ = (f₃ − y)² = ${fmt(loss, DIGITS)}`,
  title: "The toy model's computational graph; the highlighted arrow is the current step",
  lossName: "ℓ",
  traits: ["beta", "omega", "x", "y", "step"],
  sliders(model, controls, changed) {
    const limit = model.get("limit");
    const out = [];
    for (const name of ["beta", "omega"]) {
      const column = el("div", { class: "bp-column" }, controls);
      for (let k = 0; k < 4; k++) {
        const s = slider({
          label: `${name === "beta" ? "β" : "ω"}${SUB[k]}`,
          name: `${name}_${k}`,
          min: -limit, max: limit, step: 0.05, value: model.get(name)[k], parent: column,
          onInput: (v) => {
            const values = model.get(name).slice();
            values[k] = v;
            changed({ [name]: values });
          },
        });
        out.push(() => s.set(model.get(name)[k]));
      }
    }
    const column = el("div", { class: "bp-column" }, controls);
    for (const name of ["x", "y"]) {
      const s = slider({
        label: name, name, min: -limit, max: limit, step: 0.05, value: model.get(name), parent: column,
        onInput: (v) => changed({ [name]: v }),
      });
      out.push(() => s.set(model.get(name)));
    }
    return out;
  },
};

const ACT = ["sin", "exp", "cos"];
const DACT = ["cos", "exp", "(−sin"];

/**
 * Every step of the stepper, computed from the parameters and the point. Step 0 is the forward
 * pass; then pass #1 (8 arrows, ℓ back to x) and pass #2 (β_k and ω_k for k = 3..0). Each backward
 * step: the node whose gradient it finds, the arrow, the local derivative (its formula and value),
 * the upstream gradient and their product (the tests compare these with ToyModel.backward).
 */
export function graphSteps(beta, omega, x, y) {
  const tr = toyForward(beta, omega, [x]);
  const g = toyBackward(beta, omega, tr, [y]);
  const f = tr.f.map((a) => a[0]);
  const h = tr.h.map((a) => a[0]);
  const dfv = g.dl_df.map((a) => a[0]);
  const dhv = g.dl_dh.map((a) => a[0]);
  const values = { x, loss: g.loss };
  for (let k = 0; k < 4; k++) {
    values[`f${k}`] = f[k];
    if (k > 0) values[`h${k}`] = h[k];
    values[`beta${k}`] = beta[k];
    values[`omega${k}`] = omega[k];
  }
  const localF = [Math.cos(f[0]), Math.exp(f[1]), -Math.sin(f[2])];
  const steps = [{ pass: 0, node: null, edge: null }];
  const hName = (k) => (k === 0 ? "x" : `h${SUB[k]}`);
  const hKey = (k) => (k === 0 ? "x" : `h${k}`);
  steps.push({
    pass: 1, node: "f3", edge: ["f3", "loss"], name: "∂ℓ/∂f₃", localName: "2(f₃ − y)",
    local: 2 * (f[3] - y), upstreamName: "∂ℓ/∂ℓ", upstream: 1, value: dfv[3],
  });
  for (let k = 3; k >= 0; k--) {
    steps.push({
      pass: 1, node: hKey(k), edge: [hKey(k), `f${k}`], name: `∂ℓ/∂${hName(k)}`,
      localName: `ω${SUB[k]}`, local: omega[k], upstreamName: `∂ℓ/∂f${SUB[k]}`, upstream: dfv[k],
      value: dhv[k],
    });
    if (k > 0) {
      steps.push({
        pass: 1, node: `f${k - 1}`, edge: [`f${k - 1}`, `h${k}`], name: `∂ℓ/∂f${SUB[k - 1]}`,
        localName: `${DACT[k - 1]} f${SUB[k - 1]}${k === 3 ? ")" : ""}`, local: localF[k - 1],
        upstreamName: `∂ℓ/∂h${SUB[k]}`, upstream: dhv[k], value: dfv[k - 1],
      });
    }
  }
  for (let k = 3; k >= 0; k--) {
    steps.push({
      pass: 2, node: `beta${k}`, edge: [`beta${k}`, `f${k}`], name: `∂ℓ/∂β${SUB[k]}`,
      localName: "1", local: 1, upstreamName: `∂ℓ/∂f${SUB[k]}`, upstream: dfv[k],
      value: g.dl_dbeta[k],
    });
    steps.push({
      pass: 2, node: `omega${k}`, edge: [`omega${k}`, `f${k}`], name: `∂ℓ/∂ω${SUB[k]}`,
      localName: hName(k), local: h[k], upstreamName: `∂ℓ/∂f${SUB[k]}`, upstream: dfv[k],
      value: g.dl_domega[k],
    });
  }
  return { values, steps, loss: g.loss };
}

// ---- a small dense network: x_i → z⁽ˡ⁾_j → a⁽ˡ⁾_j → … → y_k → L --------------------------------

// Names as the book writes them; with one hidden layer, chapter 6's h_j, w_ij and u_jk.
function unitName(kind, l, j, L) {
  if (kind === "a" && l === 0) return `x${sub(j + 1)}`;
  if (kind === "a" && l === L) return `y${sub(j + 1)}`;
  if (kind === "a" && L === 2) return `h${sub(j + 1)}`;
  return `${kind}⁽${sup(l)}⁾${sub(j + 1)}`;
}
function weightName(l, i, j, L) {
  const ij = `${sub(i + 1)}${sub(j + 1)}`;
  return L === 2 ? `${l === 1 ? "w" : "u"}${ij}` : `W⁽${sup(l)}⁾${ij}`;
}
const LOSS_LOCAL = { half_sse: (k) => `(y${k} − t${k})`, sse: (k) => `2(y${k} − t${k})` };

/**
 * Every step for a network and one sample, as backprop.widgets.graph.network_steps (the tests
 * compare): ∂L/∂y_k; then per layer, back: δ_j = f′(z_j) × ∂L/∂a_j, and ∂L/∂a⁽ˡ⁻¹⁾_i collected
 * one arrow (one term W_ij δ_j) at a time; pass #2: ∂L/∂W_ij = a_i δ_j, ∂L/∂b_j = 1 · δ_j.
 */
export function networkSteps(net, x, t, lossName) {
  const L = net.W.length;
  const tr = networkForward(net, [x]);
  const g = networkBackward(net, tr, [t], lossName);
  const values = { loss: g.loss };
  tr.a.forEach((a, l) => a[0].forEach((v, j) => (values[`a${l}_${j}`] = v)));
  tr.z.forEach((z, l) => z[0].forEach((v, j) => (values[`z${l + 1}_${j}`] = v)));
  const steps = [{ pass: 0, node: null, edge: null }];
  const gy = LOSSES[lossName].grad(tr.a[L], [t])[0];
  gy.forEach((v, k) => {
    const local = LOSS_LOCAL[lossName] ? LOSS_LOCAL[lossName](sub(k + 1)) : `∂L/∂y${sub(k + 1)}`;
    steps.push({
      pass: 1, node: `a${L}_${k}`, edge: [`a${L}_${k}`, "loss"], name: `∂L/∂y${sub(k + 1)}`,
      localName: local, local: v, upstreamName: "∂L/∂L", upstream: 1, value: g.da[L][0][k],
    });
  });
  const acts = typeof net.activations === "string" ? net.W.map(() => net.activations) : net.activations;
  for (let l = L; l >= 1; l--) {
    const act = ACTIVATIONS[acts[l - 1]];
    const z = tr.z[l - 1][0];
    const a = tr.a[l][0];
    z.forEach((zj, j) => {
      const df = act.dfza ? act.dfza(zj, a[j]) : act.df(zj);
      steps.push({
        pass: 1, node: `z${l}_${j}`, edge: [`z${l}_${j}`, `a${l}_${j}`], name: `δ${unitName("z", l, j, L).slice(1)}`,
        localName: `${acts[l - 1]}′(${unitName("z", l, j, L)})`, local: df,
        upstreamName: `∂L/∂${unitName("a", l, j, L)}`, upstream: g.da[l][0][j], value: g.dz[l - 1][0][j],
      });
    });
    if (l > 1) {
      const W = net.W[l - 1];
      const d = g.dz[l - 1][0];
      W.forEach((row, i) => {
        let total = 0;
        row.forEach((wij, j) => {
          const term = wij * d[j];
          total += term;
          steps.push({
            pass: 1, node: `a${l - 1}_${i}`, edge: [`a${l - 1}_${i}`, `z${l}_${j}`],
            name: `∂L/∂${unitName("a", l - 1, i, L)}`, localName: weightName(l, i, j, L),
            local: wij, upstreamName: `δ${unitName("z", l, j, L).slice(1)}`, upstream: d[j],
            value: j === row.length - 1 ? g.da[l - 1][0][i] : total, term, terms: [j + 1, row.length],
          });
        });
      });
    }
  }
  for (let l = L; l >= 1; l--) {
    const aPrev = tr.a[l - 1][0];
    const d = g.dz[l - 1][0];
    d.forEach((dj, j) => {
      aPrev.forEach((ai, i) => {
        steps.push({
          pass: 2, node: null, edge: [`a${l - 1}_${i}`, `z${l}_${j}`],
          name: `∂L/∂${weightName(l, i, j, L)}`, localName: unitName("a", l - 1, i, L), local: ai,
          upstreamName: `δ${unitName("z", l, j, L).slice(1)}`, upstream: dj, value: g.dW[l - 1][i][j],
        });
      });
      steps.push({
        pass: 2, node: null, edge: null, focus: `z${l}_${j}`, name: `∂L/∂b⁽${sup(l)}⁾${sub(j + 1)}`,
        localName: "1", local: 1, upstreamName: `δ${unitName("z", l, j, L).slice(1)}`, upstream: dj,
        value: g.db[l - 1][j],
      });
    });
  }
  return { values, steps, loss: g.loss };
}

function netOf(model) {
  return { W: model.get("weights"), b: model.get("biases"), activations: model.get("activations") };
}

function networkKind(model) {
  const net = netOf(model);
  const sizes = [net.W[0].length, ...net.W.map((w) => w[0].length)];
  const L = net.W.length;
  const rows = Math.max(...sizes);
  const cols = 2 * L + 1;
  const rowOf = (j, n) => j - (n - 1) / 2 + (rows - 1) / 2;
  return {
    size: (vert) => (vert ? [2 * 48 + (rows - 1) * 100, 2 * 40 + cols * 78] : [2 * 50 + cols * 104, 2 * 42 + (rows - 1) * 74]),
    at: (nd, vert) => (vert ? { x: 48 + nd.row * 100, y: 40 + nd.col * 78 } : { x: 50 + nd.col * 104, y: 42 + nd.row * 74 }),
    nodes() {
      const out = [];
      sizes.forEach((n, l) => {
        for (let j = 0; j < n; j++) {
          if (l > 0) out.push({ key: `z${l}_${j}`, label: unitName("z", l, j, L), col: 2 * l - 1, row: rowOf(j, n) });
          out.push({ key: `a${l}_${j}`, label: unitName("a", l, j, L), col: 2 * l, row: rowOf(j, n) });
        }
      });
      out.push({ key: "loss", label: "L", col: cols, row: (rows - 1) / 2 });
      return out;
    },
    edges() {
      const out = [];
      for (let l = 1; l <= L; l++) {
        for (let i = 0; i < sizes[l - 1]; i++) for (let j = 0; j < sizes[l]; j++) out.push([`a${l - 1}_${i}`, `z${l}_${j}`]);
        for (let j = 0; j < sizes[l]; j++) out.push([`z${l}_${j}`, `a${l}_${j}`]);
      }
      for (let k = 0; k < sizes[L]; k++) out.push([`a${L}_${k}`, "loss"]);
      return out;
    },
    compute: (m) => networkSteps(netOf(m), m.get("x"), m.get("t"), m.get("loss_name")),
    lossText: (loss) => `the loss is L = ${fmt(loss, DIGITS)}`,
    title: `The ${sizes.join("-")} network's computational graph; the highlighted arrow is the current step`,
    lossName: "L",
    traits: ["weights", "biases", "activations", "x", "t", "step"],
    sliders(m, controls, changed) {
      const limit = m.get("limit");
      const out = [];
      for (const name of ["x", "t"]) {
        const column = el("div", { class: "bp-column" }, controls);
        m.get(name).forEach((_, k) => {
          const s = slider({
            label: `${name}${sub(k + 1)}`, name: `${name}_${k}`, min: -limit, max: limit, step: 0.05,
            value: m.get(name)[k], parent: column,
            onInput: (v) => {
              const values = m.get(name).slice();
              values[k] = v;
              changed({ [name]: values });
            },
          });
          out.push(() => s.set(m.get(name)[k]));
        });
      }
      return out;
    },
  };
}

/** The explaining line of step s (the browser tests parse it). */
function stepText(s, i, steps, spec, loss) {
  if (s.pass === 0) {
    return (
      `Forward pass: every value is computed from left to right and stored; ` +
      `${spec.lossText(loss)}. Press Next to start backward pass #1.`
    );
  }
  const n1 = steps.filter((t) => t.pass === 1).length;
  const n2 = steps.length - 1 - n1;
  const where = s.pass === 1 ? `Backward pass #1, step ${i} of ${n1}` : `Backward pass #2, step ${i - n1} of ${n2}`;
  const product = `${s.localName} × ${s.upstreamName} = ${fmt(s.local, DIGITS)} × ${fmt(s.upstream, DIGITS)}`;
  if (s.terms) {
    return (
      `${where}: ${s.name} += ${product} = ${fmt(s.term, DIGITS)}; so far ${s.name} = ` +
      `${fmt(s.value, DIGITS)} (term ${s.terms[0]} of ${s.terms[1]}: one per arrow leaving the unit).`
    );
  }
  return `${where}: ${s.name} = ${product} = ${fmt(s.value, DIGITS)} (local derivative × upstream gradient).`;
}

function render({ model, el: host }) {
  const spec = model.get("kind") === "network" ? networkKind(model) : TOY;
  const root = frame(host, { name: "graph", title: "Backward passes, step by step" });
  const [w0, h0] = spec.size(false);
  const svg = svgRoot(el("div", {}, root), { width: w0, height: h0, title: spec.title });
  const marker = nextId("bp-arrow");
  const defs = svgEl("defs", {}, svg);
  const m = svgEl("marker", { id: marker, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, defs);
  svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: "currentColor" }, m);

  // Two layouts: a row (wide containers) and a column (phones), so the text keeps its size.
  const layout = spec.nodes();
  const edgeG = svgEl("g", {}, svg);
  const edgeNodes = {};
  for (const [a, b] of spec.edges()) {
    edgeNodes[`${a}>${b}`] = svgEl("line", { class: "bp-edge", "marker-end": `url(#${marker})` }, edgeG);
  }
  const nodeG = svgEl("g", {}, svg);
  const nodeParts = {};
  for (const nd of layout) {
    const g = svgEl("g", { class: "bp-node", "data-key": nd.key }, nodeG);
    const rect = svgEl("rect", { width: BW, height: BH, rx: 6 }, g);
    const name = svgEl("text", { "text-anchor": "middle", "font-weight": 600 }, g);
    name.textContent = nd.label;
    const value = svgEl("text", { "text-anchor": "middle" }, g);
    const grad = svgEl("text", { "text-anchor": "middle", class: "bp-grad" }, g);
    nodeParts[nd.key] = { g, rect, name, value, grad };
  }
  const localLabel = svgEl("text", { class: "bp-edge-label" }, svg);
  let pos = {};
  let vertical = null;
  function place(vert) {
    if (vert === vertical) return;
    vertical = vert;
    pos = {};
    for (const nd of layout) pos[nd.key] = spec.at(nd, vert);
    const [w, h] = spec.size(vert);
    svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    svg.classList.toggle("bp-figure-narrow", vert);
    for (const nd of layout) {
      const { x, y } = pos[nd.key];
      const p = nodeParts[nd.key];
      attrs(p.rect, { x: x - BW / 2, y: y - BH / 2 });
      attrs(p.name, { x, y: y - 10 });
      attrs(p.value, { x, y: y + 5 });
      attrs(p.grad, { x, y: y + 20 });
    }
    for (const [a, b] of spec.edges()) {
      // From the tail's box edge to the head's box edge, along the line between the centres.
      const p = pos[a];
      const q = pos[b];
      const dx = q.x - p.x;
      const dy = q.y - p.y;
      const t = Math.min(dx ? BW / 2 / Math.abs(dx) : Infinity, dy ? BH / 2 / Math.abs(dy) : Infinity);
      attrs(edgeNodes[`${a}>${b}`], { x1: p.x + t * dx, y1: p.y + t * dy, x2: q.x - t * dx, y2: q.y - t * dy });
    }
  }
  function placeLabel(edge) {
    const p = pos[edge[0]];
    const q = pos[edge[1]];
    if (spec === TOY) {
      const chain = vertical ? p.x === q.x : p.y === q.y;
      if (chain && !vertical) attrs(localLabel, { x: (p.x + q.x) / 2, y: 62 - BH / 2 - 10, "text-anchor": "middle" });
      else if (chain) attrs(localLabel, { x: 150 - BW / 2 - 6, y: (p.y + q.y) / 2 + 4, "text-anchor": "end" });
      else if (vertical) attrs(localLabel, { x: p.x + BW / 2 + 4, y: p.y + 4, "text-anchor": "start" });
      else attrs(localLabel, { x: (p.x + q.x) / 2 + 6, y: (p.y + q.y) / 2 - 6, "text-anchor": "start" });
    } else {
      // On the arrow, a third of the way from its head.
      attrs(localLabel, { x: q.x + (p.x - q.x) / 3, y: q.y + (p.y - q.y) / 3 - 6, "text-anchor": "middle" });
    }
  }
  place(false);

  const { text: stepLine, back, next, restart, counter } = stepControls(root, go, setStep);
  const controls = el("div", { class: "bp-controls", role: "group", "aria-label": "Parameters and data point" }, root);
  const syncers = spec.sliders(model, controls, (values) => {
    save(model, values);
    redraw();
  });

  let nSteps = 1;
  function setStep(s) {
    save(model, { step: s });
    redraw();
  }
  function go(d) {
    const s = model.get("step") + d;
    if (s >= 0 && s < nSteps) setStep(s);
  }

  function draw() {
    const { values, steps, loss } = spec.compute(model);
    nSteps = steps.length;
    const cur = Math.max(0, Math.min(steps.length - 1, model.get("step")));
    const revealed = new Map();
    for (let i = 1; i <= cur; i++) if (steps[i].node) revealed.set(steps[i].node, steps[i].value);
    const s = steps[cur];
    for (const [key, parts] of Object.entries(nodeParts)) {
      parts.value.textContent = fmt(values[key], 3);
      if (key === "loss") parts.grad.textContent = cur > 0 ? `∂${spec.lossName}/∂${spec.lossName} = 1` : "";
      else parts.grad.textContent = revealed.has(key) ? fmt(revealed.get(key), 3) : "";
      parts.g.classList.toggle("bp-active", s.node === key || s.focus === key);
    }
    localLabel.textContent = "";
    for (const [k, line] of Object.entries(edgeNodes)) {
      const active = s.edge !== null && k === `${s.edge[0]}>${s.edge[1]}`;
      line.classList.toggle("bp-active", active);
      if (active) {
        placeLabel(s.edge);
        localLabel.textContent = s.pass === 2 && spec !== TOY ? `= ${fmt(s.value, 3)}` : `× ${fmt(s.local, 3)}`;
      }
    }
    stepLine.set(stepText(s, cur, steps, spec, loss));
    stepLine.node.dataset.step = String(cur);
    stepLine.node.dataset.value = s.pass === 0 ? String(loss) : String(s.value);
    counter.textContent = `${cur} / ${steps.length - 1}`;
    // aria-disabled, not disabled: a disabled button would drop the keyboard focus.
    back.setAttribute("aria-disabled", String(cur === 0));
    next.setAttribute("aria-disabled", String(cur === steps.length - 1));
  }
  const redraw = onFrame(root, draw);
  const fit = () => {
    const narrow = root.clientWidth > 0 && root.clientWidth < NARROW;
    if (narrow !== vertical) {
      place(narrow);
      redraw();
    }
  };
  const resize = typeof ResizeObserver === "function" ? new ResizeObserver(fit) : null;
  if (resize) resize.observe(root);
  const sync = () => {
    for (const f of syncers) f();
    redraw();
  };
  const unbind = bindModel(model, spec.traits, sync);
  restart.setAttribute("aria-label", "Restart: back to the forward pass");
  redraw.now();
  return () => {
    if (resize) resize.disconnect();
    redraw.cancel();
    unbind();
  };
}

export default { render };
