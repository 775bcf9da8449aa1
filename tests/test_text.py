"""core.text: one helper decides what text is safe to write; escape sequences go whole, long values are cut."""

from __future__ import annotations

import io

import pytest

from core.text import TerminalStream, clean, safe_text, shorten, terminal_text, unsafe_parts


@pytest.mark.parametrize(
    ("raw", "free", "line"),
    [
        ("A\x07nna", "Anna", "Anna"),
        ("\x1b[31mBen\x1b[0m", "Ben", "Ben"),
        ("\x9b2JCarl", "Carl", "Carl"),
        ("\x1b]0;title\x07Dora", "Dora", "Dora"),
        ("Eva\x0bLuna", "Eva Luna", "Eva Luna"),
        ("note\tone\nline two\r\n", "note\tone\nline two\r\n", "note one line two  "),
        ("Zoë Brouwer — €", "Zoë Brouwer — €", "Zoë Brouwer — €"),
    ],
)
def test_safe_text(raw: str, free: str, line: str) -> None:
    """Control characters are dropped (escape sequences whole); TAB and line breaks survive only in free text."""
    assert safe_text(raw) == free
    assert safe_text(raw, one_line=True) == line


def test_unsafe_parts_names_what_is_removed_visibly() -> None:
    """The parts removed are written with visible escapes, for a warning a person can read."""
    assert unsafe_parts("\x1b[31mBen\x07") == ["\\x1b[31m", "\\x07"]
    assert unsafe_parts("Ben") == []


def test_clean_is_one_folded_line() -> None:
    """The audit trail's cleaner folds every control character and line break into single spaces."""
    assert clean("a\r\nb\x1b[31m  c\u2028d", limit=100) == "a b c d"
    assert clean(None) == "" and clean("x" * 10, limit=3) == "xxx"


def test_shorten_cuts_long_values_and_says_how_long() -> None:
    """A 10,000-character value becomes its first 60 characters, an ellipsis and its length."""
    assert shorten("x" * 10_000) == "x" * 60 + "… (10,000 characters)"
    assert shorten("short\x07") == "short"


def test_terminal_stream_drops_escape_codes_and_keeps_the_buffer() -> None:
    """Text written to the stream loses escape codes; bytes go to the wrapped buffer unchanged."""
    target = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    stream = TerminalStream(target)
    assert stream.write("\x1b[31mred\x1b[0m\tok\r\n") == len("\x1b[31mred\x1b[0m\tok\r\n")
    stream.flush()
    stream.buffer.write(b"raw")
    target.flush()
    assert target.buffer.getvalue() == b"red\tok\nraw"
    assert terminal_text("a\rb") == "ab"
