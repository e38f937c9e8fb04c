"""The file given to `check` and `grade`: a folder or a FIFO is named as such."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import one_line_error, run

# -- the file given ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "grade"])
def test_a_folder_or_a_fifo_given_as_the_file_is_named_as_such(
    tmp_path: Path, command: str
) -> None:
    folder = tmp_path / "count-sync.py"
    folder.mkdir()
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    extra = ["--no-isolation"] if command == "grade" else []
    said = one_line_error(run(command, "count-sync", str(folder), *extra))
    assert said == (
        f"Error: {folder} is a folder, not a file: give the path of the submission file itself"
    )
    said = one_line_error(run(command, "count-sync", str(fifo), *extra))  # never blocks on it
    assert f"{fifo} is a FIFO (a named pipe), not a file" in said
    said = one_line_error(run(command, "count-sync", str(tmp_path / "missing.py"), *extra))
    assert said == f"Error: no file at {tmp_path / 'missing.py'}"
