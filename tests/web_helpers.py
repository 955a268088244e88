"""A small corpus we wrote, a store built from it, and clients logged in with each role: for the web tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from redefection.app import accounts
from redefection.app.cases import resolve_cases
from redefection.app.ingest import ingest_paths
from redefection.settings import Settings
from redefection.store import FactChange, Store, StoredFact
from redefection.web import WebConfig, create_app
from redefection.web.auth import SESSION_COOKIE

PASSWORD = "a long enough test password"
ROLES = ("viewer", "editor", "admin")
LOCAL = "http://127.0.0.1"  # plain http on loopback: the session cookie is not Secure, so the client sends it back

ARTICLES = {
    "kim.txt": """Defector Kim Min-su returns to North Korea

Kim Min-su, a 34-year-old former factory worker who arrived in the South in 2015, returned to North Korea \
in May 2019, the Ministry of Unification said on Tuesday.

"He told us he missed his mother in Hyesan," said Lee Jae-won, a friend of Kim.

The ministry said 25 defectors have returned to the North since 2012.
""",
    "park.txt": """Former soldier crosses back over border to North Korea

Park Ji-hoon, 41, a defector who settled in Seoul in 2011, crossed back into the North in 2020, police said.

"We are checking how he crossed," said Choi Young, a police spokesperson.
""",
    "xss.txt": """Defector <script>alert("title")</script> returns to North Korea

A woman who arrived in the South in 2016 went back to the North in 2021, officials said <b onmouseover=alert(2)>.

"<script>alert('quote')</script> we do not know where she is," said Han Seo-yeon, a neighbour.
""",
}


def build_store(folder: Path, url: str | None = None) -> Store:
    """A SQLite store (or the one at ``url``) holding ``ARTICLES``, resolved into cases."""
    from redefection.store import open_store

    inbox = folder / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (inbox / name).write_text(text, encoding="utf-8")
    store = open_store(url or str(folder / "web.db"))
    report = ingest_paths([inbox], store, Settings())
    assert report.stored == len(ARTICLES), report
    for role in ROLES:
        accounts.add_user(store, role, PASSWORD, role)
    return store


def document_id(store: Store, stem: str) -> int:
    return next(d.id for d in store.list_documents(limit=100) if d.key == stem)


def facts(store: Store, stem: str, kind: str) -> list[StoredFact]:
    return [fact for fact in store.list_facts(document_id(store, stem)) if fact.kind == kind]


def confirm(store: Store, fact: StoredFact, who: str = "editor") -> None:
    """A person confirms a fact (through the store, as the review service does), then cases are rebuilt."""
    store.review_fact(FactChange(fact.kind, fact.id, "confirm", who))
    resolve_cases(store)


def case_of(store: Store, stem: str) -> int:
    """The id of the case holding the incident of document ``stem``."""
    from redefection.store import CaseFilter

    wanted = document_id(store, stem)
    for summary in store.list_cases(CaseFilter(), limit=500).items:
        if any(fact.document_id == wanted for fact in store.get_case(summary.id).incidents):
            return summary.id
    raise AssertionError(f"no case for {stem}")


def client(store: Store, config: WebConfig | None = None, base_url: str = LOCAL) -> TestClient:
    return TestClient(create_app(store, Settings(), config), base_url=base_url, follow_redirects=False)


def session_for(store: Store, http: TestClient, role: str) -> str:
    """Log ``http`` in as the user named ``role`` without the password round (fast); returns the CSRF token."""
    user = store.get_user(role)
    assert user is not None
    started = accounts.start_session(store, user)
    http.cookies.set(SESSION_COOKIE, started.cookie)
    return started.session.csrf_token


@contextmanager
def logged_in(store: Store, role: str, config: WebConfig | None = None) -> Iterator[tuple[TestClient, str]]:
    with client(store, config) as http:
        yield http, session_for(store, http, role)


def bearer(store: Store, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.create_api_token(store, role, 'tests').secret}"}
