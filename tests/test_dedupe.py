"""Dedupe: exact and near copies in English, Korean and Chinese, syndication clusters and their canonical page."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from redefection import dedupe
from redefection.app.ingest import ingest_paths
from redefection.app.syndication import list_duplicates
from redefection.clean import clean_capture
from redefection.cli import cli
from redefection.fingerprint import fingerprint_text
from redefection.records import Capture, ClusterMember
from redefection.settings import Settings
from redefection.store import Store, open_store

# Two articles we wrote about one invented event, and a third one about another.
STORY = (
    "A woman who settled in the South eight years ago has appeared on state television in Pyongyang, "
    "officials in Seoul confirmed on Tuesday after reviewing the broadcast.",
    "In the twenty-minute programme she says she missed her parents and found life in the South lonely, "
    "and she thanks the authorities in the North for taking her back without punishment.",
    "The unification ministry said it had lost contact with her last spring, when she stopped attending "
    "the monthly meetings of a support group for new arrivals in the port city where she worked.",
    "Officials said they were still trying to establish how she had left the country, adding that there "
    "was no record of her travelling abroad under her own name in the past two years.",
)
OTHER_REPORT = (
    "State television in Pyongyang on Monday night aired an interview with a former resident of the South, "
    "a move analysts described as the latest in a series of propaganda broadcasts.",
    "The programme did not give the date of her return, and Seoul has so far declined to comment on the "
    "footage, saying only that the case was being looked into by the relevant agencies.",
    "Rights groups have warned for years that people who go back are made to appear on camera and that "
    "their statements cannot be taken at face value because of the pressure they face.",
)
KOREAN = (
    "지난해 봄부터 연락이 끊겼던 탈북민 여성이 평양 방송에 출연한 사실이 확인됐다고 통일부가 화요일 밝혔다.",
    "이 여성은 약 20분 분량의 방송에서 남쪽 생활이 외로웠고 부모님이 그리웠다고 말했으며 "
    "처벌 없이 받아준 북한 당국에 감사를 표했다.",
    "통일부는 그가 항구 도시에서 일하며 새 정착민 지원 모임에 매달 참석해 왔으나 "
    "지난해 봄부터 모임에 나오지 않았다고 설명했다.",
    "당국은 최근 2년 동안 그가 본인 이름으로 출국한 기록이 없다며 어떤 경로로 북한에 갔는지 조사하고 있다고 덧붙였다.",
)
CHINESE = (
    "韩国统一部周二证实，一名八年前定居韩国的脱北女子日前出现在平壤电视台的节目中，当局已在审看相关画面。",
    "在约二十分钟的节目中，她表示在韩国生活孤独、十分想念父母，并感谢朝鲜当局没有惩罚她便接纳她回国。",
    "统一部说，她自去年春天起便不再参加在港口城市为新移民举办的每月聚会，此后与当局失去联系。",
    "官员表示，过去两年并没有她以本人名义出境的记录，目前仍在调查她离开韩国的途径。",
)


def page(
    title: str, body: tuple[str, ...], *, outlet: str, published: str | None, chrome: str = "", credit: str = ""
) -> str:
    """A small news page: navigation chrome, headline, date, optional credit line, paragraphs."""
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    date_line = f'<div class="date">{published}</div>' if published else ""
    credit_line = f'<div class="source-line">Source: {credit}</div>' if credit else ""
    paragraphs = "\n".join(f"<p>{text}</p>" for text in body)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} | {outlet}</title>'
        f'<meta property="og:site_name" content="{outlet}">{meta}</head><body>'
        f'<nav><a href="/">{outlet}</a> <a href="/world">World</a> {chrome}</nav>'
        f"<article><h1>{title}</h1>{date_line}{credit_line}\n{paragraphs}\n</article>"
        f"<footer>&copy; {outlet}. All rights reserved.</footer></body></html>"
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def ingest(store: Store, *paths: Path) -> None:
    report = ingest_paths(paths, store, Settings(stages=("clean",)))
    assert report.failed == 0, report.failures


def clustered_names(store: Store) -> list[list[str]]:
    return [[Path(source).name for source in cluster.sources] for cluster in list_duplicates(store)]


def test_fingerprint_and_shingles_ignore_spacing_and_punctuation() -> None:
    text = "\n\n".join(STORY)
    respaced = "  ".join(part.replace(",", " ,").replace(".", " . ") for part in STORY)
    assert fingerprint_text(text) == fingerprint_text(respaced)
    assert dedupe.shingles(text) == dedupe.shingles(respaced)


def test_exact_copy_with_other_spacing_joins_the_original_cluster(tmp_path: Path, store: Store) -> None:
    original = write(
        tmp_path, "a-original.html", page("Woman appears on TV", STORY, outlet="Seoul Daily", published="2024-05-07")
    )
    spaced = tuple(" ".join(part.split()).replace(", ", " , ") for part in STORY)
    copy = write(
        tmp_path,
        "b-copy.html",
        page("Woman appears on TV", spaced, outlet="Portal", published=None, chrome="<a>Casino</a>"),
    )
    ingest(store, original, copy)
    [cluster] = list_duplicates(store)
    assert [Path(source).name for source in cluster.sources] == ["a-original.html", "b-copy.html"]
    assert cluster.copies[0].differences == ("chrome",)
    assert cluster.copies[0].similarity == 1.0
    assert cluster.canonical.document_id == cluster.copies[0].document_id  # one stored text


def test_near_copy_with_chrome_edits_and_a_new_headline_is_clustered(tmp_path: Path, store: Store) -> None:
    edited = (STORY[0].replace("on Tuesday", "this week"), STORY[1], STORY[2])  # trimmed and lightly edited
    original = write(
        tmp_path, "original.html", page("Woman appears on TV", STORY, outlet="Seoul Daily", published="2024-05-07")
    )
    copy = write(
        tmp_path,
        "aggregator.html",
        page(
            "Defector resurfaces in Pyongyang", edited, outlet="News Hub", published="2024-05-08", chrome="<a>Jobs</a>"
        ),
    )
    ingest(store, copy, original)
    [cluster] = list_duplicates(store)
    assert [Path(source).name for source in cluster.sources] == ["original.html", "aggregator.html"]
    assert cluster.canonical.role == "canonical"
    assert set(cluster.copies[0].differences) == {"edits", "trimmed", "headline"}
    assert 0.5 <= cluster.copies[0].similarity < 1.0


def test_korean_and_chinese_copies_are_found_by_character_shingles() -> None:
    for paragraphs in (KOREAN, CHINESE):
        text = "\n\n".join(paragraphs)
        copy = "\n\n".join((paragraphs[0][:-6] + "전했다.", *paragraphs[1:3]))  # edited ending, last paragraph cut
        assert all(len(item) == dedupe.CHAR_SHINGLE for item in dedupe.shingles(text))
        assert dedupe.compare(dedupe.shingles(text), dedupe.shingles(copy)).is_copy
    assert not dedupe.compare(dedupe.shingles("\n\n".join(KOREAN)), dedupe.shingles("\n\n".join(CHINESE))).is_copy


def test_korean_original_and_its_copy_on_a_chinese_portal_are_one_cluster(tmp_path: Path, store: Store) -> None:
    original = write(
        tmp_path, "ko-original.html", page("탈북민 평양 방송 출연", KOREAN, outlet="한반도일보", published="2024-05-07")
    )
    portal = (
        "首頁 > 國際 > 正文\n最新 熱門 推薦\n\n탈북민 평양 방송 출연\n\n"
        + "\n".join(KOREAN[:3])
        + "\n\n相關閱讀：足球即時比分 | 百家樂技巧\n"
    )
    copy = write(tmp_path, "zh-portal.txt", portal)
    chinese = write(
        tmp_path, "zh-report.html", page("脱北女子现身平壤", CHINESE, outlet="东北亚时报", published="2024-05-08")
    )
    ingest(store, copy, chinese, original)
    assert clustered_names(store) == [["ko-original.html", "zh-portal.txt"]]


def test_two_articles_on_the_same_event_are_not_clustered(tmp_path: Path, store: Store) -> None:
    first = write(
        tmp_path, "first.html", page("Woman appears on TV", STORY, outlet="Seoul Daily", published="2024-05-07")
    )
    second = write(
        tmp_path, "second.html", page("North airs interview", OTHER_REPORT, outlet="Asia Wire", published="2024-05-07")
    )
    ingest(store, first, second)
    assert list_duplicates(store) == []
    similarity = dedupe.compare(dedupe.shingles("\n\n".join(STORY)), dedupe.shingles("\n\n".join(OTHER_REPORT)))
    assert similarity.jaccard < 0.05


def member(sha: str, document_id: int, **fields: Any) -> ClusterMember:
    return ClusterMember(capture_sha256=sha, document_id=document_id, sources=(f"{sha}.html",), **fields)


def test_canonical_is_the_page_of_the_credited_outlet_even_when_undated() -> None:
    credited = member("copy", 2, outlet="Seoul Daily", published=date(2024, 5, 6), credited_outlet="Seoul Daily")
    own_page = member("own", 1, outlet="Seoul Daily", published=None)
    assert [m.capture_sha256 for m in dedupe.rank_members([credited, own_page], {1: 900, 2: 900})] == ["own", "copy"]


def test_canonical_is_the_earliest_then_a_named_outlet_then_the_longest_text() -> None:
    late = member("late", 1, outlet="A", published=date(2024, 5, 8))
    early = member("early", 2, outlet="B", published=date(2024, 5, 7))
    undated = member("undated", 3, outlet="C")
    assert dedupe.rank_members([undated, late, early], {1: 10, 2: 10, 3: 10})[0].capture_sha256 == "early"
    anonymous = member("anonymous", 1, published=date(2024, 5, 7))
    named = member("named", 2, outlet="B", published=date(2024, 5, 7))
    assert dedupe.rank_members([anonymous, named], {1: 10, 2: 10})[0].capture_sha256 == "named"
    short = member("short", 1, outlet="B", published=date(2024, 5, 7))
    full = member("full", 2, outlet="B", published=date(2024, 5, 7))
    assert dedupe.rank_members([short, full], {1: 500, 2: 900})[0].capture_sha256 == "full"
    assert dedupe.rank_members([short, full], {1: 900, 2: 900})[0].capture_sha256 == "short"  # ties keep order


def test_credit_line_marks_the_copy_and_its_source_becomes_canonical(tmp_path: Path, store: Store) -> None:
    copy_page = page("Woman appears on TV", STORY, outlet="News Hub", published="2024-05-07", credit="Seoul Daily")
    copy = write(tmp_path, "a-hub.html", copy_page)
    original = write(tmp_path, "b-seoul.txt", "SEOUL DAILY\n\nWoman appears on TV\n\n" + "\n\n".join(STORY) + "\n")
    ingest(store, copy, original)
    [cluster] = list_duplicates(store)
    assert cluster.copies[0].credited_outlet == "Seoul Daily"
    assert [Path(source).name for source in cluster.sources] == ["b-seoul.txt", "a-hub.html"]


def test_page_member_takes_the_credit_from_the_document_not_the_bytes() -> None:
    copy_page = page("Woman appears on TV", STORY, outlet="News Hub", published="2024-05-07", credit="Seoul Daily")
    capture = Capture(source="a-hub.html", data=copy_page.encode())
    document = clean_capture(capture)
    assert document.credited_outlet == "Seoul Daily"
    assert dedupe.page_member(capture, document, 7).credited_outlet == "Seoul Daily"
    # What the Document says wins: the bytes are not read again.
    uncredited = dataclasses.replace(document, credited_outlet=None)
    assert dedupe.page_member(capture, uncredited, 7).credited_outlet is None


def test_cluster_signatures_groups_copies_in_memory() -> None:
    texts = ["\n\n".join(STORY), "\n\n".join(STORY[:3]), "\n\n".join(OTHER_REPORT), "\n\n".join(KOREAN)]
    sets = [dedupe.shingles(text) for text in texts]
    signatures = np.stack([value for value in map(dedupe.signature, sets) if value is not None])
    assert dedupe.band_keys(signatures).shape == (4, dedupe.BANDS)
    assert (dedupe.signature_from_bytes(dedupe.signature_to_bytes(signatures[0])) == signatures[0]).all()
    assert (dedupe.band_keys(signatures[1])[0] == dedupe.band_keys(signatures)[1]).all()
    assert dedupe.cluster_signatures(signatures, [len(item) for item in sets]) == [[0, 1]]


def test_reingest_is_idempotent(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    original = write(
        pages, "original.html", page("Woman appears on TV", STORY, outlet="Seoul Daily", published="2024-05-07")
    )
    copy = write(pages, "copy.html", page("Defector on TV", STORY[:3], outlet="News Hub", published="2024-05-08"))
    url = str(tmp_path / "store.db")
    store = open_store(url)
    ingest(store, original, copy)
    before = list_duplicates(store)
    ingest(store, original, copy)
    ingest(store, pages)
    assert list_duplicates(store) == before
    assert store.counts()["documents"] == 2
    store.close()


def test_cli_duplicates_prints_clusters_as_json_lists_canonical_first(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    write(folder, "copy.html", page("Defector on TV", STORY[:3], outlet="News Hub", published="2024-05-08"))
    write(folder, "original.html", page("Woman appears on TV", STORY, outlet="Seoul Daily", published="2024-05-07"))
    write(folder, "other.html", page("North airs interview", OTHER_REPORT, outlet="Asia Wire", published="2024-05-07"))
    db = str(tmp_path / "store.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(folder), "--db", db]).exit_code == 0
    result = runner.invoke(cli, ["duplicates", "--db", db, "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [[str(folder / "original.html"), str(folder / "copy.html")]]
    table = runner.invoke(cli, ["duplicates", "--db", db])
    assert table.exit_code == 0
    assert "canonical" in table.stdout
    assert runner.invoke(cli, ["duplicates", "--db", str(tmp_path / "absent.db")]).exit_code == 2


def _saved(store: Store, make_capture: Any, make_document: Any, name: str, body: tuple[str, ...]) -> tuple[Any, int]:
    capture = make_capture(source=f"pages/{name}.html", data=f"<p>{name}</p>".encode())
    document = make_document(capture, body=body, fingerprint=fingerprint_text("\n".join(body)))
    return capture, store.save_document(capture, document).document_id


def test_store_matches_new_documents_through_indexed_buckets(
    store: Store, make_capture: Any, make_document: Any
) -> None:
    _, first = _saved(store, make_capture, make_document, "first", STORY)
    _, second = _saved(store, make_capture, make_document, "second", STORY[:3])
    signatures = [dedupe.signature(dedupe.shingles(text)) for text in ("\n\n".join(STORY), "\n\n".join(STORY[:3]))]
    for document_id, values in zip((first, second), signatures, strict=True):
        assert values is not None
        buckets = [int(key) for key in dedupe.band_keys(values)[0]]
        data = dedupe.signature_to_bytes(values)
        store.index_document(document_id, data, buckets, scheme=dedupe.SCHEME, shingle_count=10)
        store.index_document(document_id, data, buckets, scheme=dedupe.SCHEME, shingle_count=10)  # idempotent
    assert store.similar_documents(second, buckets) == [first]
    store.index_document(first, b"", [1, 2], scheme="another-scheme", shingle_count=0)  # replaces its buckets
    assert store.similar_documents(second, buckets) == []


def test_assign_cluster_merges_stored_clusters_under_the_oldest_id(
    store: Store, make_capture: Any, make_document: Any
) -> None:
    pages = [_saved(store, make_capture, make_document, name, (f"Text of page {name}.",)) for name in "abc"]
    members = [member(capture.sha256, document_id) for capture, document_id in pages]
    alone = [store.assign_cluster(dedupe.build_cluster([item], {item.document_id: "text"})) for item in members]
    ids = [cluster.id for cluster in alone if cluster.id is not None]
    assert len(set(ids)) == 3
    texts = {item.document_id: "text" for item in members}
    merged = store.assign_cluster(dedupe.build_cluster(members, texts), replaces=[ids[2], ids[1], ids[0]])
    assert merged.id == min(ids)
    assert [m.role for m in merged.members] == ["canonical", "copy", "copy"]
    assert store.list_clusters() == [merged]
    assert len(store.list_clusters(min_size=1)) == 1  # the emptied clusters are gone
    assert store.cluster_of_page(pages[2][0].sha256) == merged
    assert store.cluster_of_document(pages[1][1]) == merged
    assert store.cluster_of_page("0" * 64) is None


def test_signature_equals_datasketch_affine32_minhash() -> None:
    """Signatures stored before dedupe computed them itself (with datasketch) stay comparable."""
    datasketch = pytest.importorskip("datasketch")
    sets = [
        {"the defector swam back"},
        dedupe.shingles("A man who fled the North in 2019 went back across the border last week, officials said."),
        dedupe.shingles("탈북민 김모씨가 지난주 북한으로 돌아간 것으로 확인됐다고 통일부가 밝혔다."),
        {f"shingle number {i}" for i in range(500)},
    ]
    for shingle_set in sets:
        reference = datasketch.MinHash(num_perm=dedupe.NUM_PERM, seed=dedupe.SEED, scheme="affine32")
        reference.update_batch([item.encode("utf-8") for item in shingle_set])
        ours = dedupe.signature(shingle_set)
        assert ours is not None and ours.dtype == np.uint32
        assert np.array_equal(ours, np.asarray(reference.hashvalues, dtype=np.uint32))
    assert dedupe.signature(set()) is None


def test_written_out_permutations_are_numpys_draws() -> None:
    a, b = dedupe._permutations()
    assert dedupe._plain_permutations() == (tuple(int(x) for x in a), tuple(int(x) for x in b))


@pytest.mark.parametrize(
    "text",
    [
        "A man who settled in the South in 2015 swam back across the estuary to the North last month, officials said.",
        "통일부는 2019년 입국한 탈북민 김모(24)씨가 지난주 군사분계선을 넘어 월북했다고 밝혔다. " * 3,
        "one",
    ],
)
def test_plain_index_entry_equals_the_numpy_one(text: str) -> None:
    shingle_set = dedupe.stored_shingles(text)
    plain = dedupe._plain_index(text, shingle_set)
    values = dedupe.signature(shingle_set)
    assert plain is not None and values is not None
    assert plain.signature == dedupe.signature_to_bytes(values)
    assert list(plain.buckets) == dedupe.index_buckets(text, values)
    assert list(plain.queries or ()) == dedupe.query_buckets(text, values)
    assert plain.shingle_count == len(shingle_set)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.integers(0, (1 << 32) - 1), min_size=1, max_size=300), top=st.integers(0, 255))
def test_the_least_lane_is_the_least_value(values: list[int], top: int) -> None:
    # Many values share one top byte (ties), the rest are random.
    values = [(top << 24) | (v & 0xFFFFFF) if i % 2 else v for i, v in enumerate(values)]
    lanes = b"".join(v.to_bytes(4, "little") + bytes(4) for v in values)
    assert dedupe._least_lane(lanes) == min(values)


def test_indexing_a_few_documents_does_not_import_numpy() -> None:
    code = (
        "import sys; from redefection import dedupe; "
        "entry = dedupe.index_entry('A man swam back across the estuary to the North, officials said.'); "
        "print(entry is not None and 'numpy' not in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "True"
