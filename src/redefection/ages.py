"""Ages as a reviewer types them and as pages show them: exact ("29") or a range ("30s", "about 30", "28-32").

An age is held as three numbers (``Person.age``, ``age_min``, ``age_max``):
an exact age has all three equal; a range has no ``age`` and inclusive
bounds. ``parse_age`` reads what a person types; ``age_text`` writes it back
the same way, so a form round-trips its value.
"""

from __future__ import annotations

import re

MAX_AGE = 120
ABOUT = 2  # "about 30" is 28-32: close enough to say the same person, far enough to show a conflict beyond it
DECADE_PARTS = {"early": (0, 3), "mid": (3, 6), "late": (7, 9)}

_EXACT = re.compile(r"^(\d{1,3})$")
_DECADE = re.compile(r"^(?:(early|mid|late)[\s-]*)?(\d{1,2})0\s*['’]?s$", re.IGNORECASE)
_ABOUT = re.compile(r"^(?:about|around|approximately|approx\.?|roughly|circa|c\.|~)\s*(\d{1,3})$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{1,3})\s*(?:-|–|—|to)\s*(\d{1,3})$", re.IGNORECASE)

AgeBounds = tuple[int | None, int | None, int | None]  # (age, age_min, age_max)


def parse_age(text: str) -> AgeBounds:
    """``(age, age_min, age_max)`` from "29", "30s", "early 30s", "about 30" or "28-32"; blank is unknown.

    Raises:
        ValueError: anything else, or an age outside 0-120, naming the field ``age``.
    """
    value = " ".join(text.split())
    if not value:
        return None, None, None
    if found := _EXACT.match(value):
        age = int(found.group(1))
        return _checked(age, age, age)
    if found := _DECADE.match(value):
        decade = int(found.group(2)) * 10
        low, high = DECADE_PARTS.get((found.group(1) or "").lower(), (0, 9))
        return _checked(None, decade + low, decade + high)
    if found := _ABOUT.match(value):
        age = int(found.group(1))
        return _checked(None, max(0, age - ABOUT), age + ABOUT)
    if found := _RANGE.match(value):
        low, high = int(found.group(1)), int(found.group(2))
        if low > high:
            raise ValueError(f"age: the range {value!r} runs backwards")
        return _checked(None, low, high) if low != high else _checked(low, low, low)
    raise ValueError(f"age: expected an age (29), a decade (30s, early 30s), about 30 or a range (28-32), got {text!r}")


def _checked(age: int | None, low: int, high: int) -> AgeBounds:
    if not 0 <= low <= high <= MAX_AGE:
        raise ValueError(f"age: expected ages from 0 to {MAX_AGE}, got {low}-{high}")
    return age, low, high


def age_text(age: int | None, age_min: int | None = None, age_max: int | None = None) -> str | None:
    """How an age reads: "29", "30s", "early 30s", "28-32"; None when unknown. ``parse_age`` reads it back."""
    if age is not None:
        return str(age)
    if age_min is None or age_max is None:
        return None
    if age_min == age_max:
        return str(age_min)
    decade = age_min - age_min % 10
    for part, (low, high) in (("", (0, 9)), *DECADE_PARTS.items()):
        if (age_min, age_max) == (decade + low, decade + high):
            return f"{part + ' ' if part else ''}{decade}s"
    return f"{age_min}-{age_max}"


def bounds(age: int | None, age_min: int | None, age_max: int | None) -> tuple[int, int] | None:
    """The inclusive range an age covers, exact or not; None when unknown."""
    if age is not None:
        return age, age
    if age_min is not None and age_max is not None:
        return age_min, age_max
    return None


__all__ = ["ABOUT", "AgeBounds", "age_text", "bounds", "parse_age"]
