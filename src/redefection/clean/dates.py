"""Find calendar dates written in English, Korean, Chinese or numeric form."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH_NAME = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
PATTERNS = [
    # 2022-01-03, 2022/01/06, 2016.03.07, 2024. 10. 11
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*[-/.]\s*(?P<m>[01]?\d)\s*[-/.]\s*(?P<d>[0-3]?\d)(?!\d)"),
    # 2016年1月19日, 2022년 1월 4일
    re.compile(r"(?P<y>(?:19|20)\d\d)\s*[年년]\s*(?P<m>[01]?\d)\s*[月월]\s*(?P<d>[0-3]?\d)\s*[日일]?"),
    # June 29, 2012 / Jan. 18, 2016 / Apr 4, 2013
    re.compile(MONTH_NAME + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)", re.I),
    # 29 June 2012
    re.compile(r"(?<!\d)(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+" + MONTH_NAME + r",?\s+(?P<y>(?:19|20)\d\d)", re.I),
]


def _month(text: str) -> int:
    return MONTHS[text.lower()[:3]]


def find_dates(text: str) -> list[tuple[int, date]]:
    """Every valid date in ``text`` with its character offset, in order of appearance."""
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []
    for pattern in PATTERNS:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            groups = m.groupdict()
            try:
                month = int(groups["m"]) if groups.get("m") else _month(groups["mon"])
                value = date(int(groups["y"]), month, int(groups["d"]))
            except (ValueError, KeyError):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), value))
    return sorted(found, key=lambda item: item[0])


def first_date(text: str) -> date | None:
    dates = find_dates(text)
    return dates[0][1] if dates else None
