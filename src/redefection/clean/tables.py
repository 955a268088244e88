"""Data tables inside a story: a year-by-year count kept as one line of the body.

A story's small tables are dropped with the page furniture (see ``html.TABLE_SHARE``), but a table
that counts something by year ("Year | Cases", "2012 | 7") holds figures the text does not repeat.
Such a table becomes one line: its caption, then its rows as ``label value`` pairs separated by
semicolons ("Re-defections by year of return: 2012 7; 2013 7; Total 31"), so the claims stage reads
it like a per-year breakdown. Rows that are not a label and a number leave the table out.
"""

from __future__ import annotations

import re

from ._text import normalize_space

YEAR_LABEL = re.compile(r"^(?:19|20)\d\d\s?(?:년|年)?$")
TOTAL_LABEL = re.compile(r"^(?:total|sum|합계|총계|계|总计|總計|合计|合計)$", re.IGNORECASE)
COUNT = re.compile(r"^\d{1,3}(?:,\d{3})*$|^\d+$")
SEPARATOR = re.compile(r"^\|?\s*:?-{3,}")
MIN_ROWS = 3


def _cells(line: str) -> list[str]:
    return [normalize_space(cell.replace("\\|", "|")) for cell in line.strip().strip("|").split(" | ")]


def data_table(rows: list[str]) -> str | None:
    """One body line for a year-by-year count table given as markdown rows, or None for any other table."""
    caption: str | None = None
    pairs: list[str] = []
    for line in rows:
        if SEPARATOR.match(line.strip()):
            continue
        cells = [cell.strip("| ") for cell in _cells(line)]
        filled = [cell for cell in cells if cell]
        if len(filled) == 1 and not pairs and caption is None and not COUNT.match(filled[0]):
            caption = filled[0]
            continue
        if len(filled) != 2:
            continue
        label, value = filled
        if COUNT.match(value) and (YEAR_LABEL.match(label) or TOTAL_LABEL.match(label)):
            pairs.append(f"{label} {value}")
        elif pairs:
            return None  # a row of another shape after the counts: not a simple count table
    if sum(1 for pair in pairs if YEAR_LABEL.match(pair.rsplit(" ", 1)[0])) < MIN_ROWS:
        return None
    rows_text = "; ".join(pairs)
    return f"{caption}: {rows_text}" if caption else rows_text
