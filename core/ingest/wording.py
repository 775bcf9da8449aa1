"""Numbers in the sentences ``core.ingest`` writes, in the language core speaks now.

English keeps the grouping it always had (``8,825``); German and Dutch write ``8.825``. Babel is
imported on the first number, not with the reader, so a command that reads no file starts quickly.
Row and column numbers are left as they are: a spreadsheet shows them without grouping.
"""

from __future__ import annotations

from core.i18n import current


def number(value: float, *, digits: int = 0) -> str:
    """``value`` with the current language's grouping and decimal marks: ``8,825`` (en), ``8.825`` (de, nl)."""
    from core.i18n.formats import format_number

    return format_number(value, current().language, digits=digits)
