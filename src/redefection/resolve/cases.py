"""Build a ``Case`` from grouped incidents: every field's values with their sources, conflicts, dates, ladder."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from ..records import (
    LADDER,
    Case,
    CaseIncident,
    Confirmation,
    Conflict,
    FieldScalar,
    FieldValue,
    MatchFeature,
    Status,
)
from .cluster import Grouping, pair_of
from .features import PartialDate, Profile, date_gap, parse_partial, precision
from .names import name_key, romanize_name, script_of, surnames_agree

FIELDS = (
    "name",
    "surname",
    "age",
    "gender",
    "occupation",
    "group_size",
    "arrived_south",
    "returned",
    "route",
    "status",
    "reasons",
)
STATUS_ORDER: tuple[Status, ...] = ("intended", "attempted", "returned")  # a case's status: the furthest reported


def _values(p: Profile, name: str) -> list[FieldScalar]:
    incident, person = p.item.incident, p.item.incident.person
    if name == "reasons":
        return list(incident.reasons)
    if name == "age":
        return [person.age] if person.age is not None else [p.age_text] if p.age_text else []
    holder = person if name in ("name", "surname", "gender", "occupation") else incident
    value = getattr(holder, name)
    return [] if value is None or value == "" else [value]


def _field(members: Sequence[Profile], name: str) -> tuple[FieldValue, ...]:
    found: dict[FieldScalar, list[str]] = {}
    for p in members:
        for value in _values(p, name):
            found.setdefault(value, []).append(p.item.key)
    return tuple(FieldValue(value, tuple(keys)) for value, keys in found.items())


def _names_clash(a: FieldScalar, b: FieldScalar) -> bool:
    ka, kb = name_key(str(a)), name_key(str(b))
    if ka is None or kb is None:
        return False
    if not surnames_agree(ka, kb):
        return True
    both_spelled = ka.is_phonetic and kb.is_phonetic
    return both_spelled and ka.given != kb.given


def _surnames_clash(a: FieldScalar, b: FieldScalar) -> bool:
    ka, kb = name_key(None, str(a)), name_key(None, str(b))
    return ka is not None and kb is not None and not surnames_agree(ka, kb)


def _age_bounds(value: FieldScalar, ranges: Mapping[str, tuple[int, int]]) -> tuple[int, int] | None:
    if isinstance(value, int):
        return value, value
    return ranges.get(value)


def _dates_clash(a: FieldScalar, b: FieldScalar) -> bool:
    pa, pb = parse_partial(str(a)), parse_partial(str(b))
    return pa is not None and pb is not None and date_gap(pa, pb) > 0


def _conflict(name: str, values: tuple[FieldValue, ...], ranges: Mapping[str, tuple[int, int]]) -> Conflict | None:
    if len(values) < 2 or name in ("occupation", "route", "reasons"):  # free text and lists: many true values
        return None
    clash: Callable[[FieldScalar, FieldScalar], bool]
    if name == "name":
        clash = _names_clash
    elif name == "surname":
        clash = _surnames_clash
    elif name in ("arrived_south", "returned"):
        clash = _dates_clash
    elif name == "age":

        def clash(a: FieldScalar, b: FieldScalar) -> bool:
            ba, bb = _age_bounds(a, ranges), _age_bounds(b, ranges)
            return ba is not None and bb is not None and (ba[1] < bb[0] or bb[1] < ba[0])

    else:

        def clash(a: FieldScalar, b: FieldScalar) -> bool:
            return a != b

    pairs = [(x, y) for n, x in enumerate(values) for y in values[n + 1 :]]
    return Conflict(name, values) if any(clash(x.value, y.value) for x, y in pairs) else None


def _event_date(values: tuple[FieldValue, ...], disputed: bool) -> str | None:
    parsed = [(parse_partial(str(v.value)), str(v.value)) for v in values]
    dated: list[tuple[PartialDate, str]] = [(p, text) for p, text in parsed if p is not None]
    if disputed or not dated:
        return None
    return max(dated, key=lambda pair: (precision(pair[0]), pair[1]))[1]


def independent_groups(members: Sequence[Profile], clusters: Mapping[str, str]) -> int:
    """Independent sources: documents joined when they are copies (one cluster) or come from one outlet."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for p in members:
        item = p.item
        node = f"doc:{item.source}"
        cluster = clusters.get(item.source) or clusters.get(item.document)
        for other in (
            f"cluster:{cluster}" if cluster else None,
            f"outlet:{item.outlet.casefold()}" if item.outlet else None,
        ):
            if other is not None:
                parent[find(node)] = find(other)
        find(node)
    return len({find(f"doc:{p.item.source}") for p in members})


def _ladder(
    members: Sequence[Profile], independent: int
) -> tuple[Confirmation, tuple[tuple[Confirmation, tuple[str, ...]], ...]]:
    everyone = tuple(p.item.key for p in members)
    steps: list[tuple[Confirmation, tuple[str, ...]]] = [("single_outlet", everyone)]
    if independent > 1:
        steps.append(("multiple_outlets", everyone))
    authority = tuple(p.item.key for p in members if p.authority)
    if authority:
        steps.append(("authority", authority))
    state_media = tuple(p.item.key for p in members if p.state_media)
    if state_media:
        steps.append(("state_media", state_media))
    top = max((rung for rung, _ in steps), key=LADDER.index)
    return top, tuple(steps)


def _label(
    fields: Mapping[str, tuple[FieldValue, ...]], status: Status, event: str | None, disclosed: date | None
) -> str:
    names = [str(v.value) for v in sorted(fields.get("name", ()), key=lambda v: -len(v.incidents))]
    latin = [n for n in names if script_of(n) == "latin"]
    hangul = [n for n in names if script_of(n) == "hangul"]
    if latin:
        who = latin[0]
    elif hangul:
        who = f"{hangul[0]} ({romanize_name(hangul[0])})"
    elif names:
        who = names[0]
    else:
        surnames = sorted(
            fields.get("surname", ()), key=lambda v: (script_of(str(v.value)) != "latin", -len(v.incidents))
        )
        genders = [str(v.value) for v in fields.get("gender", ())]
        who = (
            f"{surnames[0].value} (surname only)"
            if surnames
            else "unnamed " + {"male": "man", "female": "woman"}.get(genders[0] if len(genders) == 1 else "", "person")
        )
    ages = fields.get("age", ())
    age = f", {ages[0].value}" if len(ages) == 1 else ""
    verb = {"returned": "returned", "attempted": "attempted to return", "intended": "wants to return"}[status]
    dated = event and status != "intended"  # an intention has no event date; a date there is the report's
    when = f" {event}" if dated else f" (reported {disclosed})" if disclosed else ""
    return f"{who}{age}, {verb}{when}"


def _member(grouping: Grouping, i: int, others: Sequence[int]) -> CaseIncident:
    item = grouping.profiles[i].item
    candidates = [grouping.match(i, j) for j in others if j != i]
    best = max(candidates, key=lambda m: (not m.is_blocked, m.score), default=None)
    if best is None:
        return CaseIncident(item)
    partner = best.b if best.a == item.key else best.a
    features = best.features
    if any(grouping.manual.get(pair_of(i, j)) == "merge" for j in others if j != i):
        features = (*features, MatchFeature("manual merge", 0.0, "merged by a person"))
    return CaseIncident(item, best.score, features, partner)


def build_case(grouping: Grouping, indices: Sequence[int], clusters: Mapping[str, str]) -> Case:
    """The case made of ``grouping.profiles[i]`` for ``i`` in ``indices``."""
    members = [grouping.profiles[i] for i in indices]
    ranges = {p.age_text: p.age_range for p in members if p.age_text and p.age_range}
    fields = {name: _field(members, name) for name in FIELDS}
    conflicts = tuple(c for name in FIELDS if (c := _conflict(name, fields[name], ranges)) is not None)
    disputed = {c.field for c in conflicts}
    statuses = [str(v.value) for v in fields["status"]]
    reported = [s for s in STATUS_ORDER if s in statuses]
    status: Status = reported[-1] if reported else "returned"
    event = _event_date(fields["returned"], "returned" in disputed)
    published = [p.item.published for p in members if p.item.published is not None]
    disclosed = min(published) if published else None
    independent = independent_groups(members, clusters)
    confirmation, steps = _ladder(members, independent)
    return Case(
        key=min(p.item.key for p in members),
        label=_label(fields, status, event, disclosed),
        incidents=tuple(_member(grouping, i, indices) for i in indices),
        fields=tuple((name, values) for name, values in fields.items() if values),
        conflicts=conflicts,
        status=status,
        confirmation=confirmation,
        confirmed_by=steps,
        event_date=event,
        disclosure_date=disclosed,
        independent_sources=independent,
        documents=len({p.item.source for p in members}),
    )


__all__ = ["FIELDS", "build_case", "independent_groups"]
