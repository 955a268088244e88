"""Time expressions in a sentence, resolved against the article's date when they are relative.

Values keep the precision the text supports: "2017" -> "2017", "November 2020"
-> "2020-11", "on July 19" in an article dated 2020-07-27 -> "2020-07-19",
"last week" -> the month ("2020-07"). A relative expression in an undated
article resolves to None: the text does not say which year.

A ``context`` (the date of the section a sentence sits in, e.g. the heading
"June 2012" of a timeline) places months and days given without a year: "went
back in May" under that heading is "2012-05". ``year_before`` is the year an
earlier sentence named: "同年6月", "later that year" take it when their own
sentence names none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from ._literals import Needs, absent, pattern_needs

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
MONTH = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
YEAR = r"(?P<y>(?:19|20)\d\d)"


@dataclass(frozen=True, slots=True)
class TimeMention:
    start: int
    end: int
    value: str | None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"; None when it cannot be placed


def _ymd(y: int, m: int | None = None, d: int | None = None) -> str | None:
    try:
        if d is not None and m is not None:
            return date(y, m, d).isoformat()
    except ValueError:
        return None
    if m is not None:
        return f"{y:04d}-{m:02d}" if 1 <= m <= 12 else None
    return f"{y:04d}"


def _year_for(month: int, day: int | None, today: date | None, context: str | None = None) -> int | None:
    """The year of a month (and day) mentioned without one: the latest not after the section's date
    (``context``, "2012" or "2012-06") or else the article's."""
    if context is not None:
        year = int(context[:4])
        return year if len(context) < 7 or month <= int(context[5:7]) else year - 1
    if today is None:
        return None
    candidate = date(today.year, month, min(day or 1, 28))
    return today.year if candidate <= today else today.year - 1


def _month_shift(today: date, months: int) -> str:
    index = today.year * 12 + today.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


Resolver = tuple[re.Pattern[str], str]
SAME_YEAR = "same-year-"  # a month whose year is the one named before it in the sentence

EN: list[Resolver] = [
    (re.compile(r"\bin " + MONTH + r",? (?:of )?(?:that|the same) year\b"), "same_year"),
    (re.compile(r"\bthat " + MONTH + r"(?![\s,]*\d)"), "same_year"),
    (re.compile(r"\b(?:(?:earlier|later) (?:in )?|in )?(?:that|the same) year\b", re.I), "same_year"),
    (re.compile(MONTH + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+" + YEAR, re.I), "ymd"),
    (re.compile(r"(?<!\d)(?P<d>[0-3]?\d)\s+" + MONTH + r",?\s+" + YEAR, re.I), "ymd"),
    (re.compile(r"New Year'?s (?:Day|Eve)(?:,?\s+" + YEAR + r")?", re.I), "newyear"),
    (re.compile(MONTH + r",?\s+(?:of\s+)?" + YEAR, re.I), "ym"),
    (re.compile(r"(?:late|early|mid-?)\s*" + YEAR, re.I), "y"),
    (re.compile(r"\b(?:[Ii]n )?(?:[Ll]ate|[Ee]arly|[Mm]id-?)\s*" + MONTH + r"(?!\s*\d)"), "m"),
    (re.compile(r"\b(?:[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y) " + MONTH + r"(?![\s,]*\d)"), "m"),
    (re.compile(MONTH + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b", re.I), "md"),
    (re.compile(r"\b(?:in|since|from|by|until|during|of|around)\s+" + YEAR + r"\b"), "y"),
    (re.compile(r"\b(?:earlier |later )?this month\b", re.I), "this_month"),
    (re.compile(r"\blast month\b", re.I), "last_month"),
    (re.compile(r"\blast week(?:end)?\b", re.I), "last_week"),
    (re.compile(r"\b(?:earlier )?this year\b", re.I), "this_year"),
    (re.compile(r"\blast year\b", re.I), "last_year"),
    (re.compile(r"\byesterday\b", re.I), "yesterday"),
    (
        re.compile(
            r"\b(?:on|early|late|(?:early|late) on) (?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
        ),
        "weekday",
    ),
    (re.compile(YEAR), "y"),
]
CJK_DAY = r"(?:\s*(?P<d>[0-3]?\d)\s*[日일号號])?"
CJK: list[Resolver] = [
    # "주체100(2011)년 10월": the North's calendar, with the common year in brackets
    (re.compile(r"\((?P<y>(?:19|20)\d\d)\)\s*[年년]\s*(?P<m>1[0-2]|0?[1-9])\s*[月월]"), "ym_num"),
    (re.compile(YEAR + r"\s*[年년]\s*(?:새해 첫날|元旦|新年第一天)"), "newyear"),
    (re.compile(YEAR + r"\s*[年년]\s*(?P<m>1[0-2]|0?[1-9])\s*[月월]\s*(?P<d>[0-3]?\d)\s*[日일]"), "ymd_num"),
    (re.compile(YEAR + r"\s*[年년]\s*(?P<m>1[0-2]|0?[1-9])\s*[月월]"), "ym_num"),
    (re.compile(YEAR + r"\s*[年년]"), "y"),
    (re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d\d)[-./](?P<m>1[0-2]|0?[1-9])[-./](?P<d>[0-3]?\d)(?!\d)"), "ymd_num"),
    (re.compile(r"(?:同年|같은 해|그해|그 해)\s*(?P<m>1[0-2]|0?[1-9])\s*[月월]"), "same_year"),
    (re.compile(r"(?:지난해|작년|去年)\s*(?P<m>1[0-2]|0?[1-9])\s*[月월]" + CJK_DAY), "last_year_month"),
    (re.compile(r"(?:올해|今年)\s*(?P<m>1[0-2]|0?[1-9])\s*[月월]" + CJK_DAY), "this_year_month"),
    (re.compile(r"同年|같은 해|그해|그 해"), "same_year"),
    (re.compile(r"새해 첫날|元旦|新年第一天"), "newyear"),
    (re.compile(r"(?:이번 달|이달|本月|这个月|這個月)\s*(?P<d>[0-3]?\d)\s*[日일号號]"), "this_month_day"),
    (re.compile(r"(?:지난달|上个月|上個月|上月)\s*(?P<d>[0-3]?\d)\s*[日일号號]"), "last_month_day"),
    (re.compile(r"(?<!\d)(?P<m>1[0-2]|0?[1-9])\s*[月월]\s*(?P<d>[0-3]?\d)\s*[日일](?!\s*간)"), "md_num"),
    (re.compile(r"(?<![\d년年월月])(?P<d>[1-3]?\d)\s*[日일](?![간째])"), "d_num"),
    (re.compile(r"이번 달|이달|本月|这个月|這個月"), "this_month"),
    (re.compile(r"지난달|上个月|上個月|上月"), "last_month"),
    (re.compile(r"지난주|上周|上週|上星期"), "last_week"),
    (re.compile(r"올해|今年"), "this_year"),
    (re.compile(r"지난해|작년|去年"), "last_year"),
    (re.compile(r"어제|전날|昨天|昨日"), "yesterday"),
]


def _resolve(kind: str, m: re.Match[str], today: date | None, context: str | None) -> str | None:
    g = m.groupdict()
    if kind in ("ymd", "ymd_num"):
        month = MONTHS[g["mon"].lower()[:3]] if g.get("mon") else int(g["m"])
        return _ymd(int(g["y"]), month, int(g["d"]))
    if kind in ("ym", "ym_num"):
        month = MONTHS[g["mon"].lower()[:3]] if g.get("mon") else int(g["m"])
        return _ymd(int(g["y"]), month)
    if kind == "y":
        return _ymd(int(g["y"]))
    if kind == "newyear":
        year = int(g["y"]) if g.get("y") else int(context[:4]) if context else (today.year if today else None)
        return _ymd(year, 1, 1) if year else None
    if kind == "m":
        month = MONTHS[g["mon"].lower()[:3]]
        year = _year_for(month, None, today, context)
        return _ymd(year, month) if year else None
    if kind in ("md", "md_num"):
        month = MONTHS[g["mon"].lower()[:3]] if g.get("mon") else int(g["m"])
        year = _year_for(month, int(g["d"]), today, context)
        return _ymd(year, month, int(g["d"])) if year else None
    if today is None:
        return None
    if kind == "d_num":
        day = int(g["d"])
        if not 1 <= day <= 31:
            return None
        base = today if day <= today.day else today.replace(day=1) - timedelta(days=1)
        return _ymd(base.year, base.month, day)
    if kind in ("this_month_day", "last_month_day"):
        base = today if kind == "this_month_day" else today.replace(day=1) - timedelta(days=1)
        return _ymd(base.year, base.month, int(g["d"]))
    if kind == "this_month":
        return _month_shift(today, 0)
    if kind == "last_month":
        return _month_shift(today, -1)
    if kind == "last_week":
        return (today - timedelta(days=7)).isoformat()[:7]
    if kind in ("this_year_month", "last_year_month"):
        year = today.year - (kind == "last_year_month")
        return _ymd(year, int(g["m"]), int(g["d"])) if g.get("d") else _ymd(year, int(g["m"]))
    if kind == "this_year":
        return _ymd(today.year)
    if kind == "last_year":
        return _ymd(today.year - 1)
    if kind == "yesterday":
        return (today - timedelta(days=1)).isoformat()
    if kind == "weekday":
        back = (today.weekday() - WEEKDAYS[g["wd"].lower()]) % 7  # same weekday: the article's own day
        return (today - timedelta(days=back)).isoformat()
    return None


# Every expression above holds one of these; a sentence without any is skipped at once.
TRIGGER = re.compile(
    r"\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|New Year|(?i:this|last|yesterday|day\b|year\b)|"
    r"새해|이번 달|이달|지난|올해|작년|어제|전날|같은 해|그해|그 해|"
    r"同年|元旦|新年|本月|这个月|這個月|上个月|上個月|上月|上周|上週|上星期|今年|去年|昨"
)


def find_times(
    text: str, language: str | None, today: date | None, context: str | None = None, year_before: str | None = None
) -> list[TimeMention]:
    """Every time expression in ``text``, longest first where they overlap, in order of position.

    ``context`` is the date of the text's section ("2012-06"); ``year_before`` the year named before it."""
    if not TRIGGER.search(text):
        return []
    rules = CJK if language in ("ko", "zh", "ja") else EN
    found: list[TimeMention] = []
    for (pattern, kind), needs in zip(rules, _needs(rules is CJK), strict=True):
        if absent(needs, text):
            continue
        for m in pattern.finditer(text):
            if any(t.start < m.end() and m.start() < t.end for t in found):
                continue
            month = m.groupdict().get("mon")
            if month and not month[0].isupper():  # "may" the verb, not May the month
                continue
            value = _resolve(kind, m, today, context) if kind != "same_year" else f"{SAME_YEAR}{_month_of(m)}"
            found.append(TimeMention(m.start(), m.end(), value))
    return _same_year(sorted(found, key=lambda t: t.start), year_before or (context[:4] if context else None))


@lru_cache(maxsize=2)
def _needs(cjk: bool) -> tuple[Needs | None, ...]:
    """The words each time pattern needs, in the order of its rules (see ``_literals``)."""
    return tuple(pattern_needs(pattern) for pattern, _ in (CJK if cjk else EN))


def _month_of(m: re.Match[str]) -> str:
    """ "-06" for "同年6月", "" for "that year" alone."""
    g = m.groupdict()
    if g.get("mon"):
        return f"-{MONTHS[g['mon'].lower()[:3]]:02d}"
    return f"-{int(g['m']):02d}" if g.get("m") else ""


def _same_year(found: list[TimeMention], year: str | None) -> list[TimeMention]:
    """ "同年6月", "같은 해 6월", "in June that year", "later that year": the year the same sentence named
    just before, else ``year`` (the one an earlier sentence named)."""
    out: list[TimeMention] = []
    for mention in found:
        value = mention.value
        if value is not None and value.startswith(SAME_YEAR):
            value = f"{year}{value[len(SAME_YEAR) :]}" if year else None
            mention = TimeMention(mention.start, mention.end, value)
        elif value is not None:
            year = value[:4]
        out.append(mention)
    return out
