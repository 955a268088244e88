"""Check a reviewer's corrected values before they reach a fact row.

Every check raises ``ValueError`` whose message starts with the field's name
("age: expected a whole number from 0 to 120, got 'old'"), so a form or the
API can show it next to that field. Values come from JSON (the API) or from
forms (strings): a number given as digits is accepted for a number field, an
empty string is "unknown" (None) for an optional field, and ``reasons`` may be
a list of codes or one comma-separated string. An ``age`` may be a range as
people write it ("30s", "early 30s", "about 30", "28-32"): it sets ``age``
(None unless exact), ``age_min`` and ``age_max`` together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, get_args

from ..ages import AgeBounds, parse_age
from ..records import CLAIM_LABELS, REASON_CODES, Gender, Qualifier, Status, Subject
from .web import EDITABLE_FIELDS, FactKind

MAX_TEXT = 500  # longest free-text value a reviewer may enter (names, routes, sources); longer is a mistake
MAX_AGE = 120
MAX_COUNT = 1_000_000  # group sizes and claimed figures: larger is a typing error
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
STATUSES: tuple[str, ...] = get_args(Status)
GENDERS: tuple[str, ...] = get_args(Gender)
SUBJECTS: tuple[str, ...] = get_args(Subject)
QUALIFIERS: tuple[str, ...] = get_args(Qualifier)

Check = Callable[[str, Any], Any]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def optional_text(field: str, value: Any) -> str | None:
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field}: expected text, got {value!r}")
    if "\x00" in value:
        raise ValueError(f"{field}: contains a NUL character")
    cleaned = " ".join(value.split())
    if len(cleaned) > MAX_TEXT:
        raise ValueError(f"{field}: longer than {MAX_TEXT} characters")
    return cleaned


def _number(field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{field}: expected a whole number from {low} to {high}, got {value!r}")
    return value


def optional_age(field: str, value: Any) -> int | None:
    return None if _blank(value) else _number(field, value, 0, MAX_AGE)


def age_bounds(field: str, value: Any) -> AgeBounds:
    """``(age, age_min, age_max)`` from a whole number or a text ("29", "30s", "about 30", "28-32")."""
    if _blank(value):
        return None, None, None
    if isinstance(value, int) and not isinstance(value, bool):
        age = _number(field, value, 0, MAX_AGE)
        return age, age, age
    if not isinstance(value, str):
        raise ValueError(f"{field}: expected an age such as 29, 30s, about 30 or 28-32, got {value!r}")
    return parse_age(value)


def count(field: str, value: Any) -> int:
    return _number(field, value, 1, MAX_COUNT)


def figure(field: str, value: Any) -> int:
    return _number(field, value, 0, MAX_COUNT)


def partial_date(field: str, value: Any) -> str | None:
    if _blank(value):
        return None
    found = PARTIAL_DATE.match(value.strip()) if isinstance(value, str) else None
    if found is None:
        raise ValueError(f"{field}: expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    year, month, day = found.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"{field}: {value!r} is not a date") from None
    return str(value).strip()


def one_of(choices: tuple[str, ...], *, optional: bool) -> Check:
    def check(field: str, value: Any) -> str | None:
        if optional and _blank(value):
            return None
        if not isinstance(value, str) or value.strip() not in choices:
            raise ValueError(f"{field}: expected one of {', '.join(choices)}, got {value!r}")
        return value.strip()

    return check


def reasons(field: str, value: Any) -> list[str]:
    if _blank(value):
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        raise ValueError(f"{field}: expected a list of reason codes, got {value!r}")
    codes = list(dict.fromkeys(item.strip() for item in items if item.strip()))
    unknown = [code for code in codes if code not in REASON_CODES]
    if unknown:
        raise ValueError(f"{field}: unknown reason code {unknown[0]!r}; expected {', '.join(REASON_CODES)}")
    return codes


CHECKS: Mapping[FactKind, Mapping[str, Check]] = {
    "incident": {
        "name": optional_text,
        "surname": optional_text,
        "age": age_bounds,  # expanded into age, age_min and age_max by ``validate_changes``
        "age_min": optional_age,
        "age_max": optional_age,
        "gender": one_of(GENDERS, optional=True),
        "occupation": optional_text,
        "group_size": count,
        "arrived_south": partial_date,
        "returned": partial_date,
        "route": optional_text,
        "status": one_of(STATUSES, optional=False),
        "reasons": reasons,
    },
    "claim": {
        "subject": one_of(SUBJECTS, optional=False),
        "label": one_of(CLAIM_LABELS, optional=True),
        "value": figure,
        "qualifier": one_of(QUALIFIERS, optional=False),
        "period": optional_text,
        "as_of": optional_text,
        "source": optional_text,
    },
    "quote": {"speaker": optional_text, "role": optional_text, "organization": optional_text},
}


def validate_changes(kind: FactKind, changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` checked and normalised, field by field; ``ValueError`` naming the first bad field."""
    if not changes:
        raise ValueError("changes: nothing to correct; give at least one field")
    checks = CHECKS[kind]
    cleaned: dict[str, Any] = {}
    for field, value in changes.items():
        if field not in checks:
            raise ValueError(f"{field}: not a field of a {kind}; expected one of {', '.join(EDITABLE_FIELDS[kind])}")
        cleaned[field] = checks[field](field, value)
    if "age" in cleaned:  # one typed age sets all three: "30s" is no exact age, 30 to 39
        cleaned["age"], cleaned["age_min"], cleaned["age_max"] = cleaned["age"]
    elif "age_min" in cleaned or "age_max" in cleaned:
        low, high = cleaned.get("age_min"), cleaned.get("age_max")
        if low is not None and high is not None:
            if low > high:
                raise ValueError(f"age_min: {low} is above age_max {high}")
            cleaned["age"] = low if low == high else None
    return cleaned


__all__ = ["CHECKS", "validate_changes"]
