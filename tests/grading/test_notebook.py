"""Notebooks handed in: the code cells are the submission, demos are left out, lines are cells'."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.batch import classroom
from grader.course import catalog
from grader.grading import notebook
from grader.grading.report import ReportStatus
from tests.support import EXERCISES, SOLUTIONS, explain, grade_file, lost, run

ONCE = "prints every number once, and returns them in the order printed"
#: The reference solution without its `if __name__ == "__main__":` demo.
SOLUTION = (SOLUTIONS / "count-async.py").read_text().split("\nif __name__")[0]


def make(path: Path, *cells: str, markdown_first: bool = True) -> Path:
    """A notebook at `path` written by nbformat: a Markdown title, then these code cells."""
    made = [new_markdown_cell("# Counting, concurrently")] if markdown_first else []
    made += [new_code_cell(source) for source in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=made), str(path))
    return path


def convert(*cells: str) -> notebook.Module:
    made = new_notebook(cells=[new_code_cell(c) for c in cells])
    return notebook.convert(nbformat.writes(made).encode())


# -- the conversion ------------------------------------------------------------------------


def test_a_cell_of_top_level_await_is_left_out_and_named() -> None:
    module = convert("import asyncio", "async def f():\n    return 1", "x = await f()\nprint(x)")
    assert "await f()" not in module.source and "async def f" in module.source
    assert [entry.note for entry in module.note.left_out] == [
        "cell 3 left out: top-level await, a demo call"
    ]
    compile(module.source, "nb.py", "exec")  # the module imports: nothing awaits at the top


def test_demo_statements_leave_the_rest_of_their_cell() -> None:
    module = convert(
        "import asyncio\n\nasync def main():\n    await asyncio.sleep(1)\n\nasyncio.run(main())",
        "LIMIT = asyncio.Semaphore(3)\nresult = asyncio.run(main())\nfor i in range(3):\n"
        "    print(i)\nmain",
    )
    notes = [entry.note for entry in module.note.left_out]
    assert notes == [
        "cell 1, line 6 left out: runs an event loop (a demo) (`asyncio.run(main())`)",
        "cell 2, line 2 left out: runs an event loop (a demo) (`result = asyncio.run(main())`)",
        "cell 2, lines 3-4 left out: a demo call (`for i in range(3):`)",
    ]
    assert "async def main" in module.source and "LIMIT = asyncio.Semaphore(3)" in module.source
    assert "asyncio.run" not in module.source


def test_magics_and_shell_lines_are_left_out() -> None:
    module = convert(
        "%load_ext autoreload\n!pip install aiohttp\nfiles = !ls\nimport asyncio",
        "%%time\nprint('slow')",
    )
    reasons = [(e.cell, e.line, e.reason, e.whole_cell) for e in module.note.left_out]
    assert reasons == [
        (1, 1, notebook.Reason.MAGIC, False),
        (1, 2, notebook.Reason.MAGIC, False),
        (1, 3, notebook.Reason.MAGIC, False),
        (2, 1, notebook.Reason.CELL_MAGIC, True),
    ]
    compile(module.source, "nb.py", "exec")
    assert "import asyncio" in module.source and "slow" not in module.source


def test_a_magic_beside_a_syntax_error_leaves_the_error_to_be_named() -> None:
    module = convert("%time x = 1\ndef f(:\n    pass")
    assert [(e.line, e.reason) for e in module.note.left_out] == [(1, notebook.Reason.MAGIC)]
    with pytest.raises(SyntaxError) as raised:
        compile(module.source, "nb.py", "exec")
    assert module.place(raised.value.lineno or 0) == notebook.Place(cell=1, line=2)


def test_every_line_maps_back_to_its_cell_and_line() -> None:
    module = convert("import asyncio\n", "x = 1\n\ny = 2")
    lines = module.source.splitlines()
    y = lines.index("y = 2") + 1
    assert module.place(y) == notebook.Place(cell=2, line=3)
    assert module.place(1) == notebook.Place(cell=1, line=1)


def test_a_cell_with_a_syntax_error_is_kept_so_the_report_can_say_where() -> None:
    module = convert("import asyncio", "def f(:\n    pass")
    assert module.note.left_out == ()
    assert "def f(:" in module.source


def test_a_file_that_is_no_notebook_is_unreadable() -> None:
    with pytest.raises(notebook.Unreadable, match="not a notebook Jupyter can open"):
        notebook.convert(b"print('hello')\n")


# -- grading a notebook ----------------------------------------------------------------------


def test_the_solution_as_a_notebook_with_a_demo_cell_gets_full_marks(tmp_path: Path) -> None:
    path = make(
        tmp_path / "count-async.ipynb",
        "import asyncio",
        SOLUTION.replace("import asyncio\n", ""),
        "print(await count(5, {2: 0.1}))",
    )
    report = grade_file("count-async", path)
    assert report.score == report.max_score == 10, explain(report)
    assert report.notebook is not None
    assert [e.note for e in report.notebook.left_out] == ["cell 4 left out: top-level await"]
    assert report.submission == str(path)


def test_a_wrong_cell_scores_as_the_same_code_in_a_py_file(tmp_path: Path) -> None:
    wrong = SOLUTION.replace("    return printed", "    return sorted(printed)")
    assert wrong != SOLUTION
    cell = wrong.replace("import asyncio\n", "")
    path = make(tmp_path / "nb" / "count-async.ipynb", "import asyncio", cell)
    py = tmp_path / "py" / "count-async.py"
    py.parent.mkdir()
    py.write_text(wrong)
    from_notebook = grade_file("count-async", path, seed=7)
    from_file = grade_file("count-async", py, seed=7)
    assert lost(from_notebook) == lost(from_file) == {ONCE}, explain(from_notebook)
    assert from_notebook.score == from_file.score == 9


def test_without_a_seed_a_notebook_draws_as_the_py_file_of_its_code(tmp_path: Path) -> None:
    path = make(tmp_path / "count-async.ipynb", SOLUTION, "await count(3)")
    py = tmp_path / "count-async.py"
    py.write_text(notebook.convert(path.read_bytes()).source)
    assert grade_file("count-async", path).seed == grade_file("count-async", py).seed


def test_feedback_points_at_the_cell_and_its_line(tmp_path: Path) -> None:
    broken = SOLUTION.replace(
        "    printed: list[int] = []\n", "    printed: list[int] = []\n    raise ValueError('no')\n"
    )
    cell = broken.replace("import asyncio\n", "")
    line = cell.splitlines().index("    raise ValueError('no')") + 1
    path = make(tmp_path / "count-async.ipynb", "import asyncio", cell)
    report = run("check", "count-async", str(path), "--format", "json")
    data = json.loads(report.output)
    messages = [c["message"] for c in data["checks"] if c["status"] == "error"]
    assert messages and all(f"cell 3, line {line}" in m for m in messages), messages
    assert not any(f"(line {line + 2}" in m for m in messages)  # the module's own numbering


def test_a_syntax_error_names_the_cell_and_line(tmp_path: Path) -> None:
    path = make(tmp_path / "count-async.ipynb", "import asyncio", "x = 1\nasync def count(:\n")
    report = grade_file("count-async", path)
    assert report.status is ReportStatus.ERROR
    assert "cell 3, line 2" in report.message, report.message
    assert "count-async.ipynb" in report.message and "count-async.py" not in report.message


def test_check_prints_what_was_left_out(tmp_path: Path) -> None:
    path = make(tmp_path / "count-async.ipynb", SOLUTION, "await count(3)")
    result = run("check", "count-async", str(path))
    assert result.exit_code == 0, result.output
    assert "notebook: cell 3 left out: top-level await" in result.output


def test_a_broken_notebook_is_a_report_that_says_so(tmp_path: Path) -> None:
    path = tmp_path / "count-async.ipynb"
    path.write_text("{not json")
    result = run("check", "count-async", str(path), "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 1 and data["status"] == "error"
    assert "not a notebook Jupyter can open" in data["message"]
    assert "Traceback" not in result.output


# -- a class folder --------------------------------------------------------------------------


def test_a_class_folder_takes_notebooks_and_says_which_file_is_graded(tmp_path: Path) -> None:
    exercises = catalog.catalog(EXERCISES)
    make(tmp_path / "ann" / "count-async.ipynb", SOLUTION)
    make(tmp_path / "ben" / "count-async.ipynb", SOLUTION)
    (tmp_path / "ben" / "count-async.py").write_text(SOLUTION)
    room = classroom.scan(tmp_path, exercises)
    assert [(j.student, j.path.name) for j in room.jobs] == [
        ("ann", "count-async.ipynb"),
        ("ben", "count-async.py"),
    ]
    assert [(i.path, i.reason) for i in room.ignored] == [
        ("ben/count-async.ipynb", "count-async.py is graded instead")
    ]


def test_batch_grades_a_notebook_into_the_gradebook(tmp_path: Path) -> None:
    make(tmp_path / "class" / "ann" / "count-async.ipynb", SOLUTION, "await count(3)")
    result = run(
        "batch", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--quiet",
        "--workers", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "ann" / "count-async.json").read_text())
    assert data["submission"] == "ann/count-async.ipynb"
    assert data["score"] == data["max_score"] == 10, data
    assert data["notebook"]["left_out"][0]["note"] == "cell 3 left out: top-level await"


def test_every_output_says_what_of_a_notebook_was_left_out() -> None:
    from grader.grading.report import Report
    from grader.outputs import gradescope
    from grader.outputs.html import render_report
    from grader.outputs.text import render_text

    left = notebook.LeftOut(4, 1, 1, notebook.Reason.AWAIT, "await count(3)", whole_cell=True)
    report = Report("count-async", "ann/count-async.ipynb", 10)
    report.notebook = notebook.NotebookNote(3, (left,))
    said = "cell 4 left out: top-level await"
    assert f"notebook: {said}" in render_text(report)
    assert said in render_report(report)
    assert said in gradescope.results(report, gradescope.HiddenDetails.NEVER)["output"]
    again = Report.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again.notebook == report.notebook  # a batch reads its reports back (--resume)
    assert "notebook" not in Report("count-async", "a.py", 10).to_dict()  # .py: as before
