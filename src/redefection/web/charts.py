"""The dashboard's charts as Vega-Lite specs, drawn on the server by vl-convert into SVG or PNG.

The browser gets an image (``<img src="/charts/returns.svg">``), so the pages
run no charting JavaScript; the same spec, with its data inline, is offered as
``.vl.json`` for people who want to restyle a chart in their own tools.
Every label is plain data in the spec: Vega escapes it when it writes the SVG,
and the conversion may fetch nothing (``allowed_base_urls=[]``).
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import Counter
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, Literal

import vl_convert

from ..app.dashboard import STATUSES, Dashboard
from ..resolve.claims import period_kind
from .templating import claim_subject, label

Spec = dict[str, Any]
ChartFormat = Literal["svg", "png"]
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
STATUS_COLORS = ("#b2182b", "#ef8a62", "#999999")  # returned, attempted, intended
MAX_SOURCES = 8  # sources drawn in their own colour on the claims chart; the rest share one
MAX_POINTS = 400  # figures drawn one by one on the claims chart; more are summarised per quarter
OTHER_SOURCES = "(other sources)"
UNATTRIBUTED = "(unattributed)"
CONFIG: Spec = {
    "font": "DejaVu Sans, Helvetica, Arial, sans-serif",
    "background": "#ffffff",
    "view": {"stroke": None},
    "axis": {"labelColor": "#333333", "titleColor": "#333333", "gridColor": "#e6e6e6", "domainColor": "#888888"},
    "legend": {"labelColor": "#333333", "titleColor": "#333333", "labelLimit": 260},
    "title": {"anchor": "start", "fontSize": 13, "color": "#222222"},
}


def count_axis(largest: int, title: str | None = "Cases") -> Spec:
    """An axis of whole counts: every whole number up to a small maximum, never ticks at 0.5."""
    axis: Spec = {"format": "d", "title": title}
    if largest <= 10:
        axis["values"] = list(range(0, max(largest, 1) + 1))
    return axis


def _spec(title: str, body: Spec) -> Spec:
    return {"$schema": SCHEMA, "title": title, "config": CONFIG, **body}


def returns_spec(board: Dashboard) -> Spec:
    """Cases per year as bars stacked by status: how many went back (or tried to) each year."""
    values = [
        {"year": str(row.year), "status": s, "cases": row.counts.get(s, 0)} for row in board.years for s in STATUSES
    ]
    note = f" ({board.undated} undated case(s) not shown)" if board.undated else ""
    return _spec(
        "Returns per year, by status (cases, not reports)" + note,
        {
            "width": min(560, max(160, 40 * len(board.years))),
            "height": 220,
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "x": {
                    "field": "year",
                    "type": "ordinal",
                    "title": "Year of return (else of first report)",
                    "axis": {"labelAngle": 0},
                },
                "y": {
                    "field": "cases",
                    "type": "quantitative",
                    "aggregate": "sum",
                    "axis": count_axis(max((row.total for row in board.years), default=0)),
                },
                "color": {
                    "field": "status",
                    "type": "nominal",
                    "title": "Status",
                    "scale": {"domain": list(STATUSES), "range": list(STATUS_COLORS)},
                },
                "order": {"field": "status_order", "type": "quantitative"},
            },
            "transform": [
                {"calculate": "indexof(" + json.dumps(list(STATUSES)) + ", datum.status)", "as": "status_order"}
            ],
        },
    )


def reasons_spec(board: Dashboard) -> Spec:
    """Cases per reason given for going back (a case with two reasons counts for both)."""
    values = [{"reason": label(reason), "cases": n} for reason, n in board.reasons]
    return _spec(
        "Reasons given (cases; one case may give several)",
        {
            "width": 360,
            "height": {"step": 22},
            "data": {"values": values},
            "mark": {"type": "bar", "color": "#4a6fa5"},
            "encoding": {
                "y": {"field": "reason", "type": "nominal", "sort": "-x", "title": None},
                "x": {
                    "field": "cases",
                    "type": "quantitative",
                    "axis": count_axis(max((n for _, n in board.reasons), default=0)),
                },
            },
        },
    )


def statuses_spec(board: Dashboard) -> Spec:
    """Cases per status: returned, attempted, intended."""
    values = [{"status": status, "cases": n} for status, n in board.statuses]
    return _spec(
        "Cases by status",
        {
            "width": 360,
            "height": {"step": 22},
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "y": {"field": "status", "type": "nominal", "sort": list(STATUSES), "title": None},
                "x": {
                    "field": "cases",
                    "type": "quantitative",
                    "axis": count_axis(max((n for _, n in board.statuses), default=0)),
                },
                "color": {
                    "field": "status",
                    "type": "nominal",
                    "legend": None,
                    "scale": {"domain": list(STATUSES), "range": list(STATUS_COLORS)},
                },
            },
        },
    )


def claims_values(board: Dashboard) -> list[dict[str, Any]]:
    """One row per dated figure: subject, source (the busiest ``MAX_SOURCES`` by name, the rest grouped), value."""
    sizes: Counter[str] = Counter()
    for (_, source, _), points in board.series.items():
        sizes[source or UNATTRIBUTED] += sum(1 for p in points if p.date is not None)
    named = {source for source, _ in sizes.most_common(MAX_SOURCES)}
    rows = []
    for (subject, source, claim_label), points in board.series.items():
        name = source or UNATTRIBUTED
        for point in points:
            if point.date is None:
                continue
            rows.append(
                {
                    "subject": claim_subject({"subject": subject, "label": claim_label}),
                    "source": name if name in named else OTHER_SOURCES,
                    "date": point.date.isoformat(),
                    "value": point.value,
                    "qualifier": point.qualifier,
                    "period": point.period or "",
                    "period_kind": period_kind(point.period),
                    "outlet": point.outlet or "",
                }
            )
    return rows


def year_span(values: list[dict[str, Any]]) -> list[str] | None:
    """From January 1 of the first year to January 1 after the last: whole years, so one report still has a tick."""
    years = sorted(int(str(v["date"])[:4]) for v in values)
    return [f"{years[0]}-01-01", f"{years[-1] + 1}-01-01"] if years else None


def by_quarter(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows summarised per subject, source, period kind and quarter: the median, lowest and highest figure, how many."""
    groups: dict[tuple[str, str, str, str], list[int]] = {}
    for row in rows:
        day = str(row["date"])
        quarter = f"{day[:4]}-{(int(day[5:7]) - 1) // 3 * 3 + 1:02d}-01"
        groups.setdefault((row["subject"], row["source"], row["period_kind"], quarter), []).append(int(row["value"]))
    return [
        {
            "subject": subject,
            "source": source,
            "period_kind": kind,
            "date": quarter,
            "value": statistics.median(values),
            "low": min(values),
            "high": max(values),
            "reports": len(values),
        }
        for (subject, source, kind, quarter), values in sorted(groups.items())
    ]


def claims_spec(board: Dashboard) -> Spec:
    """Each source's figures against the date they were reported, one panel per subject, so disagreement shows.

    A line joins a source's figures only when they count over the same kind of
    period (``resolve.claims.period_kind``: "since 2012", "one year", "past
    five years"), and its dash pattern says which: figures "over the past five
    years" and "between 2012 and 2020" are never joined into a trend. Each
    point's tooltip gives its period, as the claims table does.

    Up to ``MAX_POINTS`` figures are drawn one by one (shape: how the figure
    was stated); beyond that, each source's figures of a quarter are drawn as
    their median with a bar from the lowest to the highest, so the chart stays
    readable and small while every source's spread stays visible.
    """
    values = claims_values(board)
    undated = sum(1 for points in board.series.values() for p in points if p.date is None)
    summarised = len(values) > MAX_POINTS
    if summarised:
        values = by_quarter(values)
    notes = [f"{undated} undated figure(s) not shown"] if undated else []
    if summarised:
        notes.insert(0, "median per source and quarter, bars: lowest to highest")
    color = {"field": "source", "type": "nominal", "title": "Attributed to"}
    x = {
        "field": "date",
        "type": "temporal",
        "title": "Reported on",
        "axis": {"format": "%Y", "tickCount": {"interval": "year", "step": 1}},
        "scale": {"domain": year_span(values)},
    }
    y = {
        "field": "value",
        "type": "quantitative",
        "title": "Median figure given per quarter" if summarised else "Figure given",
        "scale": {"zero": True},
        "axis": {"format": ",d"},  # 34,000 as the claims table writes it
    }
    points: Spec = {"type": "point", "filled": True, "size": 60 if not summarised else 36}
    kind = {"field": "period_kind", "type": "nominal", "title": "Counted over"}
    tooltip = [
        {"field": "source", "title": "Attributed to"},
        {"field": "value", "title": "Median figure" if summarised else "Figure", "format": ",d"},
        {"field": "period" if not summarised else "period_kind", "title": "Period"},
        {"field": "date", "type": "temporal", "title": "Reported on"},
    ]
    if summarised:  # a median is no figure anyone gave: show what it summarises
        tooltip += [
            {"field": "low", "title": "Lowest", "format": ",d"},
            {"field": "high", "title": "Highest", "format": ",d"},
            {"field": "reports", "title": "Figures"},
        ]
    point_encoding: Spec = {"x": x, "y": y, "color": color, "tooltip": tooltip}
    layers: list[Spec] = [
        {
            "transform": [{"filter": {"not": {"field": "source", "equal": OTHER_SOURCES}}}],
            "mark": {"type": "line", "strokeWidth": 1.5, "opacity": 0.7},
            # One line per source AND period kind: figures counted over different periods are not a trend.
            "encoding": {"x": x, "y": y, "color": color, "detail": kind, "strokeDash": kind},
        }
    ]
    if summarised:
        layers.insert(
            0,
            {
                "mark": {"type": "rule", "opacity": 0.45},
                "encoding": {
                    "x": x,
                    "y": {"field": "low", "type": "quantitative"},
                    "y2": {"field": "high"},
                    "color": color,
                },
            },
        )
    else:
        point_encoding["shape"] = {"field": "qualifier", "type": "nominal", "title": "Stated as"}
    layers.append({"mark": points, "encoding": point_encoding})
    return _spec(
        "Figures claimed by each source over time" + (f" ({'; '.join(notes)})" if notes else ""),
        {
            "data": {"values": values},
            "facet": {
                "row": {
                    "field": "subject",
                    "type": "nominal",
                    "title": None,
                    "header": {
                        "labelAngle": 0,
                        "labelAlign": "left",
                        "labelAnchor": "start",
                        "labelOrient": "top",
                        "labelFontWeight": "bold",
                    },
                }
            },
            "resolve": {"scale": {"y": "independent"}},
            "spec": {"width": 600, "height": 160, "layer": layers},
        },
    )


CHARTS: Mapping[str, Callable[[Dashboard], Spec]] = {
    "returns": returns_spec,
    "reasons": reasons_spec,
    "statuses": statuses_spec,
    "claims": claims_spec,
}


def chart_spec(name: str, board: Dashboard) -> Spec:
    """The spec of chart ``name`` over ``board``; raises ``KeyError`` for an unknown chart."""
    return CHARTS[name](board)


def spec_json(spec: Spec) -> str:
    """The spec as canonical JSON (sorted keys): equal data gives equal text, hence one cached drawing."""
    return json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def spec_hash(spec: Spec) -> str:
    """A short hash of the spec: the ETag of its drawings."""
    return hashlib.sha256(spec_json(spec).encode("utf-8")).hexdigest()[:32]


@lru_cache(maxsize=64)
def _draw(text: str, fmt: ChartFormat) -> bytes:
    if fmt == "svg":
        return str(vl_convert.vegalite_to_svg(text, allowed_base_urls=[])).encode("utf-8")
    return bytes(vl_convert.vegalite_to_png(text, scale=2, allowed_base_urls=[]))


def draw(spec: Spec, fmt: ChartFormat) -> bytes:
    """The chart as SVG (UTF-8) or PNG (twice the nominal size) bytes; equal specs are drawn once."""
    return _draw(spec_json(spec), fmt)


__all__ = [
    "CHARTS",
    "ChartFormat",
    "Spec",
    "chart_spec",
    "claims_spec",
    "claims_values",
    "draw",
    "reasons_spec",
    "returns_spec",
    "spec_hash",
    "spec_json",
    "statuses_spec",
]
