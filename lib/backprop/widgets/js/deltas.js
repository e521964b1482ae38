// Chapter 6's explorer: every delta and gradient of a small network for one sample. Sliders
// move the targets and one picked weight or bias; at every move the browser reruns the
// forward and backward passes (numerics.js, the formulas of backprop.Network) and redraws:
// the units coloured by their delta δ = ∂L/∂z, a table of every unit's z, f'(z), ∂L/∂a, δ and
// how far δ moved from the start, and a table of every parameter's gradient
// ∂L/∂W_ij = a_i δ_j, ∂L/∂b_j = δ_j. The Python side (widgets/deltas.py) computes the same.
import { scaleLinear } from "d3-scale";
import { ACTIVATIONS } from "./numerics.js";
import { netOf, networkState, networkView, numberTable, parseKey, setNumber, sizesOf } from "./netview.js";
import { el, fmt } from "./ui.js";

const SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const sup = (n) => `⁽${String(n).replace(/\d/g, (d) => SUP[+d])}⁾`;

/** Both passes for the traits' state (the tests compare them with DeltaExplorer). */
export const deltaState = networkState;

function render({ model, el: host }) {
  const sizes = sizesOf(netOf(model));
  const L = sizes.length - 1;
  const initial = model.get("initial");
  const start = deltaState(
    { W: initial.weights, b: initial.biases, activations: model.get("activations") },
    initial.x,
    initial.t,
    model.get("loss_name"),
  );
  const unitName = (l, i) =>
    l === 0 ? `x${i + 1}` : l === L ? (sizes[L] === 1 ? "y" : `y${i + 1}`) : L === 2 ? `h${i + 1}` : `h${l}.${i + 1}`;
  const view = networkView(model, host, {
    name: "deltas",
    title: "Delta explorer",
    controls: {
      group: "Targets and a parameter",
      name: "t",
      label: (k) => (sizes[L] === 1 ? "t" : `t${k + 1}`),
      min: Math.min(0, ...initial.t),
      max: Math.max(1, ...initial.t),
    },
    figure: {
      minHeight: 220,
      r: 30,
      nameY: 5,
      unitName,
      title: "The network with its deltas: each unit is coloured by its delta, red positive, blue negative, white near 0",
    },
    legend: [
      [
        ["#f4a582", "δ > 0"],
        ["#f7f7f7", "δ near 0"],
        ["#92c5de", "δ < 0"],
      ],
      "inside each unit: its δ; below: its output a",
    ],
  });

  const tables = el("div", { class: "bp-tables" }, view.root);
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

  return view.run((state) => {
    const { net, t, trace, grads, key } = state;
    const all = grads.dz.flatMap((d) => d[0]).map(Math.abs);
    const m = Math.max(1e-12, ...all);
    const color = scaleLinear().domain([-m, 0, m]).range(["#92c5de", "#f7f7f7", "#f4a582"]).clamp(true);
    view.drawWeights(state);
    view.drawUnits(state, (u, l, j) => {
      const d = grads.dz[l - 1][0][j];
      u.circle.setAttribute("fill", color(d));
      u.value.textContent = `δ ${fmt(d, 3)}`;
      u.below.textContent = `${l === L ? "y" : "a"} ${fmt(trace.a[l][0][j], 3)}`;
    });
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
    view.setReadout(
      `Output y = (${y.map((v) => fmt(v, 4)).join(", ")}), target t = (${t.map((v) => fmt(v, 2)).join(", ")}), ` +
        `loss L = ${fmt(grads.loss, 4)}.`,
      y,
      grads.loss,
    );
    const deltas = [];
    for (let l = L; l >= 1; l--) {
      const what = l === L ? "output deltas" : "hidden deltas";
      deltas.push(`${what} δ${sup(l)} = (${grads.dz[l - 1][0].map((v) => fmt(v, 4)).join(", ")})`);
    }
    view.text.set(
      `Output y = (${y.map((v) => fmt(v, 4)).join(", ")}), loss ${fmt(grads.loss, 4)}; ${deltas.join("; ")}.`,
    );
  });
}

export default { render };
