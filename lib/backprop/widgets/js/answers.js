// The answer box's checking rules, the same as Python's: numbers as in
// backprop/exercises/answers.py (`parse_answer`, `check_answer`; tests/exercise_cases.json
// holds the table both must agree on) and a picked line as in backprop/exercises/kinds.py
// (`check_bug`; tests/exercises/bug_cases.json). So an answer is checked in the browser from
// the saved widget state alone, with no kernel.

export const MAX_CHARS = 1000;
// What a student-edition widget says instead of a verdict (exercises/edition.py).
export const CHECKED_IN_CLASS = "Answers are checked in class.";
// Tokens longer than this are shortened in messages.
const SHOW = 20;
// The whitespace trimmed at both ends, spelled out as in exercises/answers.py.
const WS = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const TRIM = new RegExp(`^[${WS}]+|[${WS}]+$`, "gu");

function trim(s) {
  return s.replace(TRIM, "");
}

// Lengths and slices count code points, as Python does.
function show(token) {
  const cps = [...token];
  return cps.length <= SHOW ? token : cps.slice(0, SHOW).join("") + "\u2026";
}
const NUMBER = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

function expected(size) {
  return size === 1 ? "one number" : `${size} numbers separated by commas`;
}

function parseNumber(token) {
  const parts = token.split("/");
  if (parts.length > 2) return { error: `I could not read "${show(token)}" as a number.` };
  const values = [];
  for (const raw of parts) {
    const p = trim(raw);
    if (!NUMBER.test(p)) return { error: `I could not read "${show(token)}" as a number.` };
    values.push(Number(p));
  }
  let v = values[0];
  if (values.length === 2) {
    if (values[1] === 0) return { error: `"${show(token)}" divides by zero.` };
    v = values[0] / values[1];
  }
  if (!Number.isFinite(v)) return { error: `"${show(token)}" is too large to be a sensible answer.` };
  return { value: v };
}

export function parseAnswer(text, size) {
  let s = trim(String(text).replace(/\u2212/g, "-"));
  if ([...s].length > MAX_CHARS) {
    return { error: `That is too long: type ${expected(size)}.` };
  }
  if ((s.startsWith("[") && s.endsWith("]")) || (s.startsWith("(") && s.endsWith(")"))) {
    s = trim(s.slice(1, -1));
  }
  if (s === "") return { error: `Type ${expected(size)} first.` };
  const tokens = s.split(",").map((t) => trim(t));
  if (tokens.length !== size) {
    const got = tokens.length === 1 ? "one number" : `${tokens.length} numbers`;
    return { error: `Expected ${expected(size)}; got ${got}.` };
  }
  const values = [];
  for (const t of tokens) {
    if (t === "") return { error: `There is an empty entry; type ${expected(size)}.` };
    const r = parseNumber(t);
    if (r.error) return r;
    values.push(r.value);
  }
  return { values };
}

function close(x, a, rtol, atol) {
  return Math.abs(x - a) <= atol + rtol * Math.abs(a);
}

export function checkAnswer(text, answer, rtol, atol) {
  const parsed = parseAnswer(text, answer.length);
  if (parsed.error) return { verdict: "invalid", message: parsed.error };
  const xs = parsed.values;
  if (xs.every((x, i) => close(x, answer[i], rtol, atol))) {
    return { verdict: "correct", message: "Correct!" };
  }
  if (answer.some((a) => a !== 0) && xs.every((x, i) => close(-x, answer[i], rtol, atol))) {
    return { verdict: "wrong", message: "Not quite: check the sign." };
  }
  if (answer.length > 1) {
    const bad = xs.map((x, i) => (close(x, answer[i], rtol, atol) ? 0 : i + 1)).filter((i) => i);
    const which = bad.length === 1 ? `entry ${bad[0]} is` : `entries ${bad.join(", ")} are`;
    return { verdict: "wrong", message: `Not quite: ${which} off. Try again.` };
  }
  return { verdict: "wrong", message: "Not quite. Try again." };
}


// A typed line number: "7", "line 7", "L7" (any case), as kinds.py's _LINE (ASCII only, no
// flags: the two regex engines then read it alike).
const LINE = /^(?:[Ll][Ii][Nn][Ee][ \t]*|[Ll][ \t]*)?([0-9]{1,6})$/;

export function checkBug(text, bug, lines, notes) {
  const s = String(text);
  if ([...s].length > MAX_CHARS || trim(s) === "") {
    return { verdict: "invalid", message: "Pick the wrong line first." };
  }
  const m = LINE.exec(trim(s));
  const k = m ? Number(m[1]) : 0;
  if (!(k >= 1 && k <= lines)) {
    return { verdict: "invalid", message: `Give the number of the wrong line, 1 to ${lines}.` };
  }
  if (k === bug) return { verdict: "correct", message: `Correct: line ${k} is the bug.` };
  const note = (notes || {})[String(k)];
  if (note) return { verdict: "wrong", message: `Not line ${k}: ${note}` };
  return { verdict: "wrong", message: `Line ${k} is right. Look again.` };
}
