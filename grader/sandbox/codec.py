"""Plain-data encoding of values that cross between the grader and a submission.

Only JSON crosses the process boundary, never pickle: a submission can send
nothing that runs code on the trusted side. JSON alone would lose what the
catalog's contracts need (integer dict keys, tuples, callables the checks pass
in), so such values are wrapped in one-key objects whose key starts with "$".

This module is imported by the child too, so it uses the standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Opaque:
    """A value that cannot cross as data, seen from the other side by type and repr."""

    type: str
    repr: str

    def __repr__(self) -> str:
        return self.repr


@dataclass(frozen=True)
class Ref:
    """A callable of the other side, by number; `kind` says how the receiver builds it."""

    id: int
    kind: str  # "async", "sync", "coro", "task", "future" or "aiter"
    args: tuple[Any, ...] = ()


def encode(value: Any, register: Callable[[Any], Ref | None] | None = None) -> Any:
    """Turn `value` into JSON-able data; `register` turns a callable into a `Ref`."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Ref):
        return {"$ref": [value.id, value.kind, [encode(a, register) for a in value.args]]}
    if isinstance(value, list):
        return [encode(v, register) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, register) for v in value]}
    if isinstance(value, set | frozenset):
        return {"$set": [encode(v, register) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v, register) for k, v in value.items()}
        return {"$dict": [[encode(k, register), encode(v, register)] for k, v in value.items()]}
    if isinstance(value, BaseException):
        return {"$exc": [type_name(value), _safe_str(value)]}
    if register is not None:
        ref = register(value)  # callables, and the checks' coroutine/task/future requests
        if ref is not None:
            return encode(ref, register)
    return {"$opaque": [type_name(value), _safe_repr(value)]}


def decode(data: Any, resolve: Callable[[Ref], Any] | None = None) -> Any:
    """Inverse of `encode`; `resolve` builds this side's stand-in for a `Ref`."""
    if isinstance(data, list):
        return [decode(v, resolve) for v in data]
    if not isinstance(data, dict):
        return data
    if len(data) == 1:
        ((key, body),) = data.items()
        if key == "$tuple":
            return tuple(decode(v, resolve) for v in body)
        if key == "$set":
            return {_hashable(decode(v, resolve)) for v in body}
        if key == "$dict":
            return {_hashable(decode(k, resolve)): decode(v, resolve) for k, v in body}
        if key == "$exc":
            return Opaque(str(body[0]), f"{body[0]}({body[1]!r})")
        if key == "$opaque":
            return Opaque(str(body[0]), str(body[1]))
        if key == "$ref":
            ref = Ref(int(body[0]), str(body[1]), tuple(decode(a, resolve) for a in body[2]))
            return resolve(ref) if resolve is not None else Opaque("callable", f"<ref {ref.id}>")
    return {k: decode(v, resolve) for k, v in data.items()}


def _hashable(value: Any) -> Any:
    """`value` as a set element or a dict key: what crossed as a set was a frozenset there."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, set):
        return frozenset(_hashable(v) for v in value)
    return value


def type_name(value: Any) -> str:
    try:
        return str(type(value).__name__)
    except Exception:  # a metaclass of the submission's that raises on the name
        return "object"


def _safe_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # a submission's __repr__ may raise
        text = f"<{type_name(value)}>"
    return text[:300]


def _safe_str(value: BaseException) -> str:
    try:
        text = str(value)
    except Exception:
        text = ""
    return text[:1000]
