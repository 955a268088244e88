"""The HTML pages in process: every page renders, filters filter, conflicts and evidence show, reviews are audited,
roles and CSRF are enforced, hostile text stays inert, raw captures are never HTML, charts are real images.

The corpus is ours: two reports of one man swimming back (they disagree on his age, so the case has a conflict)
and a page whose title, byline, outlet, text and address carry script payloads.
"""

from __future__ import annotations

import html
import json
import math
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from redefection.app import accounts, browse
from redefection.app.cases import resolve_cases
from redefection.app.dashboard import DashboardCache, FacetCache, build_dashboard, case_year
from redefection.app.ingest import ingest_captures, ingest_paths
from redefection.records import Capture, Span
from redefection.settings import Settings
from redefection.store import AuditFilter, CaseFilter, FactChange, Store, StoredFact, open_store
from redefection.web import WebConfig, templating
from redefection.web.templating import Mark, excerpt, excerpts, highlight, safe_url, split_cue
from web_helpers import client, session_for

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
REPORT = """{outlet}
Home | World | North Korea

{title}
By {author}
Published: {published}

South Korea's military said on {weekday} that a North Korean defector who had been living in the South appears \
to have gone back across the border by swimming the Han River estuary near Gimpo.
The man, a {age}-year-old identified only by his surname, Ryu, reached the South in 2019. {detail}
The Unification Ministry said {figure} defectors have been confirmed as having gone back to the North over the \
past five years.
"""
REPORTS = {
    "ledger.txt": REPORT.format(
        outlet="The Eastern Ledger",
        title="Defector swam back across the border near Gimpo, military says",
        author="Mira Stone",
        published="May 10, 2023 09:00",
        weekday="Tuesday",
        age=31,
        detail="Police said he had been questioned over unpaid debts before he disappeared.",
        figure=14,
    ),
    "harbour.txt": REPORT.format(
        outlet="Harbour Daily News",
        title="Man believed to have returned North by swimming from Gimpo",
        author="Leo Marsh",
        published="May 11, 2023 14:30",
        weekday="Wednesday",
        age=32,
        detail="He is believed to have left from a drainage channel, police said.",
        figure=16,
    ),
}
HOSTILE_PAGE = f"""<!doctype html><html><head><meta charset="utf-8"><script>alert("raw")</script>
<title>{html.escape(f"Defector {SCRIPT} swam back {IMG}")}</title>
<meta property="article:published_time" content="2023-06-02T08:00:00+09:00">
<meta property="og:site_name" content="{html.escape(f"Outlet {IMG}", quote=True)}">
</head><body><article><h1>{html.escape(f"Defector {SCRIPT} swam back {IMG}")}</h1>
<p class="byline">By {html.escape(SCRIPT)}</p>
<p>South Korea's military said on Friday that a North Korean defector who had been living in the South appears to \
have gone back across the border by swimming the Han River estuary near Gimpo {html.escape(IMG)}.</p>
<p>The man, a 40-year-old identified only by his surname, Ryu, reached the South in 2015. Police said \
{html.escape(SCRIPT)} he had been questioned over unpaid debts.</p>
<p>The Unification Ministry said 12 defectors have been confirmed as having gone back to the North over the past \
five years.</p></article></body></html>"""
HOSTILE_URI = "javascript:alert(1)//"


def build(folder: Path) -> Store:
    inbox = folder / "inbox"
    inbox.mkdir(parents=True)
    for name, text in REPORTS.items():
        (inbox / name).write_text(text, encoding="utf-8")
    store = open_store("sqlite://")
    assert ingest_paths([inbox], store, Settings()).stored == 2
    hostile = Capture("pages/hostile.html", HOSTILE_PAGE.encode(), "text/html; charset=utf-8", uri=HOSTILE_URI)
    assert ingest_captures([hostile], store, Settings()).stored == 1
    for role in ("viewer", "editor"):
        accounts.add_user(store, role, "a long enough test password", role)
    return store


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Read by tests that change nothing."""
    store = build(tmp_path_factory.mktemp("pages"))
    yield store
    store.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Store]:
    store = build(tmp_path)
    yield store
    store.close()


def doc_id(store: Store, key: str) -> int:
    return next(d.id for d in store.list_documents(limit=100) if d.key == key)


def fact(store: Store, key: str, kind: str) -> StoredFact:
    return next(f for f in store.list_facts(doc_id(store, key)) if f.kind == kind)


def conflicted_case(store: Store) -> int:
    return next(c.id for c in store.list_cases(CaseFilter(), limit=100).items if c.conflicts)


def browser(store: Store, role: str | None = "viewer", config: WebConfig | None = None) -> tuple[TestClient, str]:
    http = client(store, config)
    token = session_for(store, http, role) if role else ""
    return http, token


def page(http: TestClient, path: str) -> str:
    response = http.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_every_page_renders_for_a_viewer(shared: Store) -> None:
    http, _ = browser(shared)
    case = conflicted_case(shared)
    ledger = doc_id(shared, "ledger")
    for path in (
        "/",
        "/cases",
        f"/cases/{case}",
        "/documents",
        f"/documents/{ledger}",
        "/claims",
        "/audit",
        "/sources",
        "/new",
        "/documents?q=Gimpo",
        "/claims?sort=value&dir=asc",
        f"/audit?case_id={case}",
    ):
        body = page(http, path)
        assert '<nav aria-label="Main">' in body and "viewer" in body
        assert 'action="/facts/' not in body  # a viewer gets no review forms
    assert "Returns per year" in page(http, "/")


def test_login_page_and_redirect_for_strangers(shared: Store) -> None:
    http = client(shared)
    response = http.get("/cases?year=2023")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/cases%3Fyear%3D2023"
    form = page(http, "/login?next=/cases")
    assert 'name="username"' in form and 'name="password"' in form and 'value="/cases"' in form


def test_case_filters(shared: Store) -> None:
    http, _ = browser(shared)
    label = html.escape(shared.get_case(conflicted_case(shared)).summary.label)
    assert label in page(http, "/cases?year=2023&status=returned&language=en")
    assert label in page(http, "/cases?year=&status=&reason=")  # empty fields mean "any"
    assert label in page(http, "/cases?year=not-a-year")  # a malformed value is ignored, not a 422
    assert label not in page(http, "/cases?year=2012")
    assert label not in page(http, "/cases?status=attempted")
    assert label not in page(http, "/cases?language=ko")
    assert label not in page(http, "/cases?review=reviewed")
    assert label in page(http, "/cases?review=machine")


def test_case_page_shows_each_sources_value_and_marks_the_conflict(shared: Store) -> None:
    http, _ = browser(shared)
    body = page(http, f"/cases/{conflicted_case(shared)}")
    rows = re.findall(r'<tr class="conflict[^"]*">(.*?)</tr>', body, re.S)
    assert len(rows) == 2, "both ages, each in a row marked as conflicting"
    ages = {re.search(r'<td class="value">(\d+)</td>', row).group(1) for row in rows}  # type: ignore[union-attr]
    assert ages == {"31", "32"}
    assert "The Eastern Ledger" in rows[0] + rows[1] and "Harbour Daily News" in rows[0] + rows[1]
    assert "Sources disagree on <strong>age</strong>" in body
    assert body.count('class="badge state-machine"') >= 2  # unreviewed incidents are visibly machine-made
    assert "/raw" in body and "confirmed by an authority" in body


def test_case_page_kept_for_viewers_never_gives_an_editors_forms_and_the_reverse(shared: Store) -> None:
    # One app (one set of caches): the reports a viewer was shown are kept, an editor's copy never is.
    case = conflicted_case(shared)
    http, _ = browser(shared, "viewer")
    first = page(http, f"/cases/{case}")
    editor_token = session_for(shared, http, "editor")
    as_editor = page(http, f"/cases/{case}")
    session_for(shared, http, "viewer")
    again = page(http, f"/cases/{case}")
    assert "/confirm" not in first and "/confirm" not in again
    incident = shared.get_case(case).incidents[0]
    assert f"/facts/incident/{incident.id}/" in as_editor
    assert as_editor.count(f'name="csrf_token" value="{editor_token}"') > 2  # review forms carry its token
    reports = re.compile(r'<section class="card">\s*<h2>Reports of this case.*?</section>', re.S)
    assert reports.search(first).group(0) == reports.search(again).group(0)  # type: ignore[union-attr]


def test_document_page_highlights_each_facts_evidence(shared: Store) -> None:
    http, _ = browser(shared)
    ledger = doc_id(shared, "ledger")
    body = page(http, f"/documents/{ledger}")
    marked = " ".join(
        html.unescape(m) for m in re.findall(r'<mark class="ev ev-incident[^"]*"[^>]*>(.*?)</mark>', body)
    )
    for span in fact(shared, "ledger", "incident").evidence:
        assert span.text in marked
    claim = fact(shared, "ledger", "claim")
    assert f'data-fact="claim-{claim.id}"' in body
    assert "Judged relevant because of these cues" in body and 'class="cue"' in body


def test_search_marks_the_matched_words(shared: Store) -> None:
    http, _ = browser(shared)
    body = page(http, "/documents?q=drainage")
    assert re.search(r'<mark class="ev ev-match[^"]*">drainage</mark>', body, re.I)
    assert "Man believed to have returned North" in body
    assert "Defector swam back across the border" not in body


def test_correcting_a_fact_changes_it_and_shows_in_the_audit_log(fresh: Store) -> None:
    http, token = browser(fresh, "editor")
    incident = fact(fresh, "ledger", "incident")
    back = f"/documents/{incident.document_id}"
    response = http.post(
        f"/facts/incident/{incident.id}/correct",
        data={"csrf_token": token, "back": back, "age": "30", "note": "the ministry gave 30"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{back}#incident-{incident.id}"
    changed = fresh.get_fact("incident", incident.id)
    assert changed.values["age"] == 30 and changed.review_state == "corrected"
    assert changed.values["surname"] == "Ryu"  # fields left as they were are not touched
    log = page(http, "/audit")
    row = re.search(r"<tr>\s*<td[^>]*>[^<]*</td>\s*<td>editor</td>.*?</tr>", log, re.S)
    assert row is not None
    assert "correct" in row.group(0) and ">31<" in row.group(0) and ">30<" in row.group(0)
    assert "the ministry gave 30" in row.group(0)
    doc_page = page(http, back)
    assert "corrected by editor" in doc_page
    # The cases are rebuilt in the background: once done, the case shows the corrected age.
    assert http.app.state.case_rebuilder.wait(30)
    (case,) = [c for c in fresh.list_cases(CaseFilter(), limit=500).items if c.id in _cases_of(fresh, incident.id)]
    ages = dict(fresh.get_case(case.id).fields)["age"]
    assert [value.value for value in ages] == [30]


def _cases_of(store: Store, incident_id: int) -> set[int]:
    cases = store.list_cases(CaseFilter(), limit=500).items
    return {c.id for c in cases if any(f.id == incident_id for f in store.get_case(c.id).incidents)}


def test_in_place_review_answers_with_the_fact_card(fresh: Store) -> None:
    http, token = browser(fresh, "editor")
    claim = fact(fresh, "harbour", "claim")
    response = http.post(
        f"/facts/claim/{claim.id}/confirm",
        data={"csrf_token": token},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<article class="fact fact-claim st-confirmed" id="claim-{claim.id}"')
    assert "<html" not in response.text
    assert fresh.get_fact("claim", claim.id).review_state == "confirmed"
    bad = http.post(
        f"/facts/claim/{claim.id}/correct",
        data={"csrf_token": token, "value": "many"},
        headers={"X-Requested-With": "fetch"},
    )
    assert bad.status_code == 400 and "value: expected a whole number" in bad.text
    assert fresh.get_fact("claim", claim.id).values["value"] == 16


def test_viewers_and_forged_requests_cannot_review(fresh: Store) -> None:
    incident = fact(fresh, "ledger", "incident")
    http, token = browser(fresh, "viewer")
    assert http.post(f"/facts/incident/{incident.id}/confirm", data={"csrf_token": token}).status_code == 403
    editor, _ = browser(fresh, "editor")
    assert editor.post(f"/facts/incident/{incident.id}/reject", data={"csrf_token": "forged"}).status_code == 403
    assert editor.post(f"/facts/incident/{incident.id}/reject").status_code == 403
    assert fresh.get_fact("incident", incident.id).review_state == "machine"
    assert fresh.list_audit(AuditFilter()).total == 0


def test_split_then_merge_from_the_case_page(fresh: Store) -> None:
    http, token = browser(fresh, "editor")
    case = conflicted_case(fresh)
    harbour = fact(fresh, "harbour", "incident")
    before = fresh.list_cases(CaseFilter()).total
    response = http.post(f"/cases/{case}/split", data={"csrf_token": token, "incident": str(harbour.id)})
    assert response.status_code == 303
    assert fresh.list_cases(CaseFilter()).total == before + 1
    apart = {c.id for c in fresh.list_cases(CaseFilter(q="Ryu")).items}
    ledger_case = next(
        i for i in apart if any(f.document_id == doc_id(fresh, "ledger") for f in fresh.get_case(i).incidents)
    )
    harbour_case = next(i for i in apart if any(f.id == harbour.id for f in fresh.get_case(i).incidents))
    assert ledger_case != harbour_case
    merged = http.post("/cases/merge", data={"csrf_token": token, "case": [str(ledger_case), str(harbour_case)]})
    assert merged.status_code == 303
    assert fresh.list_cases(CaseFilter()).total == before
    actions = [entry.action for entry in fresh.list_audit(AuditFilter(kind="case"), limit=20).items]
    assert "split" in actions and "merge" in actions
    history = page(http, merged.headers["location"])
    assert "act-merge" in history and "act-split" in history


def test_hostile_text_is_escaped_on_every_page(fresh: Store) -> None:
    http, _ = browser(fresh, "editor")
    hostile = doc_id(fresh, "hostile")
    incident = fact(fresh, "hostile", "incident")
    claim = fact(fresh, "hostile", "claim")
    # Names and sources come from reviewers too: put the payloads there as well.
    fresh.review_fact(FactChange("incident", incident.id, "correct", "editor", {"name": SCRIPT}, note=IMG))
    fresh.review_fact(FactChange("claim", claim.id, "correct", "editor", {"source": SCRIPT}))
    resolve_cases(fresh)
    case = next(c.id for c in fresh.list_cases(CaseFilter(), limit=100).items if SCRIPT in c.label)
    shown = 0
    for path in (
        "/",
        "/cases",
        f"/cases/{case}",
        "/documents",
        f"/documents/{hostile}",
        "/documents?q=Friday",
        "/claims",
        "/audit",
        "/new",
        f"/audit?case_id={case}",
        f"/cases?q={SCRIPT}",
    ):
        body = page(http, path)
        assert SCRIPT not in body and "<img src=x" not in body, path
        assert 'href="javascript:' not in body.lower() and "onerror=alert(1)>" not in body, path
        shown += html.escape(SCRIPT) in body or html.escape(IMG) in body
    assert shown >= 8  # the payloads were on the pages, escaped
    assert page(http, f"/documents/{hostile}").count(html.escape(SCRIPT)) >= 2  # title and text


def test_raw_capture_is_never_served_as_html(shared: Store) -> None:
    http, _ = browser(shared)
    hostile = doc_id(shared, "hostile")
    view = http.get(f"/documents/{hostile}/raw")
    assert view.status_code == 200
    assert view.headers["content-type"] == "text/plain; charset=utf-8"
    assert view.headers["x-content-type-options"] == "nosniff"
    assert '<script>alert("raw")</script>' in view.text  # the capture as it came, to read, not to run
    download = http.get(f"/documents/{hostile}/raw?download=1")
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.content == HOSTILE_PAGE.encode()
    assert http.get("/documents/99999/raw").status_code == 404


def test_charts_are_valid_images_and_specs(shared: Store) -> None:
    http, _ = browser(shared)
    svg = http.get("/charts/returns.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(svg.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "2023" in texts and "returned" in texts
    # An SVG opened on its own is a document: no script may run in it, whatever its labels hold.
    assert svg.headers["content-security-policy"].startswith("default-src 'none'")
    assert "sandbox" in svg.headers["content-security-policy"]
    assert "script-src 'self'" in http.get("/").headers["content-security-policy"]
    png = http.get("/charts/claims.png?download=1")
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n") and len(png.content) > 1000
    assert png.headers["content-disposition"] == 'attachment; filename="redefection-claims.png"'
    spec = json.loads(http.get("/charts/claims.vl.json").content)
    values = spec["data"]["values"]
    assert {v["value"] for v in values} >= {14, 16, 12}
    assert {v["source"] for v in values} == {"Ministry of Unification"}
    assert http.get("/charts/nothing.svg").status_code == 404
    assert http.get("/charts/returns.gif").status_code == 404


def test_chart_labels_stay_text(fresh: Store) -> None:
    claim = fact(fresh, "hostile", "claim")
    fresh.review_fact(FactChange("claim", claim.id, "correct", "editor", {"source": SCRIPT + IMG}))
    http, _ = browser(fresh)
    root = ET.fromstring(http.get("/charts/claims.svg").content)  # well-formed: the label is escaped
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert "script" not in tags and "img" not in tags and "foreignObject" not in tags
    labels = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any(label.startswith(SCRIPT + '"><img') for label in labels)  # drawn as text (long labels are cut)


def test_public_view_shows_only_reviewed_cases(fresh: Store) -> None:
    http = client(fresh, WebConfig(anonymous=True))
    http.app.state.dashboard_cache = DashboardCache(slow=math.inf)  # never served stale here
    assert '>0</span><span class="t">cases</span>' in page(http, "/").replace("\n", "")
    assert http.get("/audit").status_code == 303  # the audit log needs an account
    fresh.review_fact(FactChange("incident", fact(fresh, "ledger", "incident").id, "confirm", "editor"))
    resolve_cases(fresh)
    body = page(http, "/cases")
    assert "Public view" in body and "Ryu" in body and "Harbour Daily News" not in body
    dashboard = page(http, "/").replace("\n", "")
    assert '>1</span><span class="t">cases</span>' in dashboard
    assert "Facts awaiting review" not in dashboard
    document = page(http, f"/documents/{doc_id(fresh, 'ledger')}")
    assert "not part of the public view" in document and "unpaid debts" not in document and "/raw" not in document
    assert http.get(f"/documents/{doc_id(fresh, 'harbour')}").status_code == 404  # nothing of it was reviewed
    assert http.get(f"/documents/{doc_id(fresh, 'ledger')}/raw").status_code == 303  # to the login form


def test_dashboard_counts_cases_not_reports(shared: Store) -> None:
    board = build_dashboard(shared)
    assert board.cases == shared.list_cases(CaseFilter()).total == 2  # three reports, two people
    assert [(row.year, row.counts["returned"]) for row in board.years] == [(2023, 2)]
    assert dict(board.statuses)["returned"] == 2 and board.conflicted == 1 and board.unreviewed == 2
    assert {item.fact.kind for item in board.awaiting} == {"incident", "claim"}
    assert all(item.fact.is_machine for item in board.awaiting)
    assert sum(len(points) for points in board.series.values()) == 3
    assert all(case_year(summary) == 2023 for summary in shared.list_cases(CaseFilter()).items)


def test_dashboard_cache_rebuilds_when_a_reviewer_acts(fresh: Store) -> None:
    built: list[bool] = []

    def counting(store: Store, *, public: bool = False) -> object:
        built.append(public)
        return build_dashboard(store, public=public)

    cache = DashboardCache(build=counting)  # type: ignore[arg-type]
    first = cache.get(fresh)
    assert cache.get(fresh) is first and len(built) == 1
    fresh.review_fact(FactChange("claim", fact(fresh, "ledger", "claim").id, "confirm", "editor"))
    assert cache.get(fresh) is not first and len(built) == 2
    assert cache.get(fresh, public=True).public and built[-1] is True


def test_a_slow_dashboard_is_served_while_a_newer_one_is_built(fresh: Store) -> None:
    now = [0.0]

    def slow(store: Store, *, public: bool = False) -> object:
        now[0] += 2.0  # each build "takes" two seconds on this clock
        return build_dashboard(store, public=public)

    cache = DashboardCache(build=slow, clock=lambda: now[0], slow=1.0)  # type: ignore[arg-type]
    first = cache.get(fresh)
    assert len(first.awaiting) == 6  # three documents, an incident and a claim each
    fresh.review_fact(FactChange("incident", fact(fresh, "ledger", "incident").id, "confirm", "editor"))
    assert cache.get(fresh) is first  # the store changed, but nobody waits for a slow build
    cache.wait(60)
    assert not cache.refreshing()
    newer = cache.get(fresh)
    assert newer is not first and len(newer.awaiting) == 5
    now[0] += 1000.0  # too old to serve while rebuilding: built at once
    fresh.review_fact(FactChange("claim", fact(fresh, "ledger", "claim").id, "confirm", "editor"))
    assert cache.get(fresh) is not newer


def test_highlighting_cuts_plain_text_into_pieces() -> None:
    text = "Police said he swam. Nobody saw him leave."
    first, second = Mark("incident", 1), Mark("claim", 2)
    pieces = highlight(text, [(Span(0, 20, "Police said he swam."), first), (Span(12, 30, ""), second)])
    assert "".join(p.text for p in pieces) == text
    assert [(p.text, p.marks) for p in pieces][:3] == [
        ("Police said ", (first,)),
        ("he swam.", (first, second)),
        (" Nobody sa", (second,)),
    ]
    moved = highlight("Intro. " + text, [(Span(0, 20, "Police said he swam."), first)])
    assert [p.text for p in moved if p.is_mark] == ["Police said he swam."]  # stale offsets: found by text
    cut = excerpt("word " * 100 + "EVIDENCE here" + " word" * 100, Span(500, 513, "EVIDENCE here"), first, 20)
    assert cut[0].text == "… " and cut[-1].text == " …" and cut[2].text == "EVIDENCE here"
    assert len("".join(p.text for p in cut)) < 70
    text = "a " * 50 + "ONE two " + "b " * 20 + "THREE" + " c" * 200
    one, three = Span(text.index("ONE"), text.index("ONE") + 3, "ONE"), Span(text.index("THREE"), len(text) - 400, "")
    assert len(excerpts(text, [one, three], first, 60)) == 1  # close spans share one passage
    apart = excerpts(text, [one, three], first, 10)
    assert [[p.text for p in passage if p.is_mark] for passage in apart] == [["ONE"], ["THREE"]]


def test_links_only_to_web_addresses_and_cues_are_split() -> None:
    assert safe_url("https://news.example/a?b=1") == "https://news.example/a?b=1"
    for bad in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,x", "/local/path", "//host/x", None):
        assert safe_url(bad) is None
    assert split_cue("[defector + swam back] He swam back.") == (["defector", "swam back"], "He swam back.")
    assert split_cue("no brackets") == ([], "no brackets")


def test_claims_sort_by_a_column_both_ways(shared: Store) -> None:
    http, _ = browser(shared)

    def figures(path: str) -> list[int]:
        body = page(http, path).split("<tbody>", 1)[1]
        return [
            int(v)
            for v in re.findall(r'<td class="num nowrap">(?:<span class="qual">[^<]*</span> )?<strong>(\d+)', body)
        ]

    assert figures("/claims?sort=value&dir=asc") == [12, 14, 16]  # the three reports' figures
    assert figures("/claims?sort=value") == [16, 14, 12]  # descending unless asked
    assert sorted(figures("/claims?sort=bogus")) == [12, 14, 16]  # an unknown column: the default order


def test_case_page_loads_its_documents_together(fresh: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def one_by_one(*_: object) -> None:
        raise AssertionError("a case page must not load documents or clusters one at a time")

    monkeypatch.setattr(fresh, "get_document", one_by_one)
    monkeypatch.setattr(fresh, "cluster_of_document", one_by_one)
    http, _ = browser(fresh)
    body = page(http, f"/cases/{conflicted_case(fresh)}")
    assert "The Eastern Ledger" in body and "Harbour Daily News" in body
    assert "unpaid debts" in body  # the evidence in context: the documents' text was loaded


def test_filter_counts_are_kept_until_the_store_changes(fresh: Store) -> None:
    counted: list[bool] = []
    release = threading.Event()

    def counting(store: Store, *, public: bool = False) -> dict[str, dict[str, int]]:
        counted.append(public)
        release.wait(10)
        return browse.facet_counts(store, public=public)

    cache = FacetCache(count=counting)
    views = [threading.Thread(target=cache.get, args=(fresh,)) for _ in range(3)]
    for view in views:
        view.start()
    release.set()
    for view in views:
        view.join(10)
    assert counted == [False]  # three views at once: one count, the others waited for it
    first = cache.get(fresh)
    first["status"].clear()  # a copy: the caller may change it
    assert cache.get(fresh)["status"] == {"returned": 2} and counted == [False]
    fresh.review_fact(FactChange("incident", fact(fresh, "ledger", "incident").id, "confirm", "editor"))
    assert cache.get(fresh)["language"] == {"en": 3} and counted == [False, False]
    assert cache.get(fresh, public=True)["status"] == {"returned": 1} and counted[-1] is True  # the reviewed case


def test_document_list_counts_languages_again_after_an_ingest(fresh: Store, tmp_path: Path) -> None:
    http, _ = browser(fresh)
    assert "en (3)" in page(http, "/documents") and "ko (" not in page(http, "/cases")
    inbox = tmp_path / "korean"
    inbox.mkdir()
    (inbox / "ko.txt").write_text(
        "탈북민 이모씨가 강화도에서 헤엄쳐 북한으로 다시 넘어갔다고 군 당국이 밝혔다.\n", "utf-8"
    )
    assert ingest_paths([inbox], fresh, Settings()).stored == 1
    assert "ko (1)" in page(http, "/documents")


def test_one_dashboard_build_serves_views_arriving_meanwhile(fresh: Store) -> None:
    built: list[bool] = []
    release = threading.Event()

    def slow_once(store: Store, *, public: bool = False) -> object:
        built.append(public)
        release.wait(10)
        return build_dashboard(store, public=public)

    cache = DashboardCache(build=slow_once)  # type: ignore[arg-type]
    boards: list[object] = []
    views = [threading.Thread(target=lambda: boards.append(cache.get(fresh))) for _ in range(3)]
    for view in views:
        view.start()
    release.set()
    for view in views:
        view.join(10)
    assert len(built) == 1 and len(boards) == 3 and all(board is boards[0] for board in boards)


def test_a_dashboard_that_takes_a_while_is_not_rebuilt_after_every_change(fresh: Store) -> None:
    now = [0.0]

    def one_second(store: Store, *, public: bool = False) -> object:
        now[0] += 1.0  # each build "takes" a second on this clock: noticeable, but not slow enough for the background
        return build_dashboard(store, public=public)

    cache = DashboardCache(build=one_second, clock=lambda: now[0], spacing=10.0)  # type: ignore[arg-type]
    first = cache.get(fresh)
    fresh.review_fact(FactChange("claim", fact(fresh, "ledger", "claim").id, "confirm", "editor"))
    now[0] += 5.0
    assert cache.get(fresh) is first  # changed 5 s after a 1 s build: kept for 10 s
    now[0] += 5.0
    newer = cache.get(fresh)
    assert newer is not first and len(newer.awaiting) == len(first.awaiting) - 1
    plain = DashboardCache(build=one_second, clock=lambda: now[0])  # without spacing: rebuilt on every change
    board = plain.get(fresh)
    fresh.review_fact(FactChange("incident", fact(fresh, "ledger", "incident").id, "confirm", "editor"))
    assert plain.get(fresh) is not board


def test_corrected_claim_source_joins_the_extracted_series_issue_13(fresh: Store) -> None:
    http, token = browser(fresh, "editor")
    ledger, harbour = fact(fresh, "ledger", "claim"), fact(fresh, "harbour", "claim")
    assert harbour.values["source"] == "Ministry of Unification"
    form = page(http, f"/documents/{ledger.document_id}")
    assert f'list="claim-{ledger.id}-source-names"' in form and '<option value="Ministry of Unification">' in form
    back = f"/documents/{ledger.document_id}"
    for typed in ("통일부", "the Unification Ministry"):
        http.post(f"/facts/claim/{ledger.id}/correct", data={"csrf_token": token, "back": back, "source": "Police"})
        response = http.post(
            f"/facts/claim/{ledger.id}/correct", data={"csrf_token": token, "back": back, "source": typed}
        )
        assert response.status_code == 303
        assert fresh.get_fact("claim", ledger.id).values["source"] == "Ministry of Unification"
    claims = page(http, "/claims")
    assert "통일부" not in claims and "Unification Ministry" not in claims  # one name: one series
    http.post(f"/facts/claim/{ledger.id}/correct", data={"csrf_token": token, "back": back, "source": "a local pastor"})
    assert fresh.get_fact("claim", ledger.id).values["source"] == "a local pastor"  # unknown names stay as typed


def test_claims_chart_joins_only_figures_over_the_same_kind_of_period_issue_13(fresh: Store) -> None:
    periods = {"ledger": "over the past five years", "harbour": "between 2012 and 2020", "hostile": "2012–2022"}
    for key, period in periods.items():
        claim = fact(fresh, key, "claim")
        if claim.values["period"] != period:
            fresh.review_fact(FactChange("claim", claim.id, "correct", "editor", {"period": period}))
    http, _ = browser(fresh)
    spec = json.loads(http.get("/charts/claims.vl.json").content)
    kinds = {v["value"]: v["period_kind"] for v in spec["data"]["values"]}
    assert kinds == {14: "past five years", 16: "since 2012", 12: "since 2012"}
    line = next(layer for layer in spec["spec"]["layer"] if layer["mark"]["type"] == "line")
    assert line["encoding"]["detail"]["field"] == "period_kind"  # one line per source and period kind
    point = spec["spec"]["layer"][-1]
    assert {"period"} <= {t["field"] for t in point["encoding"]["tooltip"]}
    table = page(http, "/claims")
    assert "between 2012 and 2020" in table and "over the past five years" in table


def test_correction_form_takes_an_age_range_issue_13(fresh: Store) -> None:
    http, token = browser(fresh, "editor")
    incident = fact(fresh, "ledger", "incident")
    back = f"/documents/{incident.document_id}"
    form = {"csrf_token": token, "back": back}
    assert http.post(f"/facts/incident/{incident.id}/correct", data={**form, "age": "30s"}).status_code == 303
    changed = fresh.get_fact("incident", incident.id).values
    assert (changed["age"], changed["age_min"], changed["age_max"]) == (None, 30, 39)
    body = page(http, back)
    assert f'id="incident-{incident.id}-age" name="age" value="30s"' in body  # the form shows what was typed
    assert "<dt>age</dt><dd>30s</dd>" in body and "age min" not in body
    # Saving another field leaves the range alone; a bad age names the field.
    assert (
        http.post(f"/facts/incident/{incident.id}/correct", data={**form, "age": "30s", "route": "by sea"}).status_code
        == 303
    )
    assert fresh.get_fact("incident", incident.id).values["age_min"] == 30
    refused = http.post(
        f"/facts/incident/{incident.id}/correct",
        data={**form, "age": "thirty-ish"},
        headers={"X-Requested-With": "fetch"},
    )
    assert refused.status_code == 400 and "age: expected an age" in html.unescape(refused.text)


def test_a_search_of_punctuation_alone_finds_nothing_issue_13(shared: Store) -> None:
    http, _ = browser(shared)
    everything = page(http, "/documents")
    assert "Man believed to have returned North" in everything
    for query in ("\"';--", "...", "  ,  "):
        body = page(http, "/documents?" + urlencode({"q": query}))
        assert "Man believed to have returned North" not in body, query
    with_api = http.get("/api/v1/documents", params={"q": "\"';--"}).json()
    assert with_api["total"] == 0


def test_figures_have_thousands_separators_in_table_and_chart_issue_13(fresh: Store) -> None:
    claim = fact(fresh, "harbour", "claim")
    fresh.review_fact(FactChange("claim", claim.id, "correct", "editor", {"value": 34000}))
    http, _ = browser(fresh)
    table = page(http, "/claims")
    assert "<strong>34,000</strong>" in table and "34000" not in table
    card = page(http, f"/documents/{claim.document_id}")
    assert "<dd>34,000</dd>" in card
    spec = json.loads(http.get("/charts/claims.vl.json").content)
    assert 34000 in {v["value"] for v in spec["data"]["values"]}  # the figure itself, not a summary of it
    point = spec["spec"]["layer"][-1]["encoding"]
    assert point["y"]["axis"]["format"] == ",d"
    assert next(t for t in point["tooltip"] if t["field"] == "value")["format"] == ",d"
    svg = http.get("/charts/claims.svg").text
    assert "34,000" in svg  # the point's tooltip in the drawing


def test_public_view_offers_only_what_it_can_open_issue_13(fresh: Store) -> None:
    http = client(fresh, WebConfig(anonymous=True))
    fresh.review_fact(FactChange("incident", fact(fresh, "ledger", "incident").id, "confirm", "editor"))
    resolve_cases(fresh)
    listed = page(http, "/cases")
    (case_id,) = set(re.findall(r'href="/cases/(\d+)"', listed))
    pages = {
        "case": page(http, f"/cases/{case_id}"),
        "document": page(http, f"/documents/{doc_id(fresh, 'ledger')}"),
        "documents": page(http, "/documents"),
    }
    for name, body in pages.items():
        for link in set(re.findall(r'href="(/[^"#]*)', body)) - {"/login"}:
            if link.startswith(("/static/", "/charts/", "/login?")):
                continue
            status = http.get(link, follow_redirects=False).status_code
            assert status == 200, (name, link, status)  # no link leads to the login form
    assert "raw capture" not in pages["case"] and "Full audit log" not in pages["case"]
    assert "No evidence span was kept" not in pages["case"] + pages["document"]
    assert "public view does not show" in pages["document"]
    assert 'name="q"' not in pages["documents"] and 'role="search"' not in pages["documents"]


def test_in_place_review_refreshes_the_case_summary_and_changes_issue_13(fresh: Store) -> None:
    import shutil
    import subprocess

    http, token = browser(fresh, "editor")
    case_id = conflicted_case(fresh)
    before = page(http, f"/cases/{case_id}")
    summary = re.compile(r'<dl class="facts-line js-live" id="case-summary">.*?</dl>', re.S)
    changes = re.compile(r'<section class="card js-live" id="case-changes">.*?</section>', re.S)
    assert "Reviewed</dt><dd>0 of 2" in summary.search(before).group(0)  # type: ignore[union-attr]
    incident = fresh.get_case(case_id).incidents[0]
    answer = http.post(
        f"/facts/incident/{incident.id}/confirm", data={"csrf_token": token}, headers={"X-Requested-With": "fetch"}
    )
    assert answer.status_code == 200
    after = page(http, f"/cases/{case_id}")  # what the script reads again after an in-place review
    assert "Reviewed</dt><dd>1 of 2" in summary.search(after).group(0)  # type: ignore[union-attr]
    assert "confirm" in changes.search(after).group(0)  # type: ignore[union-attr]
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the script's part is checked by tests/test_browser.py")
    harness, script = (
        Path(__file__).parent / "js" / "app_harness.js",
        Path(templating.__file__).parent / "static/app.js",
    )
    ran = subprocess.run([node, str(harness), str(script)], capture_output=True, text=True, timeout=30, check=True)
    log = json.loads(ran.stdout)
    assert log["fetched"] == [["POST", "/facts/incident/7/confirm"], ["GET", "http://127.0.0.1/cases/3"]]
    assert log["replaced"] == ["incident-7", "live:case-summary", "live:case-changes"]
