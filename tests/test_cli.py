"""The command line: extract and ingest, exit codes, and bad input that never stops a batch."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from redefection.cli import cli
from redefection.records import Article, Capture, Claim, Document, Incident, Quote
from redefection.store import open_store

DATA = Path(__file__).parent / "data"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_extract_prints_json_lines_in_corpus_shape() -> None:
    code, out, _ = run("extract", str(DATA / "page-en.html"), str(DATA / "dump-en.txt"))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["page-en", "dump-en"]
    for record in records:
        assert set(record) == {
            "id",
            "format",
            "language",
            "relevant",
            "relevance",
            "article",
            "incidents",
            "claims",
            "quotes",
        }
        assert set(record["article"]) == {"title", "byline", "published", "outlet", "body"}
    assert records[0]["article"]["published"] == "2021-08-02"


def test_extract_walks_folders_and_writes_one_file_per_input(tmp_path: Path) -> None:
    code, _, err = run("extract", str(DATA), "--out", str(tmp_path / "out"))
    assert code == 0
    written = sorted(p.stem for p in (tmp_path / "out").iterdir())
    assert written == sorted(p.name.split(".")[0] for p in DATA.iterdir())
    assert "extracted, 0 skipped, 0 failed" in err


def test_same_name_in_two_folders_is_not_overwritten(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_bytes((DATA / "dump-en.txt").read_bytes())
    code, _, _ = run("extract", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "out"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["story-2.json", "story.json"]


@pytest.fixture
def bad_inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "good.txt").write_bytes((DATA / "dump-en.txt").read_bytes())
    (folder / "empty.html").write_bytes(b"")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(2048))
    (folder / "noise.bin").write_bytes(bytes(range(256)) * 64)
    (folder / "broken.html").write_bytes(
        b"<html><body><div><p>Officials said the man who crossed back north had lived alone and struggled"
        b" to find steady work in the city.<p>He had arrived six years ago, the ministry said on Monday.<div"
    )
    (folder / "latin1.txt").write_bytes(
        "Café owners in the border town said the man, who had defected in 2015, left without a word to anyone."
        "\n\nPolice said they were still trying to establish the route he took to the river that night.\n".encode(
            "latin-1"
        )
        + b"\xff\xfe\x80 stray bytes"
    )
    (folder / "notes.weird-extension").write_bytes((DATA / "dump-title-after.txt").read_bytes())
    (folder / "dangling.html").symlink_to(folder / "does-not-exist.html")
    return folder


def test_bad_inputs_fail_one_by_one_and_the_batch_goes_on(bad_inputs: Path, tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.html")
    code, _, err = run("extract", str(bad_inputs), missing, "--out", str(tmp_path / "out"))
    assert code == 1
    written = {p.stem for p in (tmp_path / "out").iterdir()}
    assert written == {"good", "broken", "latin1", "notes"}
    lines = [line for line in err.splitlines() if line.startswith("error")]
    assert len(lines) == 5
    expected = {
        "empty.html": "empty",
        "photo.jpg": "JPEG image",
        "noise.bin": "binary data",
        "dangling.html": "broken symbolic link",
        "missing.html": "no such file",
    }
    for name, problem in expected.items():
        assert any(name in line and problem in line for line in lines), (name, lines)


def test_unreadable_file_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "locked.html"
    target.write_text("<p>text</p>")
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self.name == "locked.html":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    code, _, err = run("extract", str(target), str(DATA / "dump-en.txt"))
    assert code == 1
    assert "locked.html: cannot read: Permission denied" in err


def test_oversized_input_is_refused_by_the_configured_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.html"
    big.write_bytes(b"<p>" + b"x" * 4096 + b"</p>")
    monkeypatch.setenv("REDEFECTION_MAX_INPUT_BYTES", "1024")
    code, _, err = run("extract", str(big))
    assert code == 1
    assert "big.html" in err and "over the 1,024-byte limit" in err


def test_fifty_megabyte_page_is_cleaned_within_the_parse_limit(tmp_path: Path) -> None:
    paragraph = "<p>Paragraph {} says the man crossed the river at night and walked for hours before dawn.</p>\n"
    body = "".join(paragraph.format(i) for i in range(520_000))
    page = tmp_path / "huge.html"
    page.write_text(f"<html><body><article><h1>A very long page</h1>{body}</article></body></html>")
    assert page.stat().st_size > 50_000_000
    code, out, _ = run("extract", str(page))
    assert code == 0
    assert json.loads(out)["article"]["body"]


def test_usage_errors_exit_2() -> None:
    assert run("extract")[0] == 2
    assert run("no-such-command")[0] == 2
    assert run("--config", "/no/such/settings.toml", "extract", str(DATA))[0] == 2


def test_ingest_summary_and_idempotence(tmp_path: Path, bad_inputs: Path) -> None:
    db = tmp_path / "store.db"
    code, out, err = run("ingest", str(bad_inputs), "--db", str(db))
    assert code == 1
    assert "4 stored, 0 duplicate, 0 dropped, 4 failed" in err
    assert "empty.html" in err and "photo.jpg" in err
    code, _, err = run("ingest", str(bad_inputs), "--db", str(db))
    assert "0 stored, 4 duplicate" in err
    code, out, _ = run("documents", "--db", str(db), "--format", "json")
    assert code == 0
    assert len(out.splitlines()) == 4


def test_documents_json_shows_relevance_and_fact_counts(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    code, ingested, _ = run("ingest", str(DATA), "--db", str(db))
    assert code == 0
    assert "relevant" in ingested and "facts" in ingested
    code, out, _ = run("documents", "--db", str(db), "--format", "json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    store = open_store(str(db), create=False)
    try:
        for row in rows:
            assert {"relevant", "incidents", "claims", "quotes"} <= set(row)
            assert isinstance(row["relevant"], bool)
            facts = store.get_facts(row["id"])
            assert (row["incidents"], row["claims"], row["quotes"]) == (
                len(facts.incidents),
                len(facts.claims),
                len(facts.quotes),
            )
        counts = store.counts()
    finally:
        store.close()
    assert counts["documents"] == len(rows) > 1
    assert counts["relevant"] == sum(row["relevant"] for row in rows) > 0
    assert counts["incidents"] == sum(row["incidents"] for row in rows) > 0
    # A possibly relevant document keeps its candidate facts for review; a document judged off-topic has none.
    assert sum(row["incidents"] for row in rows if row["relevance"] == "not_relevant") == 0
    assert all(row["relevant"] == (row["relevance"] == "relevant") for row in rows)
    possible = f", {counts['possible']} possibly relevant" if counts["possible"] else ""
    summary = f"{len(rows)} documents, {counts['relevant']} relevant{possible}: {counts['incidents']} incident"
    assert ingested.splitlines()[-1].startswith(summary)


def _document(source: str, body: str, **facts: object) -> tuple[Capture, Document]:
    capture = Capture(source=source, data=body.encode())
    article = Article(title=f"Story from {source}", body=(body,))
    document = Document(id=capture.name, source=source, sha256=capture.sha256, format="text", article=article, **facts)
    return capture, document


def _table_rows(out: str) -> list[dict[str, str]]:
    """The rows of a table printed to a pipe (plain tab-separated lines), as dicts by column header."""
    header, *rows = [line.split("\t") for line in out.splitlines() if "\t" in line]
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_documents_table_shows_relevance_facts_and_a_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "store.db"
    store = open_store(str(db))
    claims = (Claim(subject="returned_north", value=31), Claim(subject="arrivals", value=196, qualifier="about"))
    store.save_document(
        *_document("in/returned.txt", "A man went back north, police said.", relevant=True, incidents=(Incident(),))
    )
    store.save_document(*_document("in/figures.txt", "Officials gave two figures.", relevant=True, claims=claims))
    store.save_document(*_document("in/quoted.txt", "'We are checking,' he said.", relevant=True, quotes=(Quote(),)))
    store.save_document(*_document("in/weather.txt", "Rain is expected on Sunday.", relevant=False))
    store.close()
    code, out, _ = run("documents", "--db", str(db))
    assert code == 0
    shown = {row["title"]: (row["relevant"], row["facts"]) for row in _table_rows(out)}
    assert shown == {
        "Story from in/returned.txt": ("yes", "1 incident"),
        "Story from in/figures.txt": ("yes", "2 claims"),
        "Story from in/quoted.txt": ("yes", "1 quote"),
        "Story from in/weather.txt": ("no", "none"),
    }
    assert out.splitlines()[-1] == "4 documents, 3 relevant: 1 incident, 2 claims, 1 quote"


def test_ingest_with_unusable_database_url_exits_2(tmp_path: Path) -> None:
    code, _, err = run("ingest", str(DATA / "dump-en.txt"), "--db", "nosuchdialect://x")
    assert code == 2
    assert "nosuchdialect" in err


def test_python_dash_m_entry_point() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "redefection", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "redefection" in result.stdout


def test_page_without_article_is_skipped_not_failed(tmp_path: Path) -> None:
    page = tmp_path / "menu.html"
    page.write_text("<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>")
    code, out, err = run("extract", str(page))
    assert code == 0
    assert out == ""
    assert "skipped" in err and "menu.html" in err and "no article text" in err


def test_read_only_commands_never_create_a_store_issue_13(tmp_path: Path) -> None:
    typo = tmp_path / "redefectoin.db"
    for command in (["documents"], ["user", "list"], ["duplicates"], ["cases"], ["sources"]):
        code, _, err = run(*command, "--db", str(typo))
        assert code == 2 and "no database file here" in err, command
        assert not typo.exists(), command


def test_hints_keep_their_brackets_issue_13(monkeypatch: pytest.MonkeyPatch) -> None:
    import redefection.store.connect as connect

    def no_driver(*_: object, **__: object) -> None:
        raise ImportError("No module named 'psycopg'")

    monkeypatch.setattr(connect, "create_engine", no_driver)
    code, _, err = run("ingest", str(DATA / "page-en.html"), "--db", "postgresql://analyst@127.0.0.1/none")
    assert code == 2
    assert err.rstrip().endswith("install it with: pip install 'redefection[postgres]'")


def test_errors_are_one_line_and_piped_tables_plain_issue_13(tmp_path: Path) -> None:
    deep = tmp_path / ("a-long-folder-name-" * 6) / "missing-file-with-a-long-name.html"
    code, _, err = run("ingest", str(deep), "--db", str(tmp_path / "s.db"))
    assert code == 1
    (line,) = [line for line in err.splitlines() if line.startswith("error ")]
    assert line.endswith("missing-file-with-a-long-name.html: no such file or folder")
    assert run("ingest", str(DATA / "page-en.html"), "--db", str(tmp_path / "s.db"))[0] == 0
    code, out, _ = run("documents", "--db", str(tmp_path / "s.db"))
    lines = out.splitlines()
    assert lines[0].startswith("# Stored documents") and lines[1].split("\t")[:3] == ["id", "lang", "published"]
    assert all("│" not in line for line in lines)


def test_ingest_of_a_missing_file_prints_no_table_issue_13(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert run("ingest", str(DATA / "page-en.html"), "--db", db)[0] == 0
    code, out, err = run("ingest", str(tmp_path / "missing.html"), "--db", db)
    assert code == 1 and out == ""
    assert [line for line in err.splitlines() if line] == [
        f"error {tmp_path / 'missing.html'}: no such file or folder",
        "0 stored, 0 duplicate, 0 dropped, 1 failed",
    ]


def test_ctrl_c_during_ingest_says_what_was_stored_issue_13(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import redefection.pipeline as pipeline

    real = pipeline.Pipeline.run
    seen: list[str] = []

    def interrupted(self: pipeline.Pipeline, items: object) -> object:
        for item in items:  # type: ignore[attr-defined]
            seen.append(item.source)
            if len(seen) == 3:
                raise KeyboardInterrupt
            yield from real(self, [item])

    monkeypatch.setattr(pipeline.Pipeline, "run", interrupted)
    db = tmp_path / "s.db"
    code, _, err = run("ingest", str(DATA / "page-en.html"), str(DATA / "dump-en.txt"), str(DATA), "--db", str(db))
    assert code == 130
    assert "interrupted: 2 stored, 0 duplicate, 0 dropped, 0 failed before the interrupt" in err
    store = open_store(str(db))
    try:
        assert store.counts()["documents"] == 2
    finally:
        store.close()


def test_documents_are_listed_newest_published_first_issue_13(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = open_store(str(db))
    for name, day in (
        ("in/b.txt", "2021-05-01"),
        ("in/a.txt", "2023-01-09"),
        ("in/c.txt", None),
        ("in/d.txt", "2019-02-02"),
    ):
        capture, document = _document(name, f"Body of {name}.")
        article = Article(title=name, body=document.article.body, published=date.fromisoformat(day) if day else None)
        store.save_document(capture, replace(document, article=article))
    store.close()
    _, out, _ = run("documents", "--db", str(db), "--format", "json")
    assert [json.loads(line)["title"] for line in out.splitlines()] == ["in/a.txt", "in/b.txt", "in/d.txt", "in/c.txt"]


def test_one_file_by_two_paths_is_one_source_issue_13(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    page = tmp_path / "in" / "page.html"
    page.write_bytes((DATA / "page-en.html").read_bytes())
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "s.db")
    assert run("ingest", "in/page.html", "--db", db)[0] == 0
    assert run("ingest", str(page), "--db", db)[0] == 0
    assert run("ingest", "in/../in/page.html", "--db", db)[0] == 0
    store = open_store(db)
    try:
        (document,) = store.list_documents()
        assert document.source == str(page)
    finally:
        store.close()
    from sqlalchemy import create_engine, text

    with create_engine(f"sqlite:///{db}").connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM capture_sources")).scalar() == 1


def test_settings_and_watch_file_options_have_distinct_names_issue_13(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text(f'db_url = "{tmp_path / "x.db"}"\n', encoding="utf-8")
    top = CliRunner().invoke(cli, ["--help"]).output
    assert "--settings" in top and "--config" not in top
    watch = CliRunner().invoke(cli, ["watch", "--help"]).output
    assert "--watch-file" in watch and "--config" not in watch
    assert run("--settings", str(settings), "ingest", str(DATA / "page-en.html"))[0] == 0
    assert (tmp_path / "x.db").exists()
    assert run("--config", str(settings), "documents")[0] == 0  # the old name still works


def test_settings_errors_name_the_file_and_the_key_issue_13(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written = tmp_path / "redefection.toml"
    for text, message in (
        ("max_bytes = 1\n", "unknown setting 'max_bytes'"),
        ('max_input_bytes = "64M"\n', "max_input_bytes: expected an integer, got '64M'"),
        ('db_url = ["a", "b"]\n', "db_url: expected a string"),
        ("languages = [1, 2]\n", "languages: expected a list of strings"),
    ):
        written.write_text(text, encoding="utf-8")
        code, _, err = run("--settings", str(written), "documents")
        assert code == 2 and f"{written}: {message}" in err, err
    monkeypatch.setenv("REDEFECTION_MAX_INPUT_BYTES", "abc")
    code, _, err = run("documents")
    assert code == 2 and "REDEFECTION_MAX_INPUT_BYTES: expected an integer, got 'abc'" in err
    documented = (Path(__file__).parent.parent / "docs" / "settings.md").read_text(encoding="utf-8")
    assert "Error: REDEFECTION_MAX_INPUT_BYTES: expected an integer, got 'abc'" in documented


def test_readme_promises_no_pages_to_come_issue_13() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "to come" not in readme and "(`/sources`)" in readme and "(`/new`)" in readme
