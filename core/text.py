"""Text safe to write anywhere: no C0/C1 control characters, one line where one line is meant, long values cut.

XML (so XLSX and Word) cannot hold most control characters, a PDF font has no glyph for them, and a
terminal obeys them (``ESC [31m`` turns the rest of the screen red, ``ESC ]`` can set a window title or
a link). Text that came from an uploaded file or a form is therefore cleaned twice: once at import,
with a warning per cell (:mod:`core.ingest.importer`), and again by every writer on its own (export,
plan documents, the audit trail, the command line), so neither side relies on the other.

Terminal escape sequences (CSI ``ESC [ … m`` and its one-byte form ``\\x9b``, OSC ``ESC ] … BEL``) are
removed whole, so ``"\\x1b[31mBen"`` becomes ``"Ben"``, not ``"[31mBen"``. Control characters that
separate words (vertical tab, form feed, the information separators, NEL) become a space; the rest
are dropped.
"""

from __future__ import annotations

import io
import re
from typing import TextIO

from core.i18n import current, ngettext

# An escape sequence as terminals read it, or one control character other than TAB, LF and CR.
# Bounded, so an unterminated sequence costs only its ESC, never the rest of a name.
_SEQUENCE = r"(?:\x1b\[|\x9b)[0-?]{0,32}[ -/]{0,8}[@-~]|\x1b\][^\x07\x1b\x9c]{0,256}(?:\x07|\x1b\\|\x9c)"
_UNSAFE = re.compile(_SEQUENCE + r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_UNSAFE_ONE_LINE = re.compile(_SEQUENCE + r"|[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACE_LIKE = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029")

LONG_VALUE = 60
"""Values longer than this many characters are cut in messages (:func:`shorten`)."""


def _replacement(match: re.Match[str]) -> str:
    return " " if match.group() in _SPACE_LIKE else ""


def safe_text(text: str, *, one_line: bool = False) -> str:
    """Return ``text`` without C0/C1 control characters or terminal escape sequences.

    Args:
        text: Any text.
        one_line: Also replace TAB, CR, LF and the Unicode line separators with a space (for names,
            teams and other single-line fields). Otherwise TAB and line breaks are kept (free text).

    Returns:
        The text, unchanged when it had nothing unsafe.
    """
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE
    return pattern.sub(_replacement, text)


def has_unsafe(text: str, *, one_line: bool = False) -> bool:
    """Whether :func:`safe_text` would change ``text``."""
    return (_UNSAFE_ONE_LINE if one_line else _UNSAFE).search(text) is not None


def unsafe_parts(text: str, *, one_line: bool = False) -> list[str]:
    """The pieces :func:`safe_text` would remove or replace, written visibly (``"\\x1b[31m"``, ``"\\x07"``)."""
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE
    return [match.group().encode("unicode_escape").decode("ascii") for match in pattern.finditer(text)]


def clean(text: object, *, limit: int = 4000) -> str:
    """Make user-supplied text safe for a one-line record: no CR/LF or control characters.

    Args:
        text: Anything; ``None`` becomes an empty string.
        limit: The longest text kept, in characters.

    Returns:
        The text with control characters replaced by a space, runs of spaces folded, trimmed.
    """
    if text is None:
        return ""
    return " ".join(_UNSAFE_ONE_LINE.sub(" ", str(text)).split())[:limit]


def shorten(value: object, limit: int = LONG_VALUE) -> str:
    """A value as one safe line for a message, cut after ``limit`` characters with "…" and its length.

    ``shorten("x" * 10_000)`` is ``"xxx…xxx… (10,000 characters)"`` with 60 ``x`` — enough to find the cell.
    """
    text = safe_text(str(value), one_line=True)
    if len(text) <= limit:
        return text
    from core.i18n.formats import format_number  # Babel only when a value is this long

    length = ngettext("({n} character)", "({n} characters)", len(text)).format(
        n=format_number(len(text), current().language)
    )
    return f"{text[:limit]}… {length}"


def terminal_text(text: str) -> str:
    """Text for a terminal: lines and TABs kept, every other control character and escape sequence gone."""
    return safe_text(text).replace("\r\n", "\n").replace("\r", "")


class TerminalStream(io.TextIOBase):
    """A text stream that passes everything written through :func:`terminal_text` to ``stream``.

    ``buffer`` is the wrapped stream's own, so binary exports (already cleaned by their writers) go
    out byte for byte.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` without control characters; return its length as given (as ``print`` expects)."""
        self._stream.write(terminal_text(text))
        return len(text)

    def flush(self) -> None:
        """Flush the wrapped stream."""
        self._stream.flush()

    def writable(self) -> bool:
        """Always: this is an output stream."""
        return True

    def isatty(self) -> bool:
        """Whether the wrapped stream is a terminal."""
        return self._stream.isatty()

    @property
    def buffer(self) -> io.BufferedIOBase:
        """The wrapped stream's binary buffer."""
        return self._stream.buffer  # type: ignore[return-value]


_MARKDOWN_ACTIVE = re.compile(
    r"[\\`*_~$\[\]<>|#]"  # emphasis, code, LaTeX, links, HTML, tables, headings
    r"|:(?=[A-Za-z/])"  # Streamlit's :red[…] / :material/…: directives and :emoji: shortcodes; "://" of a URL
    r"|(?<=www)\.",  # a bare www. address would become a live link
    re.IGNORECASE,
)


def markdown_text(text: str) -> str:
    """``text`` as Markdown that shows exactly these characters: nothing in it formats, links or runs LaTeX.

    A name like ``$x^2$``, ``:red[Ann]`` or ``[Ann](https://example.com)`` comes from an uploaded file or
    a form; put into Streamlit's Markdown as it is, it would render as a formula, coloured text or a
    live link. Each active character gets a backslash, which Markdown shows as the character itself.
    """
    return _MARKDOWN_ACTIVE.sub(lambda m: "\\" + m.group(0), text)
