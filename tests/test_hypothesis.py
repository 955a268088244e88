"""Property tests: parsers never raise on arbitrary input; normalisers are stable."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redefection.clean import clean_capture
from redefection.clean.dates import find_dates
from redefection.clean.decode import decode
from redefection.clean.html import clean_html
from redefection.clean.text import clean_dump
from redefection.errors import Dropped, ParseError
from redefection.fingerprint import fingerprint_text
from redefection.records import Capture

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
LINE = st.sampled_from(
    [
        "Home | News | World",
        "By Jane Roe",
        "Published: 2021-03-04",
        "The man crossed back over the border on Friday, officials said on Sunday.",
        "탈북민이 북한으로 돌아간 것으로 확인됐다고 정부가 밝혔다.",
        "韩国统一部表示，一名脱北者近日返回朝鲜。",
        "© 2021 Example News. All rights reserved.",
        "",
    ]
)


@given(st.binary(max_size=2000), st.sampled_from([None, "text/html; charset=euc-kr", "text/plain; charset=bogus"]))
def test_decode_never_raises(data: bytes, content_type: str | None) -> None:
    text, encoding = decode(data, content_type)
    assert isinstance(text, str) and encoding


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(st.binary(max_size=3000))
def test_clean_capture_raises_only_documented_errors(data: bytes) -> None:
    try:
        document = clean_capture(Capture(source="fuzz.html", data=data))
    except (ParseError, Dropped):
        return
    assert document.article.body


@settings(deadline=None, max_examples=60)
@given(TEXT)
def test_clean_html_never_raises(text: str) -> None:
    article, _ = clean_html(f"<html><body><p>{text}</p></body></html>")
    assert isinstance(article.body, tuple)


@settings(deadline=None)
@given(st.lists(LINE, max_size=20))
def test_clean_dump_is_idempotent(lines: list[str]) -> None:
    article, _ = clean_dump("\n".join(lines))
    again, _ = clean_dump("\n\n".join(article.body))
    assert again.body == article.body


@given(TEXT)
def test_find_dates_never_raises(text: str) -> None:
    for offset, _ in find_dates(text):
        assert 0 <= offset < len(text)


@given(st.lists(st.text(alphabet="abc 탈북民", min_size=1, max_size=10), min_size=1, max_size=8))
def test_fingerprint_stable_under_whitespace(words: list[str]) -> None:
    assert fingerprint_text(" ".join(words)) == fingerprint_text("\n\n  ".join(words) + "  ")
