"""Small news pages we wrote for the browse, search and review tests, and a store filled from them.

Four reports in three languages: Choi Min-ho (English, attempted return, and
an exact copy on a second outlet), Han Su-jin (English, returned, with two
claims and a quote), a Korean swimmer (이모씨) and a Chinese returnee (张某,
with a claim); plus one English page about orchards that is not relevant.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from redefection.app.ingest import ingest_paths
from redefection.settings import Settings
from redefection.store import CaseFilter, Store, open_store
from redefection.store.tables import Base

POSTGRES_URL = os.environ.get("REDEFECTION_TEST_POSTGRES_URL")

BUS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Defector tries to drive stolen truck back to the North | {outlet}</title>
<meta property="article:published_time" content="2023-05-02T09:00:00Z"></head>
<body><article>
<h1>Defector tries to drive stolen truck back to the North</h1>
<p class="byline">By Ana Ruiz</p>
<p>A North Korean defector named Choi Min-ho, 31, was stopped on Tuesday after driving a stolen truck towards the \
border in an attempt to return to the North, police said.</p>
<p>Choi, a former miner who arrived in the South in 2018, told officers that he missed his family and found life \
in Séoul too hard.</p>
<p>"He said he could not adjust to life here," a police officer said.</p>
</article></body></html>
"""
HAN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Former teacher who fled in 2015 resurfaces in Pyongyang | Valley Courier</title>
<meta property="article:published_time" content="2022-11-20T09:00:00Z"></head>
<body><article>
<h1>Former teacher who fled in 2015 resurfaces in Pyongyang</h1>
<p>A defector named Han Su-jin, 40, who arrived in the South in 2015, has returned to North Korea through China, \
the unification ministry said on Sunday.</p>
<p>A rights group claimed that 40 defectors had gone back to the North last year alone.</p>
<p>The ministry said 31 defectors had returned to the North since 2012.</p>
<p>"We are checking how she left," ministry spokesman Park Jae-won said.</p>
</article></body></html>
"""
KOREAN = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>탈북민 헤엄쳐 재입북 | 바다일보</title>
<meta property="article:published_time" content="2021-08-03T09:00:00+09:00"></head>
<body><article>
<h1>탈북민 헤엄쳐 재입북</h1>
<p>2019년 입국한 탈북민 이모(28)씨가 지난 1일 밤 강화도에서 헤엄쳐 북한으로 다시 넘어간 것으로 \
확인됐다고 군 당국이 3일 밝혔다.</p>
<p>이씨는 남한 생활에 적응하지 못해 힘들어했다고 지인들은 전했다.</p>
</article></body></html>
"""
CHINESE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>脱北者重返朝鲜 | 东方周报</title>
<meta property="article:published_time" content="2019-03-12T09:00:00+08:00"></head>
<body><article>
<h1>脱北者重返朝鲜</h1>
<p>据韩国统一部消息，一名2014年抵达韩国的脱北者张某（45岁）上月经由中国返回朝鲜。</p>
<p>统一部表示，自2012年以来已有30名脱北者重返朝鲜。</p>
</article></body></html>
"""
ORCHARD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Late frost worries orchard growers | Harbour Times</title>
<meta property="article:published_time" content="2023-04-11T09:00:00Z"></head>
<body><article><h1>Late frost worries orchard growers</h1>
<p>Apple growers in the valley fear that a late frost this week could damage blossoms, the farmers' cooperative \
said on Monday, while forecasters expect warmer weather by the weekend.</p>
<p>The cooperative said its members had covered young trees with cloth overnight and would meet again on Friday \
to count the losses in each orchard.</p>
</article></body></html>
"""
PAGES = {
    "en-bus.html": BUS.format(outlet="Harbour Times"),
    "en-bus-copy.html": BUS.format(outlet="Valley Courier"),
    "en-han.html": HAN,
    "ko-swim.html": KOREAN,
    "zh-return.html": CHINESE,
    "en-orchard.html": ORCHARD,
}


@dataclass(frozen=True)
class Filled:
    """A store holding ``PAGES``, with the ids tests look things up by."""

    store: Store
    folder: Path
    documents: dict[str, int]  # file name -> document id (the copy names its original's document)

    def incident(self, document: str, position: int = 0) -> int:
        """The row id of an incident, by the document's file name and its position."""
        facts = self.store.list_facts(self.documents[document])
        return next(f.id for f in facts if f.kind == "incident" and f.position == position)

    def case_of(self, incident_id: int) -> int:
        """The id of the case holding an incident."""
        for summary in self.store.list_cases(CaseFilter(), limit=100).items:
            if incident_id in {fact.id for fact in self.store.get_case(summary.id).incidents}:
                return summary.id
        raise AssertionError(f"incident {incident_id} is in no case")


def write_pages(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, page in PAGES.items():
        (folder / name).write_text(page, encoding="utf-8")
    return folder


def fill(store: Store, folder: Path) -> Filled:
    """Ingest ``PAGES`` (written under ``folder``) into ``store``."""
    report = ingest_paths([write_pages(folder)], store, Settings())
    assert (report.stored, report.duplicate, report.failed) == (5, 1, 0), report.failures
    ids = {}
    for document in store.list_documents(limit=100):
        ids[Path(document.source).name] = document.id
    # Exact copies share one document, stored under whichever page was read first.
    bus = ids.get("en-bus.html", ids.get("en-bus-copy.html"))
    assert bus is not None
    ids["en-bus.html"] = ids["en-bus-copy.html"] = bus
    return Filled(store, folder, ids)


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres", marks=pytest.mark.skipif(not POSTGRES_URL, reason="REDEFECTION_TEST_POSTGRES_URL is not set")
    ),
]


def open_backend(name: str) -> Iterator[Store]:
    """An empty store on SQLite (in memory) or on the scratch PostgreSQL database (emptied first)."""
    if name == "sqlite":
        url = "sqlite://"
    else:
        assert POSTGRES_URL is not None
        reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()
