// The exercise widget's front end. It checks answers in the browser from the saved widget
// state alone, with no kernel, by the same rules as the Python side (answers.js for numbers
// and picked lines, formula.js for formulas), for four kinds of exercise:
//   number   a box for one or more numbers;
//   formula  a box for a formula, shown as it was understood while the student types;
//   bug      a numbered listing: the student picks the wrong line (mouse, touch or keyboard);
//   code     the task and its starter code, and how to run the check in a notebook.
// The question and solution arrive as HTML with MathML, made in Python from the library's
// own text with raw HTML escaped (backprop/widgets/markup.py): browsers render MathML
// natively, so the math reads the same in every notebook host and on the static site.
import { CHECKED_IN_CLASS, checkAnswer, checkBug } from "./answers.js";
import { checkFormula, parseFormula, toMathML } from "./formula.js";

export { MAX_CHARS, checkAnswer, checkBug, parseAnswer } from "./answers.js";
export { checkFormula, evaluate, parseFormula, samplePoints, toMathML } from "./formula.js";

function html(className, markup) {
  const div = document.createElement("div");
  div.className = className;
  div.innerHTML = markup || "";
  return div;
}

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(className, text) {
  const b = make("button", className, text);
  b.type = "button";
  return b;
}

let uid = 0;
function newId(prefix) {
  uid += 1;
  return `${prefix}-${uid}-${Math.random().toString(36).slice(2, 8)}`;
}

// The verdict on `value` by the kind's rules; the student edition carries no answer.
function verdictOf(model, value) {
  const kind = model.get("kind");
  const spec = model.get("spec") || {};
  if (kind === "bug") {
    if (!spec.bug) return { verdict: "", message: CHECKED_IN_CLASS };
    return checkBug(value, spec.bug, spec.listing.length, spec.notes);
  }
  if (kind === "formula") {
    if (!spec.formula) return { verdict: "", message: CHECKED_IN_CLASS };
    return checkFormula(value, spec.formula, spec.variables, model.get("rtol"), model.get("atol"));
  }
  const answer = model.get("answer");
  if (answer.length === 0) return { verdict: "", message: CHECKED_IN_CLASS };
  return checkAnswer(value, answer, model.get("rtol"), model.get("atol"));
}

// The box for a typed answer (numbers or a formula), with Check and Hint.
function answerBox(model, onCheck, hint) {
  const kind = model.get("kind");
  const label = make("label", "bp-exercise-prompt", model.get("prompt"));
  const row = make("div", "bp-exercise-row");
  const input = make("input", "bp-exercise-input");
  input.type = "text";
  input.value = model.get("value");
  input.setAttribute("aria-label", model.get("prompt"));
  input.setAttribute("autocomplete", "off");
  input.spellcheck = false;
  if (kind === "formula") input.placeholder = "e.g. 2*x*cos(x^2)";
  else input.placeholder = model.get("size") === 1 ? "e.g. 0.5 or 1/2" : "e.g. 1, -2, 3";
  input.id = newId("bp-ex");
  label.htmlFor = input.id;
  const check = button("bp-exercise-check", "Check");
  row.append(input, check, hint);
  const parts = [label, row];
  let preview = null;
  if (kind === "formula") {
    // The formula as it was understood, redrawn as the student types (2/3x reads (2/3)·x).
    preview = make("div", "bp-formula-preview");
    preview.id = newId("bp-fp");
    input.setAttribute("aria-describedby", preview.id);
    parts.push(preview);
  }
  function showPreview() {
    if (!preview) return;
    const text = input.value;
    if (text.trim() === "") {
      preview.replaceChildren(make("span", "bp-formula-note", "Your formula will show here as it was read."));
      preview.dataset.state = "empty";
      return;
    }
    const variables = (model.get("spec") || {}).variables || [];
    const parsed = parseFormula(text, variables);
    if (parsed.error) {
      preview.replaceChildren(make("span", "bp-formula-note", parsed.error));
      preview.dataset.state = "error";
    } else {
      const read = make("span", "bp-formula-note", "Read as: ");
      const math = make("span", "bp-formula-math");
      math.innerHTML = toMathML(parsed.tree, variables);
      preview.replaceChildren(read, math);
      preview.dataset.state = "ok";
    }
  }
  check.addEventListener("click", () => onCheck(input.value));
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") onCheck(input.value);
  });
  input.addEventListener("input", showPreview);
  model.on("change:value", () => {
    if (input.value !== model.get("value")) {
      input.value = model.get("value");
      showPreview();
    }
  });
  showPreview();
  return parts;
}

// The listing with one wrong line: each line is a button in a group that arrow keys move
// through (one Tab stop); clicking, tapping, Enter or Space picks the line and checks it.
function listing(model, onCheck) {
  const spec = model.get("spec") || {};
  const lines = spec.listing || [];
  const label = make("div", "bp-exercise-prompt", model.get("prompt"));
  label.id = newId("bp-bl");
  const list = make("ol", "bp-bug-listing");
  list.setAttribute("aria-labelledby", label.id);
  const buttons = lines.map((text, i) => {
    const li = make("li", "bp-bug-item");
    const b = button("bp-bug-line");
    b.dataset.line = String(i + 1);
    b.setAttribute("aria-pressed", "false");
    b.tabIndex = i === 0 ? 0 : -1;
    // The name a screen reader says is the visible text with "Line" before it ("Line 3
    // dW = ..."), so what is seen is what is heard (no aria-label that differs from it).
    const num = make("span", "bp-bug-num");
    num.append(make("span", "bp-sr", "Line "), String(i + 1));
    const code = make("code", "bp-bug-code", text.trim() === "" ? " " : text);
    b.append(num, code);
    b.addEventListener("click", () => onCheck(String(i + 1)));
    b.addEventListener("keydown", (e) => {
      const to = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: lines.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      const j = Math.max(0, Math.min(lines.length - 1, to));
      buttons[i].tabIndex = -1;
      buttons[j].tabIndex = 0;
      buttons[j].focus();
    });
    li.append(b);
    list.append(li);
    return b;
  });
  function mark() {
    const picked = Number(model.get("value")) || 0;
    const verdict = model.get("verdict");
    buttons.forEach((b, i) => {
      const on = i + 1 === picked;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      if (on && verdict) b.dataset.verdict = verdict;
      else delete b.dataset.verdict;
    });
  }
  model.on("change:value", mark);
  model.on("change:verdict", mark);
  mark();
  return [label, list];
}

// A code exercise: the task's starter code, the tests, and how to run them.
function codeTask(model) {
  const spec = model.get("spec") || {};
  const box = make("div", "bp-code-task");
  box.append(make("div", "bp-exercise-prompt", model.get("prompt")));
  const pre = make("pre", "bp-code-template");
  pre.append(make("code", "", spec.template || ""));
  box.append(pre);
  const tests = spec.tests || [];
  if (tests.length) {
    box.append(make("div", "bp-code-tests-title", `The check runs ${tests.length} tests:`));
    const ul = make("ul", "bp-code-tests");
    for (const t of tests) ul.append(make("li", "", t));
    box.append(ul);
  }
  const how = make("p", "bp-code-how");
  const call = make("code", "", spec.call || "");
  how.append(
    `Complete ${spec.function || "the function"}() in the code cell below and run the cell after it, `,
    call,
    `. ${spec.where || ""}`,
  );
  box.append(how);
  return [box];
}

function render({ model, el }) {
  const kind = model.get("kind") || "number";
  const root = make("div", "bp-exercise");
  root.dataset.kind = kind;
  const question = html("bp-exercise-question", model.get("question_html"));
  const feedback = make("div", "bp-exercise-feedback");
  feedback.setAttribute("role", "status");
  feedback.setAttribute("aria-live", "polite");
  const explanation = html("bp-exercise-explanation", "");
  const hints = make("ul", "bp-exercise-hints");
  const hint = button("bp-exercise-hint", "Hint");

  function refresh() {
    const verdict = model.get("verdict");
    feedback.textContent = model.get("message");
    feedback.dataset.verdict = verdict;
    const spec = model.get("spec") || {};
    // A found bug is explained at once (the book edition carries the explanation).
    explanation.innerHTML = kind === "bug" && verdict === "correct" ? spec.explanation || "" : "";
    const all = model.get("hints");
    const n = Math.min(model.get("hints_shown"), all.length);
    hints.replaceChildren(...all.slice(0, n).map((h) => make("li", "", h)));
    hint.disabled = n >= all.length;
    hint.textContent = all.length === 0 ? "No hints" : n >= all.length ? "No more hints" : "Hint";
  }

  function onCheck(value) {
    const r = verdictOf(model, value);
    model.set("value", value);
    model.set("verdict", r.verdict);
    model.set("message", r.message);
    model.set("checks", model.get("checks") + 1);
    model.save_changes();
    refresh();
  }

  hint.addEventListener("click", () => {
    model.set("hints_shown", model.get("hints_shown") + 1);
    model.save_changes();
    refresh();
  });
  model.on("change:message", refresh);
  model.on("change:verdict", refresh);
  model.on("change:hints_shown", refresh);

  if (model.get("title")) root.append(make("div", "bp-exercise-title", model.get("title")));
  root.append(question);
  if (kind === "code") {
    root.append(...codeTask(model));
  } else if (kind === "bug") {
    const row = make("div", "bp-exercise-row");
    row.append(hint);
    root.append(...listing(model, onCheck), row, feedback, explanation);
  } else {
    root.append(...answerBox(model, onCheck, hint), feedback);
  }
  if (kind !== "code" || model.get("hints").length) {
    if (kind === "code") root.append(hint);
    root.append(hints);
  }
  // The worked solution, closed until the student opens it (the student edition has none).
  const solution = model.get("solution_html");
  if (solution) {
    const details = make("details", "bp-exercise-solution");
    details.append(make("summary", "", "Show the solution"), html("bp-exercise-solution-body", solution));
    root.append(details);
  }
  el.append(root);
  refresh();
}

export default { render };
