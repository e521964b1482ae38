"""The instructors' command line: ``python -m backprop.instructor COMMAND``, the commands
``assign``, ``grade``, ``list``, ``merge``, ``report`` and ``student-edition``.

The only argument parser of the instructor tools: each subcommand is a
:class:`_Command` (its options and the function that runs it).

Progress bars and the one-line summary go to stderr; errors in the input (a bad
roster, an unknown chapter, a missing key) end with a message and exit status 2.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from .assign import assign, check_out
from .catalog import entries, unknown
from .export import FORMATS, parse_points, write_export
from .feedback import write_feedback, write_report
from .grade import grade
from .key import StudentKey, read_key
from .leaks import find_leaks
from .results import (
    Result,
    merge,
    merge_files,
    parse_shard,
    read_grades,
    shard_of,
    write_grades,
)
from .sandbox import NO_SANDBOX_RISKS, exposed, sandbox_problem
from .student_build import build, left_out_chapters
from .variants import chapter_keys, read_roster

SECRET_ENV = "BACKPROP_INSTRUCTOR_SECRET"

_DESCRIPTION = """\
Assign the book's exercises with different numbers for every student, and grade
the submitted notebooks with the book's checking rules.

  assign   one notebook per student of a roster, with that student's numbers and
           no solutions, in DIR/handout/, and DIR/key.csv (private) with every
           student's correct answers
  grade    run the submitted notebooks, each in a sandbox of its own (bubblewrap:
           no network, no access to the key or your files; time limits, caps on
           memory and output), and write one
           row per student: a mark per exercise, the total and the reasons for
           every lost mark
  list     every exercise key with its chapter, title, kind and points
  merge    join the grades files of `grade --shard i/N` (a course graded on
           several machines) into one
  report   the class report and the students' feedback pages from a grades file,
           without running any notebook again
  student-edition
           build the website with no solutions into _build/student/

Run `python -m backprop.instructor COMMAND --help` for a command's options.
"""

_ASSIGN_EPILOG = f"""\
A student's numbers come from HMAC-SHA256(secret, student id + exercise key): the
same id always gets the same variant, and without the secret nobody can compute
another student's. Keep the secret (and key.csv) private and use the same secret
for the whole course. Instead of --secret you may give --secret-file or set the
environment variable {SECRET_ENV} (a command-line secret is visible to other users
of the machine in the process list).

The roster is a CSV file with a header row and a column student_id (or id,
username, login, email), optionally name; or a Canvas gradebook export (the id is
the SIS Login ID, else the SIS User ID, else the Canvas ID) or a Moodle export (the
ID number, else the username, else the email address), read as they come: comma,
semicolon or tab, UTF-8 (with or without BOM) or Latin-1. --id-column names the id
column of any other layout. Notebooks are written as
DIR/handout/<student id>.ipynb (hand out these) and the key as DIR/key.csv,
readable only by you.

example:
  python -m backprop.instructor assign --roster roster.csv --secret-file secret.txt \\
      --chapters 4 5 --title "Homework 2" --out hw2
"""

_GRADE_EPILOG = """\
Each submission is attributed to a student by its file name (<student id>.ipynb,
as handed out, also as Canvas downloads it: name_12345_67890_<student id>.ipynb)
or by a parent folder named after the student (nbgrader's
submitted/<student id>/... layout), otherwise by the id in the notebook. A file
that is another student's variant, is not a notebook, or breaks (syntax errors,
endless loops, deleted or moved answer cells, answers of the wrong type) gets
zero for the affected exercises with a reason in its row; grading goes on.

Each notebook runs in a sandbox of its own built with bubblewrap (`bwrap`): it
sees a copy of that one notebook, the Python environment read-only and nothing
else of yours (not the key, your secret, the roster or the other submissions),
has no network, and everything it starts dies with it. Without bubblewrap,
grade refuses; --no-sandbox runs the students' code as you, unconfined.

--jobs N notebooks run at once, each in its own sandbox (default: one per core);
the grades do not depend on N. The grades file is written after every notebook. If --out exists already, the
new rows are merged into it (grading one late student changes only that row);
after an interruption (Ctrl-C, a crash), --resume skips the files it has rows for.

--feedback DIR writes a page per student (their questions, answers, the right
answers and worked solutions for their numbers); --report FILE.html the class
report (share right and common wrong answers per exercise, totals per student).

example:
  python -m backprop.instructor grade --key hw2/key.csv --out hw2-grades.csv \\
      submissions/*.ipynb
"""

_MERGE_EPILOG = """\
Refuses a file that is not a grades file, holds the exercises of another
assignment, or grades a student that another file graded too. A student graded
in no file gets a "no submission" row.

example (a course graded as 4 shards, e.g. a Slurm job array or a CI matrix):
  python -m backprop.instructor grade --key hw2/key.csv --shard 3/4 \\
      --out grades-3.csv submissions/*.ipynb
  python -m backprop.instructor merge --key hw2/key.csv --out hw2-grades.csv \\
      grades-1.csv grades-2.csv grades-3.csv grades-4.csv
"""


_STUDENT_EPILOG = """\
The book is copied to a temporary folder, its {solution} blocks (gated ones too)
and the code that prepared them are deleted and stored outputs cleared; the copy
is built with BACKPROP_STUDENT_EDITION=1, so the notebooks run again and every
answer box is saved without its answer. Before the HTML is moved to --out, every
file of the site (pages, widget state, search index, downloadable notebooks) is
searched for every exercise's solution and answer: the build fails if one is found.

--title sets the site's title (the course's); --chapters N ... keeps only those
chapters (the introduction and the appendices stay), and a link to a chapter left out
becomes its plain text.

examples:
  python -m backprop.instructor student-edition --out _build/student
  python -m backprop.instructor student-edition --title "ML 101: backpropagation" \\
      --chapters 1 2 5 --out _build/ml101
  python -m backprop.instructor student-edition --check _build/student
"""


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _secret(args: argparse.Namespace, parser: argparse.ArgumentParser) -> str:
    if args.secret and args.secret_file:
        parser.error("give either --secret or --secret-file, not both")
    if args.secret_file:
        secret = Path(args.secret_file).read_text(encoding="utf-8").strip()
    else:
        secret = args.secret or os.environ.get(SECRET_ENV, "")
    if not secret:
        parser.error(
            f"the instructor's secret is missing: --secret, --secret-file or ${SECRET_ENV}"
        )
    return secret


def _student_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=".", help="the book's folder (default: here)")
    parser.add_argument(
        "--out", default="_build/student", help="where the HTML goes (default: _build/student)"
    )
    parser.add_argument(
        "--log",
        default=None,
        help="write jupyter-book's output to this file (default: a temporary folder)",
    )
    parser.add_argument(
        "--no-strict",
        action="store_true",
        help="do not turn Sphinx warnings into errors (make book does: -W -n)",
    )
    parser.add_argument(
        "--title",
        default=None,
        help="the site's title, e.g. the course's (default: the book's, marked as the "
        "student edition)",
    )
    parser.add_argument(
        "--chapters",
        nargs="+",
        default=None,
        metavar="N",
        help="only these chapters (and the introduction and appendices); links to the "
        "others become plain text",
    )
    parser.add_argument(
        "--check",
        metavar="SITE",
        default=None,
        help="do not build: check an already built site for solutions and answers",
    )


def _assign_arguments(a: argparse.ArgumentParser) -> None:
    a.add_argument(
        "--roster",
        required=True,
        help="CSV file of students: a Canvas or Moodle export as it comes, or a header "
        "student_id,name",
    )
    a.add_argument(
        "--id-column",
        default=None,
        metavar="NAME",
        help="the roster's column of student ids, for a layout not recognised",
    )
    a.add_argument("--secret", help="the instructor's secret that fixes every student's variant")
    a.add_argument("--secret-file", help="read the secret from this file instead")
    a.add_argument(
        "--chapters", nargs="+", default=[], metavar="N", help="chapters whose exercises to assign"
    )
    a.add_argument(
        "--exercises", nargs="+", default=[], metavar="KEY", help="exercise keys, e.g. ch04.mask"
    )
    a.add_argument("--title", default="Assignment", help="the notebooks' title (the course's)")
    a.add_argument("--deadline", default="", help="the deadline, shown at the top of each notebook")
    a.add_argument(
        "--submit",
        default="",
        metavar="HOW",
        help="how to submit, shown at the top of each notebook",
    )
    a.add_argument(
        "--force",
        action="store_true",
        help="assign into a folder that has handouts already (they are removed first)",
    )
    a.add_argument("--hints", action="store_true", help="include each exercise's hints")
    a.add_argument("--out", required=True, help="folder for the notebooks and key.csv")


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _grade_arguments(g: argparse.ArgumentParser) -> None:
    g.add_argument("--key", required=True, help="the key.csv written by assign")
    g.add_argument("--out", required=True, help="CSV file to write the grades to")
    g.add_argument(
        "--timeout", type=float, default=120, help="seconds each notebook may run (default 120)"
    )
    g.add_argument(
        "--cell-timeout", type=float, default=30, help="seconds each cell may run (default 30)"
    )
    g.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run the students' code without bubblewrap, as you (only in a throw-away machine)",
    )
    g.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help=f"notebooks graded at once, each in its own sandbox (default: the number of "
        f"cores, here {_cores()})",
    )
    g.add_argument(
        "--shard",
        metavar="i/N",
        default=None,
        help="grade only the i-th of N slices of the key's students (every N-th student from "
        "the i-th, in roster order; i = 1 .. N); join the shards' files with merge",
    )
    g.add_argument(
        "--resume",
        action="store_true",
        help="skip the files the grades file (--out) already has a row for: carry on after "
        "an interruption",
    )
    g.add_argument(
        "--feedback",
        metavar="DIR",
        default=None,
        help="write DIR/<student id>.html for every student graded: each question with their "
        "numbers, their answer, the right one and the worked solution (offline HTML)",
    )
    g.add_argument(
        "--report",
        metavar="FILE",
        default=None,
        help="write the class report (HTML): per exercise the share right and the most "
        "common wrong answers with the slips they match, per student the total",
    )
    _export_arguments(g)
    g.add_argument("submissions", nargs="+", metavar="SUBMISSION", help="submitted .ipynb files")


@dataclass(frozen=True)
class _Command:
    """A subcommand: its name, one-line help, description and epilog, the function that
    adds its options and the one that runs it (given the arguments and its parser)."""

    name: str
    help: str
    description: str
    epilog: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, argparse.ArgumentParser], int]


def _export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="also write the grades for a learning-management system to import (plain: "
        "points per exercise, UTF-8 with BOM for spreadsheets) to --export",
    )
    p.add_argument(
        "--export",
        metavar="FILE",
        default=None,
        help="where --format writes (default: beside --out, named OUT-FORMAT.csv)",
    )
    p.add_argument(
        "--points",
        action="append",
        default=[],
        metavar="P",
        help="points per exercise in --format's file: a number for all, KEY=NUMBER for one, "
        "several separated by commas or the option repeated (default 1 each)",
    )
    p.add_argument(
        "--roster",
        default=None,
        help="the roster assigned from (with --format: its Canvas or Moodle columns, such "
        "as the Canvas ID and section, go into the export)",
    )
    p.add_argument("--id-column", default=None, metavar="NAME", help="as for assign")
    p.add_argument(
        "--assignment",
        default=None,
        help="the assignment's column name in Canvas and Moodle files (default: --out's name)",
    )


def _export(
    args: argparse.Namespace,
    parser: argparse.ArgumentParser,
    key: dict[str, StudentKey],
) -> Callable[[list[Result]], str]:
    """What writes --format's file (checked before any grading; "" without --format)."""
    if args.format is None:
        return lambda results: ""
    exercises = [it.key for it in next(iter(key.values())).items]
    try:
        specs = [p for ps in args.points for p in ps.split(",") if p.strip()]
        points = parse_points(specs, exercises)
        roster = read_roster(args.roster, id_column=args.id_column) if args.roster else []
    except (OSError, ValueError) as e:
        parser.error(str(e))
    out = Path(args.out)
    target = Path(args.export or out.with_name(f"{out.stem}-{args.format}.csv"))
    assignment = args.assignment or out.stem

    def write(results: list[Result]) -> str:
        write_export(results, target, args.format, points, assignment, roster)
        return f"; {args.format} grades -> {target}"

    return write


def _list_arguments(li: argparse.ArgumentParser) -> None:
    li.add_argument(
        "which",
        nargs="*",
        metavar="KEY_OR_CHAPTER",
        help="exercise keys (ch04.mask) or chapter numbers (4); default: all",
    )
    li.add_argument(
        "--points",
        action="append",
        default=[],
        metavar="P",
        help="as for grade --format: a number for all, KEY=NUMBER for one",
    )


def _list(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .. import exercises

    try:
        keys: list[str] = []
        for w in args.which:
            more = chapter_keys([w]) if w.strip().lower().removeprefix("ch").isdigit() else [w]
            keys += [k for k in more if k not in keys]
        shown = entries(keys or None)
        specs = [p for ps in args.points for p in ps.split(",") if p.strip()]
        points = parse_points(specs, [e.key for e in shown])
    except ValueError as e:
        parser.error(str(e))
    rows = [("key", "chapter", "kind", "points", "title")]
    rows += [(e.key, str(e.chapter), e.kind, f"{points[e.key]:g}", e.title) for e in shown]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[4])
    total = sum(points.values())
    print(
        f"{_n(len(shown), 'exercise')} of {len(exercises.keys())}, {total:g} points",
        file=sys.stderr,
    )
    return 0


def _merge_arguments(m: argparse.ArgumentParser) -> None:
    m.add_argument("--key", required=True, help="the key.csv the shards were graded with")
    m.add_argument("--out", required=True, help="CSV file to write the merged grades to")
    _export_arguments(m)
    m.add_argument("grades", nargs="+", metavar="GRADES", help="the shards' grades files")


def _merge(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        key = read_key(args.key)
    except (OSError, ValueError, KeyError) as e:
        parser.error(f"cannot read the key: {e}")
    export = _export(args, parser, key)
    try:
        results = merge_files(args.grades, key)
    except (OSError, ValueError) as e:
        parser.error(str(e))
    write_grades(results, args.out)
    exported = export(results)
    students = [r for r in results if r.student_id]
    missing = sum(1 for r in students if not r.file)
    print(
        f"merged {_n(len(args.grades), 'grades file')}: {_n(len(students), 'student')} "
        f"({missing} without a submission) -> {args.out}{exported}",
        file=sys.stderr,
    )
    return 0


_REPORT_EPILOG = """\
Reads the grades file and the answers kept beside it (GRADES.answers.jsonl, written
by grade and merge: each answer as the grader read it and each lost mark's reason),
so the pages are the same as those of the grade run that made the file, whether it
was one run, several --resume runs or shards joined by merge.

example:
  python -m backprop.instructor report --key hw2/key.csv --grades hw2-grades.csv \\
      --html hw2-report.html --feedback hw2-feedback
"""


def _report_arguments(r: argparse.ArgumentParser) -> None:
    r.add_argument("--key", required=True, help="the key.csv the grades were made with")
    r.add_argument("--grades", required=True, help="the grades file of grade or merge")
    r.add_argument("--html", metavar="FILE", default=None, help="write the class report here")
    r.add_argument(
        "--feedback",
        metavar="DIR",
        default=None,
        help="write DIR/<student id>.html for every student graded (as grade --feedback)",
    )
    r.add_argument("--title", default=None, help="the pages' title (default: --grades's name)")


def _report(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if not args.html and not args.feedback:
        parser.error("nothing to write: give --html FILE and/or --feedback DIR")
    try:
        key = read_key(args.key)
    except (OSError, ValueError, KeyError) as e:
        parser.error(f"cannot read the key: {e}")
    try:
        results = read_grades(args.grades)
    except (OSError, ValueError) as e:
        parser.error(str(e))
    exercises = {it.key for sk in key.values() for it in sk.items}
    strangers = sorted({k for r in results for k in r.marks} - exercises)
    if strangers:
        parser.error(
            f"{args.grades} holds the grades of another assignment (exercise "
            f"{strangers[0]!r} is not in this key)"
        )
    unknown_ids = sorted(r.student_id for r in results if r.student_id and r.student_id not in key)
    if unknown_ids:
        parser.error(f"{args.grades}: student {unknown_ids[0]!r} is not in the key")
    title = args.title or Path(args.grades).stem
    said = _write_pages(results, key, args.feedback, args.html, title)
    print(f"read {args.grades}{said}", file=sys.stderr)
    return 0


def _write_pages(
    results: list[Result],
    key: dict[str, StudentKey],
    feedback: str | None,
    report: str | None,
    title: str,
) -> str:
    """Write the feedback pages and the class report asked for; says what was written."""
    said = ""
    if feedback:
        pages = write_feedback(results, key, feedback, title)
        said += f"; {_n(len(pages), 'feedback page')} -> {feedback}/"
    if report:
        write_report(results, key, report, title)
        said += f"; class report -> {report}"
    return said


def _commands() -> list[_Command]:
    return [
        _Command(
            "assign",
            "write one notebook per student and the answer key",
            "Write one notebook per student (that student's numbers, no\n"
            "solutions) into DIR/handout/, and DIR/key.csv (readable only by you)\n"
            "with every student's correct answers.",
            _ASSIGN_EPILOG,
            _assign_arguments,
            _assign,
        ),
        _Command(
            "grade",
            "run submitted notebooks and mark their answers",
            "Run each submitted notebook and mark its answers against the key:\n"
            "one row per student with a mark per exercise, the total and the reasons.",
            _GRADE_EPILOG,
            _grade_arguments,
            _grade,
        ),
        _Command(
            "list",
            "every exercise key with its chapter, title, kind and points",
            "List the exercises that assign can give out: key, chapter, the kind of\n"
            "answer (one number or several), points (--points) and title.",
            "examples:\n  python -m backprop.instructor list\n"
            "  python -m backprop.instructor list 4 ch05.steepest --points 2\n",
            _list_arguments,
            _list,
        ),
        _Command(
            "merge",
            "join the grades files of grade --shard into one",
            "Join the grades files that grade --shard i/N wrote into one, in the key's\n"
            "order: the same file one unsharded run writes.",
            _MERGE_EPILOG,
            _merge_arguments,
            _merge,
        ),
        _Command(
            "report",
            "the class report and feedback pages from a grades file",
            "Write the class report (--html) and the students' feedback pages\n"
            "(--feedback) from a grades file of grade or merge, running nothing again.",
            _REPORT_EPILOG,
            _report_arguments,
            _report,
        ),
        _Command(
            "student-edition",
            "build the website with no solutions into _build/student/",
            "Build the student edition of the website (no solutions, no answers)\n"
            "into _build/student/ (the same as `make book-student`).",
            _STUDENT_EPILOG,
            _student_arguments,
            _student_edition,
        ),
    ]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m backprop.instructor",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in _commands():
        p = sub.add_parser(
            command.name,
            help=command.help,
            description=command.description,
            epilog=command.epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.arguments(p)
        p.set_defaults(run=functools.partial(command.run, parser=p))
    return parser


def _assign(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    secret = _secret(args, parser)
    try:
        students = read_roster(args.roster, id_column=args.id_column)
        keys = chapter_keys(args.chapters) if args.chapters else []
        from .. import exercises

        for k in args.exercises:
            if k not in exercises.keys():
                raise ValueError(unknown(k))
            if k not in keys:
                keys.append(k)
        if not keys:
            raise ValueError("choose exercises with --chapters and/or --exercises")
    except (OSError, ValueError) as e:
        parser.error(str(e))
    try:
        check_out(args.out, force=args.force)
    except ValueError as e:
        parser.error(str(e))
    with tqdm(total=len(students), desc="assign", unit="student", file=sys.stderr) as bar:
        done = assign(
            students,
            secret,
            keys,
            args.out,
            title=args.title,
            hints=args.hints,
            progress=lambda s: bar.update(),
            deadline=args.deadline,
            submit=args.submit,
            force=args.force,
        )
    print(
        f"assigned {_n(len(keys), 'exercise')} to {_n(len(done.notebooks), 'student')}: "
        f"the students' notebooks in {done.notebooks[0].parent}/ (hand out only these); "
        f"the answer key {done.key}, readable only by you (keep it private, never hand "
        "it out)",
        file=sys.stderr,
    )
    return 0


def _grade(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        key = read_key(args.key)
    except (OSError, ValueError, KeyError) as e:
        parser.error(f"cannot read the key: {e}")
    if args.timeout <= 0 or args.cell_timeout <= 0:
        parser.error("time limits must be positive")
    jobs = _cores() if args.jobs is None else args.jobs
    if jobs < 1:
        parser.error(f"--jobs must be at least 1, not {jobs}")
    if args.no_sandbox:
        print(NO_SANDBOX_RISKS, file=sys.stderr)
    else:
        problem = sandbox_problem()
        if problem:
            parser.error(f"cannot grade safely: {problem}; or, at your own risk, --no-sandbox")
        where = exposed(args.key)
        if where:
            parser.error(
                f"the key {args.key} is inside {where}, which the sandbox shows the students' "
                "code (it holds the Python environment): move the key elsewhere"
            )
    export = _export(args, parser, key)
    mine, first = key, True
    if args.shard:
        try:
            i, n = parse_shard(args.shard)
        except ValueError as e:
            parser.error(str(e))
        mine, first = shard_of(key, i, n), i == 1
    previous = _previous_grades(args.out, key, parser)
    graded_before = {(r.student_id, r.file) for r in previous if r.student_id and r.file}
    skipped: list[str] = []
    others: list[str] = []

    def skip(sid: str, path: Path) -> bool:
        if sid not in mine:
            others.append(path.name)
            return True
        if args.resume and (sid, path.name) in graded_before:
            skipped.append(path.name)
            return True
        return False

    def ours(rows: list[Result]) -> list[Result]:
        """The rows of this shard: its students, and the files nobody owns in shard 1."""
        return [r for r in rows if r.student_id in mine or (not r.student_id and first)]

    def save(partial: list[Result]) -> None:
        write_grades(merge(previous, ours(partial), mine), args.out)

    with tqdm(total=len(args.submissions), desc="grade", unit="notebook", file=sys.stderr) as bar:
        try:
            results = grade(
                args.submissions,
                key,
                timeout=args.timeout,
                cell_timeout=args.cell_timeout,
                progress=lambda p: bar.update(),
                sandboxed=not args.no_sandbox,
                skip=skip,
                on_graded=save,
                jobs=jobs,
            )
        except KeyboardInterrupt:
            bar.close()
            print(
                f"interrupted: the rows graded so far are in {args.out}; run the same "
                "command with --resume to carry on",
                file=sys.stderr,
            )
            return 130
    results = merge(previous, ours(results), mine)
    write_grades(results, args.out)
    exported = export(results)
    exported += _write_pages(results, key, args.feedback, args.report, Path(args.out).stem)
    students = [r for r in results if r.student_id]
    mean = sum(r.total for r in students) / max(1, len(students))
    most = max((r.max for r in students), default=0)
    missing = sum(1 for r in students if not r.file)
    problems = sum(1 for r in results if r.reason_text)
    kept = f", {len(skipped)} graded before and skipped" if skipped else ""
    kept += f", {len(others)} of other shards left out" if others else ""
    print(
        f"graded {_n(len(args.submissions) - len(skipped) - len(others), 'file')} for "
        f"{_n(len(students), 'student')} ({missing} without a submission, {problems} rows "
        f"with reasons{kept}): mean {mean:.2f}/{most} -> {args.out}{exported}",
        file=sys.stderr,
    )
    return 0


def _previous_grades(
    out: str, key: dict[str, StudentKey], parser: argparse.ArgumentParser
) -> list[Result]:
    """The rows of an earlier grades file at ``out`` that this run merges into."""
    if not Path(out).exists():
        return []
    try:
        previous = read_grades(out)
    except (OSError, ValueError) as e:
        parser.error(f"cannot merge into {out}: {e}; choose another --out")
    exercises = {it.key for sk in key.values() for it in sk.items}
    strangers = sorted({k for r in previous for k in r.marks} - exercises)
    if strangers:
        parser.error(
            f"{out} holds the grades of another assignment (exercise {strangers[0]!r} is not "
            "in this key); choose another --out"
        )
    return previous


def _check_site(site: str) -> int:
    leaks, seen = find_leaks(site)
    for lk in leaks:
        print(lk, file=sys.stderr)
    print(
        f"checked {seen['files']} files ({seen['widgets']} exercise widgets, "
        f"{seen['notebooks']} notebooks): {len(leaks)} leaks",
        file=sys.stderr,
    )
    return 1 if leaks else 0


def _steps(bar: tqdm) -> Callable[[str], None]:
    """A progress callback for :func:`build`: each step's name, the bar moved past the last."""
    started: list[str] = []

    def progress(name: str) -> None:
        if started:
            bar.update()
        started.append(name)
        bar.set_postfix_str(name)

    return progress


def _student_edition(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.check:
        return _check_site(args.check)
    if args.chapters:
        try:
            left_out_chapters(Path(args.root), args.chapters)
        except (OSError, ValueError) as e:
            parser.error(str(e))
    if args.title is not None and not args.title.strip():
        parser.error("--title: the title is empty")
    with tqdm(total=4, desc="student edition", unit="step", file=sys.stderr) as bar:
        try:
            seen = build(
                args.root,
                args.out,
                strict=not args.no_strict,
                log=Path(args.log).resolve() if args.log else None,
                progress=_steps(bar),
                title=args.title,
                chapters=args.chapters,
            )
        except (RuntimeError, ValueError, OSError) as e:
            bar.close()
            print(f"error: {e}", file=sys.stderr)
            return 1
        bar.update()
    print(
        f"built the student edition into {args.out}/: {seen['solutions_removed']} solutions "
        f"removed; checked {seen['files']} files and {seen['widgets']} exercise widgets: no "
        "answers or solutions",
        file=sys.stderr,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    return args.run(args)
