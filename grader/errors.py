"""What can stop the grader from grading: bad input, or a broken exercise.

A submission that fails is not an error of the grader: its failures are data
in the report. These exceptions mean the grader itself could not grade, and
the command line turns each into a one-line message.
"""

from __future__ import annotations


class GraderError(Exception):
    """The grader could not do what was asked; the message says why, in one line."""


class UnknownExercise(GraderError):
    """No exercise has that id."""


class MissingFile(GraderError):
    """A file or folder the grader was pointed at does not exist."""


class BadExercise(GraderError):
    """An exercise's files are malformed (its exercise.yaml, its checks)."""


class BadClass(GraderError):
    """A class folder that cannot be graded as it is (a student folder's name, say)."""


class BadOutput(GraderError):
    """Where the results should go cannot hold them (inside the class, not writable)."""


class GradingFailed(GraderError):
    """The checks themselves could not be run to the end."""
