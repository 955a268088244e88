"""The web app in a real browser: headless Chromium (Debian's ``/usr/bin/chromium``) driven by Python Playwright.

The app runs under uvicorn in a background thread on 127.0.0.1 at a free port,
over a temporary SQLite file filled by ``redefection ingest examples/sample``,
one document we write full of script payloads, and accounts made through
``redefection.app.accounts``. Scenarios of issue 5: log in, search, open a case,
correct a fact and find the change in the audit log, a viewer refused an
edit; and that nothing a document says runs as script, and the CSP stops
inline script. Screenshots of the main pages are kept in
``test-artifacts/screenshots/`` (not versioned).

The module is skipped when Playwright or ``/usr/bin/chromium`` is missing; CI
(``.ci/run``) installs chromium, and no browser is ever downloaded.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from proc_helpers import cli_env
from redefection.app import accounts
from redefection.app.cases import resolve_cases
from redefection.fingerprint import fingerprint_text
from redefection.records import Article, Capture, Claim, Document, Incident, Person, Quote, Span
from redefection.settings import Settings
from redefection.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "browser-test-password"

sync_api = pytest.importorskip("playwright.sync_api", reason="Python Playwright is not installed")
if not CHROMIUM.is_file():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does under CI)", allow_module_level=True)

pytestmark = pytest.mark.timeout(180)

# Every payload sets window.__xss or opens a dialog if it ever runs; the tests check neither happened.
TITLE_PAYLOAD = "<script>window.__xss = 'title'</script><img src=x onerror=\"window.__xss='img'\">"
BODY = (
    "A defector surnamed Kim, 30, returned to the North in July 2020 after he "
    "<b onmouseover=alert(1)>swam</b> across the estuary, police said.",
    "<script>alert('body')</script> \"><svg onload=\"window.__xss='svg'\"> <a href=javascript:alert(2)>link</a>",
    "According to the <iframe srcdoc=\"<script>parent.__xss='claim'</script>\"></iframe> ministry, "
    "at least 31 defectors have returned to the North since 2012.",
    "\"</textarea><script>window.__xss='quote'</script>\" said a <img src=y onerror=alert(3)> official.",
)
NAME_PAYLOAD = "<img src=z onerror=\"window.__xss='name'\">"
BROKEN_IMAGES = "() => [...document.images].filter((i) => i.complete && i.naturalWidth === 0).map((i) => i.src)"
INJECTED = "img[src=x], img[src=y], img[src=z], svg[onload], iframe[srcdoc], b[onmouseover], a[href^='javascript:']"


@dataclass
class Site:
    base: str
    store: Store
    xss_document: int
    xss_case: int
    ganghwa_case: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _span(text: str, words: str) -> Span:
    start = text.index(words)
    return Span(start, start + len(words), words)


def _xss_document() -> tuple[Capture, Document]:
    text = "\n\n".join(BODY)
    uri = "javascript:window.__xss='uri'"
    capture = Capture("pages/xss-probe.html", f"<html><title>{TITLE_PAYLOAD}</title>{''.join(BODY)}</html>".encode())
    incident = Incident(
        person=Person(name=NAME_PAYLOAD, surname="Kim", age=30, occupation="<script>window.__xss='job'</script>"),
        returned="2020-07",
        route="<svg onload=alert('route')>",
        reasons=("unknown",),
        evidence=(_span(text, BODY[0]),),
    )
    claim = Claim(
        "returned_north", 31, "at least", "since 2012", None, "<script>alert('src')</script>", _span(text, BODY[2])
    )
    quote = Quote(
        "<img src=y onerror=alert(4)>", "official", "<b onmouseover=alert(5)>Ministry</b>", _span(text, BODY[3])
    )
    article = Article(TITLE_PAYLOAD, "<script>alert('byline')</script>", date(2020, 7, 30), "<i>Probe</i> Daily", BODY)
    document = Document(
        id=capture.name,
        source=capture.source,
        sha256=capture.sha256,
        format="html",
        article=article,
        language="en",
        uri=uri,
        fingerprint=fingerprint_text(text),
        relevant=True,
        relevance_cues=("<script>alert('cue')</script>",),
        incidents=(incident,),
        claims=(claim,),
        quotes=(quote,),
    )
    return capture, document


def _case_of(store: Store, document_id: int) -> int:
    for stored in resolve_cases(store):
        if any(m.item.document_id == document_id for m in stored.case.incidents):
            return stored.id
    raise AssertionError(f"no case holds document {document_id}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    import uvicorn

    from redefection.web.app import create_app

    folder = tmp_path_factory.mktemp("browser")
    db = folder / "browser.db"
    done = subprocess.run(
        [sys.executable, "-m", "redefection", "ingest", str(ROOT / "examples" / "sample"), "--db", str(db)],
        capture_output=True,
        env=cli_env(),
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    store = open_store(str(db))
    for role in ("admin", "editor", "viewer"):
        accounts.add_user(store, role, PASSWORD, role)
    saved = store.save_document(*_xss_document())
    xss_case = _case_of(store, saved.document_id)
    ganghwa = next(d.id for d in store.list_documents(limit=100) if d.key == "en-2020-ganghwa-swim")
    server = uvicorn.Server(
        uvicorn.Config(create_app(store, Settings()), host="127.0.0.1", port=_free_port(), log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Site(f"http://127.0.0.1:{port}", store, saved.document_id, xss_case, _case_of(store, ganghwa))
    finally:
        server.should_exit = True
        thread.join(15)
        store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Tab:
    """A page in its own browser context, with every dialog, console error and page error it saw."""

    page: Any
    base: str
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def go(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None, path
        return response

    def log_in(self, username: str) -> None:
        self.go("/login")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("form[action='/login'] button[type=submit]")
        assert "/login" not in self.page.url, f"login as {username} failed"

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def tab(browser: Any, site: Site) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    opened = Tab(page, site.base)

    def on_dialog(dialog: Any) -> None:
        opened.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: Any) -> None:
        if message.type == "error":
            opened.errors.append(message.text)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.set_default_timeout(20_000)
    try:
        yield opened
    finally:
        context.close()


def _wait_for(check: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def test_log_in_search_and_open_a_case(tab: Tab, site: Site) -> None:
    tab.go("/cases")
    assert "/login" in tab.page.url  # not logged in: sent to the login form, and back afterwards
    tab.shot("login")
    tab.page.fill("#username", "viewer")
    tab.page.fill("#password", PASSWORD)
    with tab.page.expect_navigation():
        tab.page.click("form[action='/login'] button[type=submit]")
    assert tab.page.url.endswith("/cases")
    tab.shot("cases")

    tab.page.fill("#top-q", "Ganghwa")
    with tab.page.expect_navigation():
        tab.page.press("#top-q", "Enter")
    assert "/documents?q=Ganghwa" in tab.page.url
    hits = tab.page.locator("li.hit")
    assert hits.count() >= 2
    assert "ganghwa" in hits.first.inner_text().casefold()
    tab.shot("search")

    tab.go("/cases")
    link = tab.page.locator(f"a[href='/cases/{site.ganghwa_case}']")
    label = link.inner_text()
    with tab.page.expect_navigation():
        link.click()
    assert tab.page.url.endswith(f"/cases/{site.ganghwa_case}")
    assert label in tab.page.locator("h1").inner_text()
    assert tab.page.locator("blockquote.evidence").count() >= 2  # every report shows the sentence it rests on
    tab.shot("case")
    assert tab.errors == []


def test_editor_corrects_a_fact_and_the_audit_log_shows_it(tab: Tab, site: Site) -> None:
    tab.log_in("editor")
    tab.go(f"/cases/{site.ganghwa_case}")
    card = tab.page.locator("article.fact-incident.st-machine").first
    fact_id = int(card.get_attribute("id").rsplit("-", 1)[1])
    before = site.store.get_fact("incident", fact_id)
    old_age = before.values["age"]
    new_age = (old_age or 30) + 1
    card.locator("details.correct summary").click()
    card.locator(f"#incident-{fact_id}-age").fill(str(new_age))
    card.locator(f"#incident-{fact_id}-note").fill("the police statement gives the later age")
    card.locator("form.correct-form button[type=submit]").click()
    tab.page.wait_for_selector(f"#incident-{fact_id}.st-corrected")  # replaced in place by the page's script
    after = site.store.get_fact("incident", fact_id)
    assert after.review_state == "corrected" and after.values["age"] == new_age

    tab.go("/audit")
    row = tab.page.locator("table.audit tbody tr", has_text=f"incident #{fact_id}").first
    cells = [cell.strip() for cell in row.locator("td").all_inner_texts()]
    assert cells[1] == "editor" and cells[2] == "correct"
    assert cells[5] == str(old_age) and cells[6] == str(new_age)
    assert "later age" in cells[7]
    tab.shot("audit")
    assert tab.errors == []


def test_a_viewer_is_refused_an_edit(tab: Tab, site: Site) -> None:
    tab.log_in("viewer")
    tab.go(f"/cases/{site.ganghwa_case}")
    assert tab.page.locator("form[action*='/facts/']").count() == 0  # no review buttons for a viewer
    fact_id = int(tab.page.locator("article.fact-incident").first.get_attribute("id").rsplit("-", 1)[1])
    before = site.store.get_fact("incident", fact_id)
    token = tab.page.locator("form[action='/logout'] input[name=csrf_token]").get_attribute("value")
    assert token  # the viewer's own valid CSRF token: the refusal below is about the role
    statuses = tab.page.evaluate(
        """async ([id, token]) => {
            const form = new FormData();
            form.append("csrf_token", token);
            const page = await fetch(`/facts/incident/${id}/confirm`, {method: "POST", body: form,
                headers: {"X-CSRF-Token": token}, redirect: "manual"});
            const api = await fetch(`/api/v1/facts/incident/${id}/review`, {method: "POST",
                headers: {"X-CSRF-Token": token, "Content-Type": "application/json"},
                body: JSON.stringify({action: "confirm"})});
            return [page.status, api.status];
        }""",
        [fact_id, token],
    )
    assert statuses == [403, 403]
    assert site.store.get_fact("incident", fact_id).review_state == before.review_state


def test_script_payloads_in_a_document_never_run(tab: Tab, site: Site) -> None:
    tab.log_in("editor")
    pages = (
        f"/documents/{site.xss_document}",
        f"/cases/{site.xss_case}",
        "/documents?q=defector",
        "/cases",
        "/claims",
        "/",
        "/charts/claims.svg",  # a claim's source with a payload is a label in this chart
    )
    for path in pages:
        assert tab.go(path).ok, path
        tab.page.wait_for_load_state("load")
        tab.page.mouse.move(200, 300)  # hover-triggered handlers would fire now
        assert tab.page.evaluate("() => window.__xss") is None, path
        assert tab.page.locator(INJECTED).count() == 0, path
    tab.go(f"/documents/{site.xss_document}")
    # Escaped, not stripped: the reader sees exactly what the page said.
    assert TITLE_PAYLOAD in tab.page.locator("h1").inner_text()
    assert "<script>alert('body')</script>" in tab.page.locator("main").inner_text()
    assert tab.page.locator("a[href^='javascript:']").count() == 0  # the javascript: address is not a link
    tab.shot("document-with-payloads")
    # An editor's correction carrying a payload is shown as text in the audit log too.
    card = tab.page.locator("article.fact-incident").first
    fact_id = int(card.get_attribute("id").rsplit("-", 1)[1])
    card.locator("details.correct summary").click()
    card.locator(f"#incident-{fact_id}-occupation").fill("<img src=x onerror=alert('audit')>")
    card.locator("form.correct-form button[type=submit]").click()
    tab.page.wait_for_selector(f"#incident-{fact_id}.st-corrected")
    tab.go("/audit")
    assert "<img src=x onerror=alert('audit')>" in tab.page.locator("table.audit").inner_text()
    assert tab.page.locator(INJECTED).count() == 0
    assert tab.page.evaluate("() => window.__xss") is None
    raw = tab.page.request.get(f"{site.base}/documents/{site.xss_document}/raw")
    assert raw.ok and not raw.headers["content-type"].startswith("text/html")
    assert raw.headers.get("x-content-type-options") == "nosniff"
    assert tab.dialogs == []


def test_the_content_security_policy_blocks_inline_script(tab: Tab) -> None:
    tab.log_in("viewer")
    response = tab.go("/cases")
    policy = response.headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src is not None and "'unsafe-inline'" not in script_src[1] and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    blocked = tab.page.evaluate(
        """() => new Promise((resolve) => {
            const seen = [];
            document.addEventListener("securitypolicyviolation", (e) => seen.push(e.violatedDirective));
            const script = document.createElement("script");
            script.textContent = "window.__inline = 'ran'";
            document.body.appendChild(script);
            const button = document.createElement("button");
            button.setAttribute("onclick", "window.__handler = 'ran'");
            document.body.appendChild(button);
            button.click();
            setTimeout(() => resolve(seen), 500);
        })"""
    )
    assert tab.page.evaluate("() => [window.__inline, window.__handler]") == [None, None]
    assert blocked and all(directive.startswith("script-src") for directive in blocked)
    assert any("Content Security Policy" in error for error in tab.errors)


def test_main_pages_render_without_errors_and_are_kept_as_screenshots(tab: Tab, site: Site) -> None:
    tab.log_in("editor")
    pages = {
        "dashboard": "/",
        "cases-filtered": "/cases?status=returned",
        "case-editor": f"/cases/{site.ganghwa_case}",
        "documents": "/documents",
        "search-korean": "/documents?q=탈북민",
        "document": f"/documents/{site.xss_document}",
        "claims": "/claims",
        "sources": "/sources",
        "new": "/new",
    }
    for name, path in pages.items():
        response = tab.go(path)
        assert response.status == 200, (path, response.status)
        tab.page.wait_for_load_state("load")
        assert _wait_for(lambda: tab.page.evaluate("() => document.readyState") == "complete")
        broken = tab.page.evaluate(BROKEN_IMAGES)
        assert broken == [], (path, broken)  # the dashboard's charts are images drawn by the server
        tab.shot(name)
    # Our own pages break no rule of our own policy (no inline script or style) and raise nothing.
    assert tab.errors == [], tab.errors
    assert {f"{name}.png" for name in pages} <= {path.name for path in SCREENSHOTS.glob("*.png")}
