"""Tests of backprop.exercises.formula (typed formulas) on the shared table
(tests/exercises/formula_cases.json, which formula.js must also pass: test_formula_js.py) and
on seeded random trees: parse(print(tree)) == tree, and to_latex reads in latex2mathml."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import pytest
from backprop.exercises import answers
from backprop.exercises.formula import (
    FUNCTIONS,
    MAX_NESTING,
    POINTS,
    SEED,
    ParsedFormula,
    Variable,
    check_formula,
    evaluate,
    format_factor,
    parse_formula,
    sample_points,
    to_latex,
    uniforms,
)

TABLE = json.loads((Path(__file__).with_name("formula_cases.json")).read_text(encoding="utf-8"))
CASES = TABLE["cases"]
SETS = {
    name: [Variable(**{**d, "aliases": tuple(d.get("aliases", ()))}) for d in rows]
    for name, rows in TABLE["variables"].items()
}
N_RANDOM = 300


def enc(x: float) -> float | str:
    """A number for JSON: non-finite ones as "nan", "inf", "-inf"."""
    return x if math.isfinite(x) else ("nan" if x != x else ("inf" if x > 0 else "-inf"))


def run_python(case: dict[str, Any]) -> dict[str, Any]:
    """What the Python side gives for one case of the table (the node runner's format)."""
    variables = SETS[case["vars"]] if "vars" in case else []
    if case["kind"] == "format":
        return {"text": format_factor(case["value"])}
    if case["kind"] == "check":
        fb = check_formula(case["input"], case["answer"], variables)
        return {"verdict": fb.verdict, "message": fb.message}
    parsed = parse_formula(case["input"], variables)
    if parsed.error is not None:
        return {"error": parsed.error}
    out: dict[str, Any] = {"tree": parsed.tree}
    if "points" in case:
        out["values"] = [enc(evaluate(parsed.tree, p)) for p in case["points"]]
    return out


def expected(case: dict[str, Any]) -> dict[str, Any]:
    """The table's answer for one case."""
    keys = {"format": ["text"], "check": ["verdict", "message"], "eval": ["values"]}
    if case["kind"] == "parse":
        return {k: case[k] for k in ("tree", "error") if k in case}
    if case["kind"] == "eval":
        return {
            "tree": parse_formula(case["input"], SETS[case["vars"]]).tree,
            **{"values": case["values"]},
        }
    return {k: case[k] for k in keys[case["kind"]]}


# ---- the shared table -------------------------------------------------------------------


def test_the_table_covers_the_rules():
    assert len(CASES) >= 80
    assert len({c["note"] for c in CASES}) == len(CASES)  # notes are test ids
    kinds = {c["kind"] for c in CASES}
    assert kinds == {"parse", "check", "format", "eval"}
    messages = {c.get("error") or c.get("message") for c in CASES}
    for needle in [
        "Type a formula first.",
        "A ( is never closed.",
        "There is a ) with no ( before it.",
        "There is no `w4` in this question; the variables are h₂ (h2), f₃ (f3), ω₃ (w3) and y.",
        "Right up to the sign: check the sign.",
        "Not quite: your formula differs from the answer. Try again.",
        "Correct!",
        answers_too_long := f"That is too long: type at most {answers.MAX_CHARS} characters.",
    ]:
        assert needle in messages, needle
    assert answers_too_long
    assert any(m and m.startswith("I could not read the formula from") for m in messages)
    assert any(
        m and m.startswith("Right up to a constant factor: yours is 0.5 times") for m in messages
    )
    assert any(m and m.startswith("Your formula is undefined") for m in messages)
    assert any(m and "nested too deeply" in m for m in messages)
    assert any(m and "is a function" in m for m in messages)
    assert any(m and "is a variable, not a function" in m for m in messages)
    trees = json.dumps([c.get("tree") for c in CASES])
    for f in FUNCTIONS:
        assert f'"call", "{f}"' in trees, f


@pytest.mark.parametrize("case", CASES, ids=[c["note"] for c in CASES])
def test_python_on_the_shared_table(case):
    got = run_python(case)
    want = expected(case)
    if case["kind"] == "eval":
        assert got["values"] == want["values"]
    else:
        assert got == want


def test_parse_never_raises_and_messages_are_short():
    for text in [
        "",
        "(",
        ")",
        "x" * 5000,
        "((((",
        "2**",
        "σ′′(z)",
        "\u0000",
        "😀 x",
        None,
        3,
        "1e999",
    ]:
        r = parse_formula(text, SETS["xy"])
        assert isinstance(r, ParsedFormula)
        assert (r.tree is None) != (r.error is None)
        assert r.error is None or len(r.error) < 200


def test_positions_count_characters_not_utf16_units():
    assert parse_formula("😀 x", SETS["xy"]).error == (
        'I could not read the formula from "😀 x" on (character 1).'
    )
    assert parse_formula("x + 😀", SETS["xy"]).error.endswith("(character 5).")


def test_bracket_nesting_limit_is_exact():
    deep = "(" * MAX_NESTING + "x" + ")" * MAX_NESTING
    assert parse_formula(deep, SETS["xy"]).tree == ["var", "x"]
    assert "nested too deeply" in parse_formula("(" + deep + ")", SETS["xy"]).error
    assert "nested too deeply" in parse_formula("-" * 400 + "x", SETS["xy"]).error


def test_sample_points_follow_the_draws_point_by_point():
    v = SETS["backprop"]
    pts = sample_points(v, 7, 3)
    u = uniforms(3, 7 * len(v))
    assert pts[2]["w3"] == v[2].lo + (v[2].hi - v[2].lo) * u[2 * 4 + 2]
    assert len(sample_points(v)) == POINTS and sample_points(v) == sample_points(v, POINTS, SEED)
    assert all(0.5 <= p[k] < 2.0 for p in pts for k in p)


def test_uniforms_match_the_depth_explorer():
    from backprop.widgets.depth import uniforms as depth_uniforms

    assert uniforms(12345, 50) == list(depth_uniforms(12345, 50))


def test_variable_json_and_plain_text():
    w = SETS["backprop"][2].to_json()
    assert w["text"] == "ω₃" and w["aliases"] == ["omega3", "ω3", "ω_3", "w_3"]
    assert w["mathml"] == "<msub><mi>&#x003C9;</mi><mn>3</mn></msub>"
    assert Variable("q", r"\hat q").text == "q"  # cannot be written plainly: the name


def test_a_bad_answer_formula_raises_a_clear_error():
    with pytest.raises(ValueError, match="answer formula"):
        check_formula("x", "x +", SETS["xy"])


# ---- random trees -----------------------------------------------------------------------

SPELL = {"sigma": ["sigma", "σ"], "sigma'": ["sigma'", "σ'", "σ′"], "log": ["log", "ln"]}


def random_tree(r: random.Random, names: list[str], depth: int = 0) -> list[Any]:
    """A random formula tree (numbers non-negative, as parsing makes them)."""
    if depth > 4 or r.random() < 0.3:
        k = r.random()
        if k < 0.45:
            return ["var", r.choice(names)]
        if k < 0.9:
            return [
                "num",
                r.choice([float(r.randint(0, 9)), round(r.uniform(0, 5), 3), 1e-3, 2.5e7]),
            ]
        return ["const", r.choice(["pi", "e"])]
    kind = r.choice(["add", "sub", "mul", "div", "pow", "neg", "call", "call"])
    if kind == "neg":
        return ["neg", random_tree(r, names, depth + 1)]
    if kind == "call":
        return ["call", r.choice(FUNCTIONS), random_tree(r, names, depth + 1)]
    if kind == "pow" and r.random() < 0.3:
        return ["pow", random_tree(r, names, depth + 1), ["num", 2.0]]
    return [kind, random_tree(r, names, depth + 1), random_tree(r, names, depth + 1)]


LEVEL = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}


def starts_plain(t: list[Any]) -> bool:
    """Whether the printed tree starts with a name or bracket (so an implicit product works)."""
    if t[0] in ("var", "const", "call"):
        return True
    if t[0] in ("add", "sub", "mul", "div", "pow"):
        return starts_plain(t[1])
    return False


def show(t: list[Any], r: random.Random, aliases: dict[str, list[str]], need: int = 0) -> str:
    """Print a tree as a student might type it, with only the brackets it needs."""
    kind = t[0]
    level = LEVEL.get(kind, 5)
    if kind == "num":
        s = repr(t[1])
    elif kind == "var":
        s = r.choice([t[1], *aliases.get(t[1], [])])
    elif kind == "const":
        s = r.choice(["pi", "π"]) if t[1] == "pi" else "e"
    elif kind == "call":
        s = r.choice(SPELL.get(t[1], [t[1]])) + "(" + show(t[2], r, aliases) + ")"
    elif kind == "neg":
        s = r.choice(["-", "−"]) + show(t[1], r, aliases, 3)
    elif kind in ("add", "sub"):
        op = " + " if kind == "add" else r.choice([" - ", "−"])
        s = show(t[1], r, aliases, 1) + op + show(t[2], r, aliases, 2)
    elif kind in ("mul", "div"):
        right = show(t[2], r, aliases, 3)
        if kind == "mul":
            implicit = starts_plain(t[2]) and LEVEL.get(t[2][0], 5) >= 4 and r.random() < 0.5
            op = " " if implicit else r.choice(["*", " * ", "·", "×"])
            if implicit and t[2][0] == "pow" and not starts_plain(t[2][1]):
                op = "*"
        else:
            op = r.choice(["/", " / ", "÷"])
        s = show(t[1], r, aliases, 2) + op + right
    else:
        base = show(t[1], r, aliases, 5)
        if t[2] == ["num", 2.0] and r.random() < 0.3:
            s = base + "²"
        else:
            s = base + r.choice(["^", "**", " ^ "]) + show(t[2], r, aliases, 3)
    return f"({s})" if level < need else s


def random_table(n: int = N_RANDOM, seed: int = 7) -> list[dict[str, Any]]:
    """n random trees over the backprop variables, printed, with the sample points."""
    r = random.Random(seed)
    variables = SETS["backprop"]
    names = [v.name for v in variables]
    aliases = {v.name: list(v.aliases) for v in variables}
    out = []
    for _ in range(n):
        tree = random_tree(r, names)
        out.append({"tree": tree, "text": show(tree, r, aliases)})
    return out


def test_random_trees_print_and_parse_back():
    variables = SETS["backprop"]
    table = random_table()
    for row in table:
        got = parse_formula(row["text"], variables)
        assert got.tree == row["tree"], (row["text"], got.error)
    # the printer is not trivial: it uses implicit products, unicode and aliases
    texts = " ".join(row["text"] for row in table)
    for piece in ["²", "·", "σ", "ω", " h2 ", "**"]:
        assert piece in texts, piece


def test_to_latex_reads_in_latex2mathml():
    from latex2mathml.converter import convert

    variables = SETS["backprop"]
    for row in random_table(100, seed=11):
        latex = to_latex(row["tree"], variables)
        assert convert(latex).startswith("<math")
    tree = parse_formula("2/3 ω₃ + σ'(h2)^2", variables).tree
    assert to_latex(tree, variables) == (
        r"\frac{2}{3} \cdot \omega_3 + {\sigma'\left(h_2\right)}^{2}"
    )


def test_a_minus_sign_after_an_operator_is_bracketed_in_latex():
    from backprop.exercises.formula import Variable, parse_formula, to_latex

    xs = [Variable("a", "a"), Variable("b", "b")]
    assert to_latex(parse_formula("a*(-b)", xs).tree, xs) == r"a \cdot \left(-b\right)"
    assert to_latex(parse_formula("a + (-b)", xs).tree, xs) == r"a + \left(-b\right)"
    assert to_latex(parse_formula("-a*b", xs).tree, xs) == r"-a \cdot b"
