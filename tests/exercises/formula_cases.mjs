// Runs formula.js on a table of cases and prints the results as JSON, for
// tests/exercises/test_formula_js.py (which compares them with Python's):
//   node tests/exercises/formula_cases.mjs cases.json
// cases.json: {"variables": {set: [Variable.to_json(), ...]}, "cases": [{kind, vars, ...}]}.
// kind "parse": {tree, mathml, values (at "points", if given)} or {error}; "check": {verdict,
// message}; "format": {text}; "eval": {values}. Non-finite numbers are written as strings.
import { readFileSync } from "node:fs";
import { checkFormula, evaluate, formatFactor, parseFormula, toMathML } from "../../lib/backprop/widgets/js/formula.js";

const enc = (x) => (Number.isFinite(x) ? x : Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf");
const { variables, cases } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const t0 = performance.now();
const out = cases.map((c) => {
  const vars = variables[c.vars];
  try {
    if (c.kind === "format") return { text: formatFactor(c.value) };
    if (c.kind === "check") return checkFormula(c.input, c.answer, vars, c.rtol ?? 1e-6, c.atol ?? 1e-9);
    const parsed = parseFormula(c.input, vars);
    if (parsed.error !== undefined) return { error: parsed.error };
    const r = { tree: parsed.tree, mathml: toMathML(parsed.tree, vars) };
    if (c.points) r.values = c.points.map((p) => enc(evaluate(parsed.tree, p)));
    return r;
  } catch (e) {
    return { exception: String(e && e.stack) };
  }
});
process.stdout.write(JSON.stringify({ results: out, ms: performance.now() - t0 }));
