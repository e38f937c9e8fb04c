"""Wording the views share: small enough to import from any of them without a cycle."""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`1 submission`, `2 submissions`: a count and its noun, in agreement."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"
