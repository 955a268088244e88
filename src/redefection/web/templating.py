"""Jinja2 templates of the web app, with autoescaping everywhere and the filters the pages share.

Every page goes through ``render``, which adds who is looking (``principal``),
the session's CSRF token and the navigation. Nothing here builds markup from
strings: evidence highlighting cuts plain text into ``Piece`` objects and the
templates wrap the marked ones in ``<mark>``, so every character of a
document, a name or a title reaches the browser escaped.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ..ages import age_text
from ..extract.sources import known_source_names
from ..records import CLAIM_LABELS, LADDER, REASON_CODES, Span
from ..store import EDITABLE_FIELDS

TEMPLATES_DIR = Path(__file__).parent / "templates"

# (path, label): the main navigation; ``private`` entries are hidden from anonymous visitors.
NAV: tuple[tuple[str, str, bool], ...] = (
    ("/", "Dashboard", False),
    ("/cases", "Cases", False),
    ("/documents", "Documents", True),
    ("/claims", "Claims", False),
    ("/audit", "Audit log", True),
    ("/sources", "Sources", True),
    ("/new", "What's new", True),
)

REASON_LABELS = {
    "criminal_charges": "criminal charges in the South",
    "coercion": "coercion / threats to family",
    "maladjustment": "difficulty settling",
    "other": "other reason",
    "unknown": "reason unknown",
}
LADDER_LABELS = {
    "single_outlet": "one outlet",
    "multiple_outlets": "several outlets",
    "authority": "confirmed by an authority",
    "state_media": "shown by North Korean state media",
}
SUBJECT_LABELS = {
    "returned_north": "people who returned north",
    "whereabouts_unknown": "whereabouts unknown",
    "arrivals": "arrivals in the South",
    "other": "other figure",
}
FIELD_LABELS = {
    "group_size": "group size",
    "arrived_south": "arrived in the South",
    "returned": "went back",
    "as_of": "as of",
}
SAFE_SCHEMES = ("http", "https")
# Review forms: fields picked from a list, which of those may be left empty, and fields that take a number.
CHOICES: Mapping[str, tuple[str, ...]] = {
    "status": ("returned", "attempted", "intended"),
    "gender": ("male", "female"),
    "subject": ("returned_north", "whereabouts_unknown", "arrivals", "other"),
    "label": CLAIM_LABELS,
    "qualifier": ("exact", "at least", "about", "more than", "fewer than"),
}
OPTIONAL_CHOICES = frozenset({"gender", "label"})
NUMERIC_FIELDS = frozenset({"group_size", "value"})  # not age: "30s" and "about 30" are ages too
AGE_BOUNDS = ("age_min", "age_max")  # shown and typed as one age ("30s"), never as two numbers
FORM_FIELDS: Mapping[str, tuple[str, ...]] = {
    kind: tuple(name for name in fields if name not in AGE_BOUNDS) for kind, fields in EDITABLE_FIELDS.items()
}


def shown_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """A fact's values as a page shows them: an age as one text ("29", "30s", "28-32"), its bounds folded in."""
    shown = {name: value for name, value in values.items() if name not in AGE_BOUNDS}
    if "age" in shown:
        shown["age"] = age_text(values.get("age"), values.get("age_min"), values.get("age_max"))
    return shown


@dataclass(frozen=True, slots=True)
class Mark:
    """Why a stretch of text is highlighted: the fact whose evidence it is, or a matched search word."""

    kind: str  # incident | claim | quote | match
    fact_id: int | None = None
    state: str = "machine"  # the fact's review state

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.fact_id}" if self.fact_id is not None else ""


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of plain text and the marks covering it (none: ordinary text)."""

    text: str
    marks: tuple[Mark, ...] = ()

    @property
    def is_mark(self) -> bool:
        return bool(self.marks)

    @property
    def mark(self) -> Mark | None:
        return self.marks[0] if self.marks else None


def locate(text: str, span: Span) -> tuple[int, int] | None:
    """Where ``span`` is in ``text``: its offsets when they still hold, else where its text occurs, else None."""
    start, end = max(0, span.start), min(len(text), span.end)
    if start < end and (not span.text or text[start:end] == span.text):
        return start, end
    if span.text:
        found = text.find(span.text)
        if found >= 0:
            return found, found + len(span.text)
    return None


def highlight(text: str, marks: Iterable[tuple[Span, Mark]], window: tuple[int, int] | None = None) -> list[Piece]:
    """Cut ``text`` (or its ``window`` slice) into pieces at every span boundary; overlapping spans share pieces."""
    lo, hi = window if window is not None else (0, len(text))
    placed: list[tuple[int, int, Mark]] = []
    for span, mark in marks:
        where = locate(text, span)
        if where is not None and where[0] < hi and where[1] > lo:
            placed.append((max(where[0], lo), min(where[1], hi), mark))
    cuts = sorted({lo, hi, *(s for s, _, _ in placed), *(e for _, e, _ in placed)})
    pieces: list[Piece] = []
    for start, end in itertools.pairwise(cuts):
        covering = tuple(mark for s, e, mark in placed if s <= start and end <= e)
        if pieces and pieces[-1].marks == covering:
            pieces[-1] = Piece(pieces[-1].text + text[start:end], covering)
        else:
            pieces.append(Piece(text[start:end], covering))
    return pieces


def excerpt(text: str, span: Span, mark: Mark, context: int = 180) -> list[Piece]:
    """The evidence ``span`` highlighted with about ``context`` characters around it, cut at spaces, with ellipses."""
    found = excerpts(text, [span], mark, context)
    return found[0] if found else []


def _window(text: str, start: int, end: int, context: int) -> tuple[int, int]:
    lo, hi = max(0, start - context), min(len(text), end + context)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space >= 0 else hi
    return lo, hi


def excerpts(text: str, spans: Sequence[Span], mark: Mark, context: int = 180) -> list[list[Piece]]:
    """Passages of ``text`` around the ``spans``, each span highlighted; passages that would overlap are joined."""
    placed = sorted(where for span in spans if (where := locate(text, span)) is not None)
    windows: list[tuple[int, int]] = []
    for start, end in placed:
        lo, hi = _window(text, start, end, context)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
        else:
            windows.append((lo, hi))
    passages = []
    for lo, hi in windows:
        inside = [(Span(s, e, text[s:e]), mark) for s, e in placed if s < hi and e > lo]
        pieces = highlight(text, inside, (lo, hi))
        if lo > 0:
            pieces.insert(0, Piece("… "))
        if hi < len(text):
            pieces.append(Piece(" …"))
        passages.append(pieces)
    if not placed:  # offsets and text both lost: show the kept text alone
        passages = [[Piece(span.text, (mark,))] for span in spans if span.text]
    return passages


def snippet_pieces(snippet: Sequence[str]) -> list[Piece]:
    """A search snippet (plain text; odd positions are matched words) as pieces to mark."""
    return [Piece(part, (Mark("match", state="match"),) if i % 2 else ()) for i, part in enumerate(snippet) if part]


def safe_url(uri: str | None) -> str | None:
    """``uri`` if it is an http(s) URL a link may point to, else None (no ``javascript:``, ``data:``, paths)."""
    if not uri:
        return None
    try:
        parts = urlsplit(uri.strip())
    except ValueError:
        return None
    return uri.strip() if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else None


def when(value: date | datetime | str | None, with_time: bool = True) -> str:
    """A date as ``YYYY-MM-DD``, a time as ``YYYY-MM-DD HH:MM UTC``; None as an em dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def show(value: Any) -> str:
    """A field's value for reading: lists joined, codes spelled out, nothing as an em dash."""
    if value is None or value == "" or value == [] or value == ():
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(show(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value in REASON_LABELS:
        return REASON_LABELS[value]
    if isinstance(value, str) and value in SUBJECT_LABELS:
        return SUBJECT_LABELS[value]
    return str(value)


CODE_SPAN = re.compile(r"``(.+?)``|`([^`]+)`")
CodePieces = tuple[tuple[str, bool], ...]  # (text, is code)


def code_pieces(text: str) -> CodePieces:
    """``text`` cut at its backtick spans ("``q``", "`redefection cases`"): the pieces marked True are code.

    Docstrings and messages write code between backticks; a page shows it in
    ``<code>`` (the template wraps it: every piece stays escaped).
    """
    pieces: list[tuple[str, bool]] = []
    at = 0
    for found in CODE_SPAN.finditer(text):
        if found.start() > at:
            pieces.append((text[at : found.start()], False))
        pieces.append((found.group(1) or found.group(2), True))
        at = found.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return tuple(pieces)


def figure(value: Any) -> str:
    """A claimed figure for reading, with thousands separators (34,000), as the claims chart writes it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return show(value)


def label(name: str | None) -> str:
    """A field, rung, reason or subject code as words."""
    if name is None:
        return "—"
    for table in (FIELD_LABELS, LADDER_LABELS, REASON_LABELS, SUBJECT_LABELS):
        if name in table:
            return table[name]
    return name.replace("_", " ")


def claim_subject(values: Mapping[str, Any]) -> str:
    """A claim's subject as words, with what the people of an ``other`` figure did ("other: punished")."""
    subject = values.get("subject") or "other"
    if subject == "other" and values.get("label"):
        return f"other: {str(values['label']).replace('_', ' ')}"
    return label(subject)


def fact_summary(fact: Any) -> str:
    """A one-line description of a stored fact, for lists (``StoredFact``: kind and values)."""
    values: Mapping[str, Any] = fact.values
    if fact.kind == "incident":
        who = values.get("name") or values.get("surname") or "unnamed person"
        parts = [str(who)]
        if age := age_text(values.get("age"), values.get("age_min"), values.get("age_max")):
            parts.append(age)
        if (values.get("group_size") or 1) > 1:
            parts.append(f"group of {values['group_size']}")
        parts.append(str(values.get("status") or "returned"))
        if values.get("returned"):
            parts.append(str(values["returned"]))
        return ", ".join(parts)
    if fact.kind == "claim":
        qualifier = values.get("qualifier")
        stated = f"{'' if qualifier in (None, 'exact') else str(qualifier) + ' '}{figure(values.get('value'))}"
        source = values.get("source") or "unattributed"
        return f"{stated} {claim_subject(values)} ({source})"
    speaker = values.get("speaker") or "unnamed speaker"
    extra = ", ".join(str(values[k]) for k in ("role", "organization") if values.get(k))
    return f"quote: {speaker}" + (f" ({extra})" if extra else "")


CUE = re.compile(r"^\[(?P<terms>[^\]]*)\]\s*(?P<sentence>.*)$", re.DOTALL)


def split_cue(cue: str) -> tuple[list[str], str]:
    """A relevance cue ``"[term + term] sentence"`` as its terms and the sentence they were found in."""
    found = CUE.match(cue)
    if found is None:
        return [], cue
    terms = [term.strip() for term in found["terms"].split("+") if term.strip()]
    return terms, found["sentence"].strip()


def url_with(path: str, params: Mapping[str, Any], **changes: Any) -> str:
    """``path`` with the query ``params`` updated by ``changes``; empty values are left out."""
    merged = {**params, **changes}
    query = urlencode([(k, str(v)) for k, v in merged.items() if v is not None and v != ""])
    return f"{path}?{query}" if query else path


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,  # a misspelt variable fails the tests instead of printing nothing
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        when=when,
        show=show,
        figure=figure,
        code=code_pieces,
        label=label,
        claim_subject=claim_subject,
        safe_url=safe_url,
        snippet=snippet_pieces,
        summary=fact_summary,
        cue=split_cue,
        shown_values=shown_values,
    )
    env.globals.update(
        url_with=url_with,
        ladder=LADDER,
        reason_codes=REASON_CODES,
        editable=FORM_FIELDS,
        choices=CHOICES,
        optional_choices=OPTIONAL_CHOICES,
        numeric_fields=NUMERIC_FIELDS,
        source_names=known_source_names(),  # a corrected claim source is stored under these names (review.py)
    )
    return env


templates = Jinja2Templates(env=_environment())


def nav_items(request: Request, principal: Any) -> list[tuple[str, str, bool]]:
    """``(path, label, current)`` for each entry the visitor may open."""
    path = request.url.path
    public = principal is None or bool(getattr(principal, "public", True))
    items = []
    for href, text, private in NAV:
        if private and public:
            continue
        current = path == href if href == "/" else path == href or path.startswith(href + "/")
        items.append((href, text, current))
    return items


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render template ``name`` with ``context`` plus ``principal``, ``csrf_token``, ``nav`` and ``partial``.

    ``partial`` is true for in-place requests (header ``X-Requested-With:
    fetch``): templates then render only their main fragment.
    """
    principal = getattr(request.state, "principal", None)
    values: dict[str, Any] = {
        "principal": principal,
        "csrf_token": getattr(principal, "csrf_token", None),
        "can_edit": bool(principal is not None and principal.can("editor")),
        "partial": request.headers.get("x-requested-with", "").lower() == "fetch",
        "title": None,
    }
    values.update(context or {})
    values["nav"] = nav_items(request, values["principal"])
    response = templates.TemplateResponse(request, name, values, status_code=status_code, headers=headers)
    return response


__all__ = [
    "Mark",
    "Piece",
    "claim_subject",
    "excerpt",
    "excerpts",
    "highlight",
    "label",
    "locate",
    "render",
    "safe_url",
    "show",
    "snippet_pieces",
    "templates",
    "url_with",
    "when",
]
