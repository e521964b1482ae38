// Typed formulas in the browser: read, evaluate and check them by the rules of
// lib/backprop/exercises/formula.py, rule for rule (tests/exercises/formula_cases.json holds
// both to the same trees, verdicts and messages). The grammar is formula.lark, shared: Python
// parses with lark, this file with the LALR parser lark-js generated from the same grammar
// (formula_parser.js; `make formula-parser` regenerates it). Both sides first cut the text
// into tokens with the same hand-written scanner, check the brackets, resolve the names and
// give the grammar a canonical text (`2ω₃·σ′(z)²` -> `2 $0 * sigma' ( $1 ) @2`), so both
// report errors at the same character. Implicit products have the precedence of * and /,
// left to right: 2/3x is (2/3)·x, which toMathML shows. Variables are Variable.to_json()
// dicts: {name, latex, aliases, lo, hi, mathml, text}.
import { get_parser } from "./formula_parser.js";

export const POINTS = 20;
export const SEED = 20261130;
export const MIN_POINTS = 5;
export const MAX_NESTING = 50;
export const MAX_DEPTH = 200;
export const MAX_CHARS = 1000;
export const FUNCTIONS = [
  "sin", "cos", "tan", "exp", "log", "sqrt", "abs", "sigma", "relu", "tanh", "sigma'", "tanh'", "relu'",
];
export const FUNCTION_ALIASES = { "σ": "sigma", "σ'": "sigma'", ln: "log", ReLU: "relu", "ReLU'": "relu'" };
const CONSTANTS = { pi: "pi", "π": "pi", e: "e" };
// answers.py's _WS, spelled out.
const SPACES = new Set(
  Array.from("\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff").concat(
    Array.from({ length: 11 }, (_, k) => String.fromCodePoint(0x2000 + k)),
  ),
);
const SUBSCRIPTS = Object.fromEntries(Array.from({ length: 10 }, (_, d) => [String.fromCodePoint(0x2080 + d), String(d)]));
const OPERATORS = {
  "+": "+", "-": "-", "\u2212": "-", "*": "*", "\u00b7": "*", "\u22c5": "*", "\u00d7": "*",
  "/": "/", "\u00f7": "/", "^": "^", "(": "(", ")": ")", "[": "(", "]": ")", "\u00b2": "@2", "\u00b3": "@3",
};
const OPEN = { "(": ")", "[": "]" };
const CLOSE = { ")": "(", "]": "[" };
const PRIMES = ["'", "\u2032"];
const SHOW = 20;
const END = "The formula stops too early: something is missing at its end.";
export const UNDEFINED =
  "Your formula is undefined at most points of this question " +
  "(a division by zero or the log of a negative number?).";

class FormulaError extends Error {}

const show = (chars) => (chars.length <= SHOW ? chars.join("") : chars.slice(0, SHOW).join("") + "…");

function unreadable(chars, start) {
  let end = chars.length;
  while (end > start && SPACES.has(chars[end - 1])) end -= 1;
  return `I could not read the formula from "${show(chars.slice(start, end))}" on (character ${start + 1}).`;
}

const normal = (name) => Array.from(name, (c) => SUBSCRIPTS[c] ?? c).join("").replaceAll("\u2032", "'");

function isLetter(c) {
  if (c === undefined) return false;
  const o = c.codePointAt(0);
  return (
    (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (o >= 0x391 && o <= 0x3a9 && o !== 0x3a2) ||
    (o >= 0x3b1 && o <= 0x3c9) || o === 0x3d1 || o === 0x3d5 || o === 0x3f5
  );
}

const isDigit = (c) => c !== undefined && c >= "0" && c <= "9" && c.length === 1;

/** [kind, text, start, end] for each token: kind "num", "name" or "op" (canonical text). */
function tokens(chars) {
  const out = [];
  const n = chars.length;
  let i = 0;
  while (i < n) {
    const c = chars[i];
    if (SPACES.has(c)) {
      i += 1;
    } else if (isDigit(c) || (c === "." && isDigit(chars[i + 1]))) {
      let j = i;
      while (isDigit(chars[j])) j += 1;
      if (chars[j] === ".") {
        j += 1;
        while (isDigit(chars[j])) j += 1;
      }
      if (chars[j] === "e" || chars[j] === "E") {
        let k = j + 1;
        if (chars[k] === "+" || chars[k] === "-") k += 1;
        if (isDigit(chars[k])) {
          while (isDigit(chars[k])) k += 1;
          j = k;
        }
      }
      out.push(["num", chars.slice(i, j).join(""), i, j]);
      i = j;
    } else if (isLetter(c)) {
      let j = i + 1;
      while (j < n && (isLetter(chars[j]) || isDigit(chars[j]) || chars[j] === "_" || chars[j] in SUBSCRIPTS)) j += 1;
      if (j < n && PRIMES.includes(chars[j])) j += 1;
      out.push(["name", chars.slice(i, j).join(""), i, j]);
      i = j;
    } else if (c === "*" && chars[i + 1] === "*") {
      out.push(["op", "^", i, i + 2]);
      i += 2;
    } else if (Object.hasOwn(OPERATORS, c)) {
      out.push(["op", OPERATORS[c], i, i + 1]);
      i += 1;
    } else {
      throw new FormulaError(unreadable(chars, i));
    }
  }
  return out;
}

function brackets(chars) {
  const stack = [];
  for (const c of chars) {
    if (Object.hasOwn(OPEN, c)) {
      stack.push(c);
      if (stack.length > MAX_NESTING) {
        throw new FormulaError(
          `The formula is nested too deeply: at most ${MAX_NESTING} brackets inside each other.`,
        );
      }
    } else if (Object.hasOwn(CLOSE, c)) {
      if (!stack.length || stack[stack.length - 1] !== CLOSE[c]) {
        throw new FormulaError(`There is a ${c} with no ${CLOSE[c]} before it.`);
      }
      stack.pop();
    }
  }
  if (stack.length) throw new FormulaError(`A ${stack[stack.length - 1]} is never closed.`);
}

const and = (items) => (items.length === 1 ? items[0] : items.slice(0, -1).join(", ") + " and " + items[items.length - 1]);
const shown = (v) => ((v.text ?? v.name) === v.name ? v.name : `${v.text} (${v.name})`);

function unknown(typed, variables) {
  let where;
  if (!variables.length) where = "this question has no variables";
  else if (variables.length === 1) where = `the only variable is ${shown(variables[0])}`;
  else where = "the variables are " + and(variables.map(shown));
  return `There is no \`${typed}\` in this question; ${where}.`;
}

function canonical(chars, variables) {
  const names = new Map();
  variables.forEach((v, index) => {
    for (const spelling of [v.name, ...(v.aliases ?? [])]) {
      const key = normal(spelling);
      if (!names.has(key)) names.set(key, index);
    }
  });
  const toks = tokens(chars);
  const pieces = [];
  const starts = [];
  toks.forEach(([kind, tok, start, end], k) => {
    const nxt = k + 1 < toks.length ? toks[k + 1][1] : "";
    // "(" right after a name, no space between: a call.
    const call = nxt === "(" && toks[k + 1][2] === end;
    let piece = tok;
    if (kind === "name") {
      const key = normal(tok);
      if (names.has(key)) {
        if (call) throw new FormulaError(`\`${tok}\` is a variable, not a function: write ${tok}*(…) to multiply.`);
        piece = `$${names.get(key)}`;
      } else if (FUNCTIONS.includes(key) || Object.hasOwn(FUNCTION_ALIASES, key)) {
        if (nxt !== "(") throw new FormulaError(`\`${tok}\` is a function: write its argument in brackets, ${tok}(…).`);
        piece = FUNCTION_ALIASES[key] ?? key;
      } else if (Object.hasOwn(CONSTANTS, key)) {
        piece = "#" + CONSTANTS[key];
      } else {
        throw new FormulaError(unknown(tok, variables));
      }
    }
    pieces.push(piece);
    starts.push(start);
  });
  return [pieces, starts];
}

let parser = null;

function toTree(node, variables, depth) {
  if (depth > MAX_DEPTH) throw new FormulaError("The formula is nested too deeply to read.");
  const kind = node.data;
  const kids = node.children;
  if (kind === "num") return ["num", Number(kids[0].value)];
  if (kind === "var") return ["var", variables[Number(kids[0].value.slice(1))].name];
  if (kind === "const") return ["const", kids[0].value.slice(1)];
  if (kind === "call") return ["call", kids[0].value, toTree(kids[1], variables, depth + 1)];
  if (kind === "square" || kind === "cube") {
    return ["pow", toTree(kids[0], variables, depth + 1), ["num", kind === "square" ? 2 : 3]];
  }
  return [kind, ...kids.filter((k) => k.data !== undefined).map((k) => toTree(k, variables, depth + 1))];
}

/** Read a typed formula over `variables`: {tree} or {error}; never throws. */
export function parseFormula(text, variables) {
  const chars = Array.from(String(text ?? ""));
  if (chars.every((c) => SPACES.has(c))) return { error: "Type a formula first." };
  if (chars.length > MAX_CHARS) return { error: `That is too long: type at most ${MAX_CHARS} characters.` };
  try {
    brackets(chars);
    const [pieces, starts] = canonical(chars, variables);
    const offsets = new Map();
    let pos = 0;
    pieces.forEach((piece, k) => {
      offsets.set(pos, starts[k]);
      pos += piece.length + 1;
    });
    parser ??= get_parser();
    let tree;
    try {
      tree = parser.parse(pieces.join(" "));
    } catch (e) {
      if (e.token && e.token.type === "$END") throw new FormulaError(END);
      if (e.token && offsets.has(e.token.start_pos)) throw new FormulaError(unreadable(chars, offsets.get(e.token.start_pos)));
      if (e.constructor?.name === "UnexpectedEOF") throw new FormulaError(END);
      throw new FormulaError(unreadable(chars, offsets.get(e.pos_in_stream) ?? 0));
    }
    return { tree: toTree(tree, variables, 0) };
  } catch (e) {
    if (e instanceof FormulaError) return { error: e.message };
    throw e;
  }
}

// ---- evaluation ----------------------------------------------------------------------

const sigma = (z) => 1 / (1 + Math.exp(-z));
const CALLS = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  tanh: Math.tanh,
  sigma,
  relu: (z) => (z > 0 || z !== z ? z : 0),
  "sigma'": (z) => sigma(z) * (1 - sigma(z)),
  "tanh'": (z) => 1 - Math.tanh(z) * Math.tanh(z),
  "relu'": (z) => (z !== z ? z : z > 0 ? 1 : 0),
};

function pow(a, b) {
  // Math.pow and C's pow (numpy) differ only here: make both NaN.
  if (a !== a || b !== b || (Math.abs(a) === 1 && !Number.isFinite(b))) return NaN;
  return Math.pow(a, b);
}

/** The value of a tree at `values` (name -> number): NaN or ±Infinity where undefined. */
export function evaluate(t, values) {
  switch (t[0]) {
    case "num":
      return t[1];
    case "var":
      return values[t[1]];
    case "const":
      return t[1] === "pi" ? Math.PI : Math.E;
    case "neg":
      return -evaluate(t[1], values);
    case "call":
      return CALLS[t[1]](evaluate(t[2], values));
  }
  const a = evaluate(t[1], values);
  const b = evaluate(t[2], values);
  switch (t[0]) {
    case "add":
      return a + b;
    case "sub":
      return a - b;
    case "mul":
      return a * b;
    case "div":
      return a / b;
    default:
      return pow(a, b);
  }
}

// ---- points and the check ------------------------------------------------------------

/** n draws of mulberry32 (the same integer steps as formula.py's uniforms and depth.js). */
export function uniforms(seed, n) {
  let a = seed >>> 0;
  const out = [];
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a) >>> 0;
    t = ((t + (Math.imul(t ^ (t >>> 7), 61 | t) >>> 0)) >>> 0) ^ t;
    out.push(((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** n random points, x = lo + (hi - lo) u, draws taken point by point, variables in order. */
export function samplePoints(variables, n = POINTS, seed = SEED) {
  const m = variables.length;
  const u = uniforms(seed, n * m);
  return Array.from({ length: n }, (_, k) =>
    Object.fromEntries(variables.map((v, j) => [v.name, v.lo + (v.hi - v.lo) * u[k * m + j]])),
  );
}

/** c with at most 4 significant digits (halves away from zero), as formula.py's format_factor. */
export function formatFactor(c) {
  if (c === 0) return "0";
  if (!Number.isFinite(c)) return String(c);
  const s = Math.abs(c).toPrecision(4);
  let body;
  if (s.includes("e")) {
    const [mant, e] = s.split("e");
    body = `${mant.replace(/0+$/, "").replace(/\.$/, "")}e${Number(e)}`;
  } else {
    body = s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
  }
  return (c < 0 ? "-" : "") + body;
}

const close = (x, a, rtol, atol) => Math.abs(x - a) <= atol + rtol * Math.abs(a);

/** The verdict on a typed formula against the formula `answer`: {verdict, message}. */
export function checkFormula(text, answer, variables, rtol = 1e-6, atol = 1e-9) {
  const target = parseFormula(answer, variables);
  if (target.tree === undefined) throw new Error(`the answer formula ${JSON.stringify(answer)} does not read: ${target.error}`);
  const attempt = parseFormula(text, variables);
  if (attempt.tree === undefined) return { verdict: "invalid", message: attempt.error };
  const pairs = [];
  for (const p of samplePoints(variables)) {
    const x = evaluate(attempt.tree, p);
    const a = evaluate(target.tree, p);
    if (Number.isFinite(x) && Number.isFinite(a)) pairs.push([x, a]);
  }
  if (pairs.length < MIN_POINTS) return { verdict: "invalid", message: UNDEFINED };
  if (pairs.every(([x, a]) => close(x, a, rtol, atol))) return { verdict: "correct", message: "Correct!" };
  const first = pairs.find(([, a]) => Math.abs(a) > 1e-9);
  if (first !== undefined) {
    const c = first[0] / first[1];
    const factor = formatFactor(c);
    if (Math.abs(c) > 1e-9 && pairs.every(([x, a]) => close(x, c * a, rtol, atol))) {
      if (close(c, -1, rtol, atol)) return { verdict: "wrong", message: "Right up to the sign: check the sign." };
      // "1 times the answer" would say nothing.
      if (factor !== "1" && factor !== "-1") return {
        verdict: "wrong",
        message: `Right up to a constant factor: yours is ${factor} times the answer (a missing 2, 1/2 or 1/n?).`,
      };
    }
  }
  return { verdict: "wrong", message: "Not quite: your formula differs from the answer. Try again." };
}

// ---- the live preview ----------------------------------------------------------------

const LEVEL = { add: 1, sub: 1, mul: 2, div: 5, neg: 3, pow: 4 };
const MATH_CALLS = {
  sigma: "<mi>σ</mi>",
  "sigma'": "<msup><mi>σ</mi><mo>′</mo></msup>",
  "tanh'": '<msup><mi mathvariant="normal">tanh</mi><mo>′</mo></msup>',
  "relu'": '<msup><mi mathvariant="normal">relu</mi><mo>′</mo></msup>',
};
const paren = (s) => `<mrow><mo>(</mo>${s}<mo>)</mo></mrow>`;

function mathNumber(x) {
  const s = String(x);
  if (!s.includes("e")) return `<mn>${s}</mn>`;
  const [m, e] = s.split("e");
  return `<mrow><mn>${m}</mn><mo>×</mo><msup><mn>10</mn><mn>${Number(e)}</mn></msup></mrow>`;
}

// A minus sign right after an operator is bracketed: a · (−b), a + (−b), −(−b).
const after = (u, need) => (u[0] === "neg" ? 4 : need);

function mathml(t, mls, need) {
  const kind = t[0];
  let level = LEVEL[kind] ?? 5;
  let s;
  if (kind === "num") {
    s = mathNumber(t[1]);
    if (s.startsWith("<mrow>")) level = 2;
  } else if (kind === "var") {
    s = mls[t[1]];
  } else if (kind === "const") {
    s = t[1] === "pi" ? "<mi>π</mi>" : "<mi>e</mi>";
  } else if (kind === "call") {
    const arg = mathml(t[2], mls, 0);
    if (t[1] === "sqrt") s = `<msqrt>${arg}</msqrt>`;
    else if (t[1] === "abs") s = `<mrow><mo>|</mo>${arg}<mo>|</mo></mrow>`;
    else s = `<mrow>${MATH_CALLS[t[1]] ?? `<mi mathvariant="normal">${t[1]}</mi>`}<mo>&#x2061;</mo>${paren(arg)}</mrow>`;
  } else if (kind === "neg") {
    s = `<mrow><mo>−</mo>${mathml(t[1], mls, after(t[1], 3))}</mrow>`;
  } else if (kind === "add" || kind === "sub") {
    s = `<mrow>${mathml(t[1], mls, 1)}<mo>${kind === "add" ? "+" : "−"}</mo>${mathml(t[2], mls, after(t[2], 2))}</mrow>`;
  } else if (kind === "mul") {
    s = `<mrow>${mathml(t[1], mls, 2)}<mo>·</mo>${mathml(t[2], mls, after(t[2], 3))}</mrow>`;
  } else if (kind === "div") {
    s = `<mfrac>${mathml(t[1], mls, 0)}${mathml(t[2], mls, 0)}</mfrac>`;
  } else {
    s = `<msup>${mathml(t[1], mls, 5)}${mathml(t[2], mls, 0)}</msup>`;
  }
  return level < need ? paren(s) : s;
}

/** A <math> string showing the tree as it was read: fractions, powers, products with ·. */
export function toMathML(tree, variables) {
  const mls = Object.fromEntries(variables.map((v) => [v.name, v.mathml ?? `<mi>${v.name}</mi>`]));
  return `<math display="inline">${mathml(tree, mls, 0)}</math>`;
}
