"""Values cross as JSON only, and come back as they were."""

from __future__ import annotations

import json

import pytest

from grader.sandbox.codec import Opaque, Ref, decode, encode
from grader.sandbox.wire import Op, dumps, loads


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        2.5,
        "text",
        [1, [2, "x"]],
        (1, (2, 3)),
        {8: 0.4, 12: 0.2},
        {"a": 1, "$b": 2},
        {(1, 2): "pair"},
        {1, 2, 3},
        {"nested": [{"k": (1, None)}]},
    ],
)
def test_round_trip(value: object) -> None:
    data = encode(value)
    assert decode(json.loads(json.dumps(data))) == value


def test_unknown_values_become_opaque() -> None:
    class Thing:
        def __repr__(self) -> str:
            return "<thing>"

    assert decode(encode(Thing())) == Opaque("Thing", "<thing>")
    assert decode(encode(ValueError("no"))) == Opaque("ValueError", "ValueError('no')")


def test_a_repr_that_raises_does_not_break_encoding() -> None:
    class Nasty:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    assert decode(encode(Nasty())).type == "Nasty"


def test_callables_become_refs_resolved_by_the_receiver() -> None:
    def register(value: object) -> Ref | None:
        return Ref(7, "async") if callable(value) else None

    data = encode([print, 1], register)
    assert decode(data, lambda ref: ("stand-in", ref.id, ref.kind)) == [("stand-in", 7, "async"), 1]


def test_messages_are_single_json_lines() -> None:
    line = dumps({"op": Op.PONG, "text": "a\nb"})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert loads(line) == {"op": "pong", "text": "a\nb"}
    with pytest.raises(ValueError):
        loads(b"[1, 2]")
    with pytest.raises(ValueError):  # a name no side sends
        loads(b'{"op": "run_this"}')
