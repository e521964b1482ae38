// The exercise widget's front end: the same parsing and checking rules as
// backprop/exercises/answers.py (`parse_answer`, `check_answer`), so an answer is
// checked in the browser from the saved widget state alone, with no kernel.
// tests/exercise_cases.json holds the table of inputs both must agree on.

export const MAX_CHARS = 1000;
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

// The question and solution arrive as HTML with MathML, made in Python from the library's
// own text with raw HTML escaped (backprop/widgets/markup.py): browsers render MathML
// natively, so the math reads the same in every notebook host and on the static site.
function html(className, markup) {
  const div = document.createElement("div");
  div.className = className;
  div.innerHTML = markup || "";
  return div;
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "bp-exercise";
  const title = document.createElement("div");
  title.className = "bp-exercise-title";
  title.textContent = model.get("title") || "";
  const question = html("bp-exercise-question", model.get("question_html"));
  const label = document.createElement("label");
  label.className = "bp-exercise-prompt";
  label.textContent = model.get("prompt");
  const row = document.createElement("div");
  row.className = "bp-exercise-row";
  const input = document.createElement("input");
  input.type = "text";
  input.className = "bp-exercise-input";
  input.value = model.get("value");
  input.setAttribute("aria-label", model.get("prompt"));
  input.placeholder = model.get("size") === 1 ? "e.g. 0.5 or 1/2" : "e.g. 1, -2, 3";
  const id = `bp-ex-${Math.random().toString(36).slice(2)}`;
  input.id = id;
  label.htmlFor = id;
  const check = document.createElement("button");
  check.type = "button";
  check.className = "bp-exercise-check";
  check.textContent = "Check";
  const hint = document.createElement("button");
  hint.type = "button";
  hint.className = "bp-exercise-hint";
  hint.textContent = "Hint";
  const feedback = document.createElement("div");
  feedback.className = "bp-exercise-feedback";
  feedback.setAttribute("role", "status");
  feedback.setAttribute("aria-live", "polite");
  const hints = document.createElement("ul");
  hints.className = "bp-exercise-hints";

  function refresh() {
    const verdict = model.get("verdict");
    feedback.textContent = model.get("message");
    feedback.dataset.verdict = verdict;
    const all = model.get("hints");
    const n = Math.min(model.get("hints_shown"), all.length);
    hints.replaceChildren(
      ...all.slice(0, n).map((h) => {
        const li = document.createElement("li");
        li.textContent = h;
        return li;
      }),
    );
    hint.disabled = n >= all.length;
    hint.textContent = all.length === 0 ? "No hints" : n >= all.length ? "No more hints" : "Hint";
  }

  function onCheck() {
    // The student edition's widgets carry no answer: nothing to check against.
    const answer = model.get("answer");
    const r =
      answer.length === 0
        ? { verdict: "", message: "Answers are checked in class." }
        : checkAnswer(input.value, answer, model.get("rtol"), model.get("atol"));
    model.set("value", input.value);
    model.set("verdict", r.verdict);
    model.set("message", r.message);
    model.set("checks", model.get("checks") + 1);
    model.save_changes();
    refresh();
  }

  check.addEventListener("click", onCheck);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") onCheck();
  });
  hint.addEventListener("click", () => {
    model.set("hints_shown", model.get("hints_shown") + 1);
    model.save_changes();
    refresh();
  });
  model.on("change:message", refresh);
  model.on("change:verdict", refresh);
  model.on("change:hints_shown", refresh);
  model.on("change:value", () => {
    if (input.value !== model.get("value")) input.value = model.get("value");
  });

  row.append(input, check, hint);
  if (model.get("title")) root.append(title);
  root.append(question, label, row, feedback, hints);
  // The worked solution, closed until the student opens it (the student edition has none).
  const solution = model.get("solution_html");
  if (solution) {
    const details = document.createElement("details");
    details.className = "bp-exercise-solution";
    const summary = document.createElement("summary");
    summary.textContent = "Show the solution";
    details.append(summary, html("bp-exercise-solution-body", solution));
    root.append(details);
  }
  el.append(root);
  refresh();
}

export default { render };
