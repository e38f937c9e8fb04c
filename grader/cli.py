"""The `grader` command: thin Click commands over the core in `grader.runner` and friends.

Commands parse their arguments, call one core function and render what it
returns. Bad input becomes one line on stderr and exit status 2; nothing the
core raises reaches a user as a traceback.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import click

from grader.batch import classroom, executors
from grader.batch import runner as batching
from grader.course import catalog, kit
from grader.course import verify as verification
from grader.course.catalog import Exercise
from grader.course.verify import verify as verify_exercise
from grader.errors import GraderError, GradingFailed
from grader.grading.report import Report
from grader.grading.runner import grade as grade_submission
from grader.outputs import gradescope, summary
from grader.outputs.text import render_text


class CommandError(click.UsageError):
    """Bad input from the user: shown as one line, exit status 2."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


class GraderGroup(click.Group):
    """A group whose usage errors, Click's own included, are one line long."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CommandError:
            raise
        except click.UsageError as error:
            raise CommandError(error.format_message()) from None


@contextlib.contextmanager
def _reported() -> Iterator[None]:
    """Turn the core's errors into one-line messages."""
    try:
        yield
    except GradingFailed as error:
        raise click.ClickException(str(error)) from None
    except GraderError as error:
        raise CommandError(str(error)) from None


def _exercise(ctx: click.Context, exercise_id: str) -> Exercise:
    with _reported():
        return catalog.find(exercise_id, ctx.obj["exercises"])


def _file(path: str) -> Path:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"no file at {path}")
    return file


_format = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="How to print the result.",
)  # fmt: skip


@click.group(cls=GraderGroup)
@click.option(
    "--exercises", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The course's exercises folder (default: $GRADER_EXERCISES, then the repository's).",
)  # fmt: skip
@click.version_option(package_name="asyncio-grader")
@click.pass_context
def cli(ctx: click.Context, exercises: Path | None) -> None:
    """Grade asyncio exercises: run the checks, report a score and feedback."""
    with _reported():
        ctx.obj = {"exercises": catalog.exercises_dir(exercises)}


@cli.command("list")
@_format
@click.pass_context
def list_(ctx: click.Context, fmt: str) -> None:
    """List the exercises: id, title and points."""
    with _reported():
        exercises = catalog.catalog(ctx.obj["exercises"])
    if fmt == "json":
        rows = [{"id": e.id, "title": e.title, "points": e.points} for e in exercises]
        click.echo(json.dumps(rows, indent=2))
        return
    for e in exercises:
        click.echo(f"{e.id:<16} {e.points:>5g}  {e.title}")


@cli.command()
@click.argument("exercise")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--force", is_flag=True, help="Overwrite files that are already there.")
@click.pass_context
def start(ctx: click.Context, exercise: str, dest: Path, force: bool) -> None:
    """Write an exercise's stub and task text into DEST to start from."""
    found = _exercise(ctx, exercise)
    with _reported():
        written = kit.start(found, dest, force=force)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: edit {written[0]}, then run: grader check {found.id} {written[0]}")


@cli.command()
@click.argument("exercise")
@click.argument("file")
@_format
@click.option("--seed", type=int, default=None, help="Seed the checks' random waits.")
@click.pass_context
def check(ctx: click.Context, exercise: str, file: str, fmt: str, seed: int | None) -> None:
    """Run the public checks on FILE; exit 0 only when all of them pass."""
    report = _grade(ctx, exercise, file, hidden=False, seed=seed)
    _show(report, fmt)
    ctx.exit(0 if report.passed else 1)


@cli.command()
@click.argument("exercise")
@click.argument("file")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "gradescope"]), default="text",
    show_default=True, help="How to print the result (gradescope: its results.json).",
)  # fmt: skip
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Write the result to this file instead of printing it.",
)  # fmt: skip
@click.option("--seed", type=int, default=None, help="Seed the checks' random waits.")
@click.pass_context
def grade(
    ctx: click.Context, exercise: str, file: str, fmt: str, output: Path | None, seed: int | None
) -> None:
    """Run every check, public and hidden, on FILE and print the report."""
    _show(_grade(ctx, exercise, file, hidden=True, seed=seed), fmt, output)


@cli.command()
@click.argument("exercises", nargs=-1)
@click.option(
    "--draws", type=click.IntRange(min=1), default=None,
    help="Grade every file with N different seeds: the solution, the stub and every "
    "example submission (tests/submissions/<id>/ok_*.py, bad_*.py); fail when any check's "
    "verdict differs between seeds.",
)  # fmt: skip
@click.option(
    "--submissions", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The folder of example submissions, one folder per exercise "
    "(default: tests/submissions beside the exercises folder).",
)  # fmt: skip
@click.option(
    "--parallel", type=click.IntRange(min=1), default=2, show_default=True,
    help="Gradings at once.",
)  # fmt: skip
@click.pass_context
def verify(
    ctx: click.Context, exercises: tuple[str, ...], draws: int | None,
    submissions: Path | None, parallel: int,
) -> None:  # fmt: skip
    """Check that each reference solution scores full marks and each stub 0."""
    with _reported():
        chosen = [catalog.find(e, ctx.obj["exercises"]) for e in exercises] or catalog.catalog(
            ctx.obj["exercises"]
        )
    if draws is not None:
        folder = submissions or Path(ctx.obj["exercises"]).parent / "tests" / "submissions"
        with _reported():
            ok = _verify_draws(chosen, draws, folder if folder.is_dir() else None, parallel)
        ctx.exit(0 if ok else 1)
    failures = 0
    with _reported(), ThreadPoolExecutor(parallel) as pool:
        results = list(pool.map(verify_exercise, chosen))
    for exercise, result in zip(chosen, results, strict=True):
        sol, stub = result.solution, result.stub
        verdict = "ok" if result.ok else "FAILED"
        click.echo(
            f"{exercise.id:<16} solution {sol.score:g}/{sol.max_score:g}  "
            f"stub {stub.score:g}/{stub.max_score:g}  {verdict}"
        )
        for problem in result.problems:
            click.echo(f"  - {problem}")
        failures += not result.ok
    ctx.exit(1 if failures else 0)


def _verify_draws(
    chosen: list[Exercise], draws: int, submissions: Path | None, parallel: int
) -> bool:
    """`verify --draws`: every file, N seeds, the same verdicts on each; print a row per file."""
    files = [
        target
        for exercise in chosen
        for target in verification.targets(exercise, submissions, stub=True)
    ]
    with_seeds = verification.seeds(draws)
    click.echo(f"{len(files)} files x {draws} seeds ({', '.join(map(str, with_seeds))})")
    problems = 0

    def row(result: verification.Stability) -> None:
        nonlocal problems
        found = verification.problems(result)
        problems += bool(found)
        scores = " ".join(f"{d.score:g}" for d in result.draws)
        click.echo(f"{result.target.label:<44} {scores}  {'FAILED' if found else 'ok'}")
        for problem in found:
            click.echo(f"  - {problem}")

    verification.stability(files, with_seeds, parallel=parallel, done=row)
    click.echo(f"{len(files) - problems}/{len(files)} files kept their verdicts on every seed")
    return problems == 0


@cli.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into OUT_DIR even if it is not empty.")
@click.pass_context
def release(ctx: click.Context, out_dir: Path, force: bool) -> None:
    """Write the student kit: stubs, task texts and public checks, nothing hidden."""
    with _reported():
        exercises = catalog.catalog(ctx.obj["exercises"])
        kit.release(exercises, out_dir, force=force)
    click.echo(f"wrote the kit for {len(exercises)} exercises to {out_dir}")
    click.echo(f"students run: grader check EXERCISE FILE --exercises {out_dir}")


def _grade(
    ctx: click.Context, exercise: str, file: str, *, hidden: bool, seed: int | None
) -> Report:
    found = _exercise(ctx, exercise)
    with _reported():
        return grade_submission(found, _file(file), hidden=hidden, seed=seed, label=file)


def _show(report: Report, fmt: str, output: Path | None = None) -> None:
    if fmt == "gradescope":
        text = json.dumps(gradescope.results(report), indent=2)
    elif fmt == "json":
        text = json.dumps(report.to_dict(), indent=2)
    else:
        text = render_text(report)
    if output is None:
        click.echo(text)
        return
    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot write {output}: {error.strerror or error}") from None


@cli.command()
@click.argument("class_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
    help="Where to write grades.csv and a JSON report per student and exercise.",
)  # fmt: skip
@click.option("--resume", is_flag=True, help="Grade only what has no report in OUT yet.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=None,
    help="Submissions graded at once on this machine (default: 2 per core).",
)  # fmt: skip
@click.option(
    "--scheduler", metavar="tcp://HOST:PORT", default=None,
    help="Grade on this dask.distributed cluster (pip install 'asyncio-grader[dask]'); "
    "its workers need the exercises and class folders at the same paths.",
)  # fmt: skip
@click.option(
    "--exercise", "only", multiple=True, metavar="EXERCISE",
    help="Grade only this exercise (repeatable; default: every exercise handed in).",
)  # fmt: skip
@click.option(
    "--strict-timing", is_flag=True,
    help="Also re-grade alone a file that failed a timing check next to other failures "
    "(slower; by default only files whose only failures are timing checks are).",
)  # fmt: skip
@click.option("--seed", type=int, default=None, help="Seed the checks' random waits.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
@click.pass_context
def batch(
    ctx: click.Context, class_dir: Path, out_dir: Path, resume: bool, workers: int | None,
    scheduler: str | None, only: tuple[str, ...], strict_timing: bool, seed: int | None,
    quiet: bool,
) -> None:  # fmt: skip
    """Grade a whole class: CLASS_DIR/<student>/<exercise>.py, several at a time.

    Writes OUT/grades.csv and OUT/<student>/<exercise>.json; exit 1 when some
    file could not be graded (run again with --resume).
    """
    with _reported():
        exercises = catalog.catalog(ctx.obj["exercises"])
        found = classroom.scan(class_dir, exercises, only=only, skip=out_dir)
    with _reported(), contextlib.ExitStack() as stack:
        if scheduler:
            executor = stack.enter_context(executors.dask_executor(scheduler))
        else:
            executor = stack.enter_context(
                executors.local_executor(workers or executors.default_workers())
            )
        result = batching.run(
            found, out_dir, ctx.obj["exercises"], executor, resume=resume, seed=seed,
            strict_timing=strict_timing, progress=None if quiet else _progress_bar(stack),
        )  # fmt: skip
    if not quiet:
        click.echo(summary.render_summary(result))
    ctx.exit(1 if result.unfinished else 0)


def _progress_bar(stack: contextlib.ExitStack) -> Callable[[batching.Progress], None]:
    """A callback for the batch that draws a progress bar on stderr, opened on first use."""
    bars: list[Any] = []

    def show(progress: batching.Progress | None) -> str:
        if progress is None:
            return ""
        doing = f", re-grading {progress.current} alone" if progress.current else ""
        return (
            f"{progress.students_done}/{progress.students} students, "
            f"{progress.failed} with failures{doing}"
        )

    def update(progress: batching.Progress) -> None:
        if not bars:
            bar = click.progressbar(
                length=progress.total, label="grading", item_show_func=show, show_pos=True,
                file=sys.stderr,
            )  # fmt: skip
            bars.append(stack.enter_context(bar))
        bar = bars[0]
        bar.update(progress.done - bar.pos, progress)

    return update


def main() -> None:
    """Console entry point; the last guard against a traceback reaching a user."""
    try:
        cli.main(prog_name="grader")
    except Exception as error:
        click.echo(
            f"Error: the grader failed unexpectedly: {type(error).__name__}: {error}", err=True
        )
        sys.exit(3)
