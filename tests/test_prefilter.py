"""The prefilter loses nothing: every page the pipeline finds relevant passes, in every byte form."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redefection.errors import ConfigError
from redefection.ingest.files import read_capture
from redefection.pipeline import Pipeline
from redefection.scan.prefilter import (
    AhoCorasickPrefilter,
    HyperscanPrefilter,
    Prefilter,
    build_prefilter,
    checked_digest,
    load_rules,
    parse_term,
    relevance_digest,
)
from redefection.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "tests" / "data").glob("*.*")) + sorted((ROOT / "examples" / "sample").glob("*.*"))
ENGINES = [AhoCorasickPrefilter, HyperscanPrefilter]
_ENGINES = {"hyperscan": build_prefilter("hyperscan"), "ahocorasick": build_prefilter("ahocorasick")}


@pytest.fixture(params=ENGINES, ids=["ahocorasick", "hyperscan"], scope="module")
def prefilter(request: pytest.FixtureRequest) -> Prefilter:
    engine: Prefilter = request.param(load_rules())
    return engine


def test_every_relevant_fixture_passes(prefilter: Prefilter) -> None:
    pipeline = Pipeline(Settings())
    relevant = 0
    for path in FIXTURES:
        capture = read_capture(path, 1 << 24)
        outcome = pipeline(capture)
        if outcome.document is not None and outcome.document.relevant:
            relevant += 1
            assert prefilter(capture.data), f"{path.name} is relevant but the prefilter drops it"
    assert relevant >= 10


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("탈북민 김씨가 북한으로 돌아갔다", "utf-8"),
        ("탈북민 김씨가 북한으로 돌아갔다", "euc-kr"),
        ("脱北者上周返回朝鲜", "gb18030"),
        ("脫北者上週返回北韓", "big5"),
        ("<html>A defector went back</html>", "utf-16"),
        ("A DEFECTOR swam BACK", "ascii"),
    ],
)
def test_terms_match_in_each_byte_form(prefilter: Prefilter, text: str, encoding: str) -> None:
    assert prefilter(text.encode(encoding))


def test_references_and_escapes_match(prefilter: Prefilter) -> None:
    def refs(text: str) -> str:
        return "".join(f"&#{ord(c)};" for c in text)

    assert prefilter(f"<p>{refs('탈북민')} {refs('북한으로')}</p>".encode())
    assert prefilter(b'{"articleBody": "\\uD0C8\\uBD81\\uBBFC \\uC1A1\\uD658"}')


def test_phrases_allow_tags_and_space_between_words(prefilter: Prefilter) -> None:
    assert prefilter(b"<p>Two people who <b>came</b>\n to the South went back</p>")
    assert prefilter(b"<p>a woman who had&nbsp;arrived in the south ... her homeland</p>")
    assert not prefilter(b"<p>Fans who came from the east went back home</p>")  # who came, but no south


def test_any_word_tokens_stand_for_at_most_their_count_of_words(prefilter: Prefilter) -> None:
    # "(forced|tricked|...) (*)? (*)? (to)? (go)? (to|into) (the)? south": up to two words between.
    assert prefilter(b"<p>A broker tricked <em>her</em> son into the South; he went back to the North</p>")
    assert prefilter(b"<p>She was forced to go to the South, then returned to the North</p>")
    assert prefilter(b"<p>Brokers lured Jos&eacute; \\u00c1lvarez\\nto South Korea; he went back north</p>")
    assert not prefilter(b"<p>A broker tricked her and her son into the South ... north</p>")  # four words


def test_place_phrases_need_the_verb_their_pattern_needs(prefilter: Prefilter) -> None:
    assert prefilter(b"<p>She had lived in <b>the South</b> for years; now back in the North</p>")
    assert prefilter(b"<p>After six years in South Korea she went back to the North</p>")
    assert not prefilter(b"<p>Storms in the south moved to the south-east and went back north</p>")


def test_pages_without_both_kinds_of_term_are_not_candidates(prefilter: Prefilter) -> None:
    assert not prefilter(b"<html><body><p>The defector was interviewed.</p></body></html>")
    assert not prefilter(b"<html><body><p>The team went back home after the match.</p></body></html>")
    assert not prefilter("<p>탈북민 정착 지원 예산이 늘었다</p>".encode())


def test_engines_agree_on_the_fixtures() -> None:
    rules = load_rules()
    fast, portable = HyperscanPrefilter(rules), AhoCorasickPrefilter(rules)
    for path in FIXTURES:
        data = read_capture(path, 1 << 24).data
        assert fast(data) == portable(data), path.name


def test_auto_engine_prefers_hyperscan() -> None:
    assert build_prefilter("auto").engine == "hyperscan"


def test_prefilter_toml_was_checked_against_the_current_relevance_lexicon() -> None:
    assert checked_digest() == relevance_digest(), (
        "relevance.toml's defector or return patterns changed: add the words the new patterns imply to "
        f"data/lexicon/prefilter.toml, then set its relevance_digest to {relevance_digest()!r}"
    )


def test_term_syntax() -> None:
    term = parse_term("(man|woman) who (had)? came + south", "t")
    assert [[t.alternatives for t in phrase] for phrase in term] == [
        [("man", "woman"), ("who",), ("had",), ("came",)],
        [("south",)],
    ]
    assert term[0][2].optional
    with pytest.raises(ConfigError):
        parse_term("who (came", "t")
    with pytest.raises(ConfigError):
        parse_term("(had)?", "t")
    wild = parse_term("forced (*)? into", "t")[0]
    assert wild[1].optional and wild[1].words == ()
    for wrong in ("forced (*) into", "forced (them|*)? into", "(*)?"):
        with pytest.raises(ConfigError):
            parse_term(wrong, "t")


PIECES = [
    b"defector", b"Defected", b"people", b"who", b"had", b"came", b"south", b"back", b"north", b"korean", b"koreans",
    b"that", b"lived", b"in", b"the", b"forced", b"into", b"years", b"caf&eacute;",
    b" ", b"\n", b"&nbsp;", b"<b>", b"</a>", b"\x00",
    "탈북".encode(), "북한으로".encode("cp949"), "脫北".encode("big5"), "朝鲜".encode("gb18030"),
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from(PIECES) | st.binary(max_size=12), max_size=40))
def test_engines_never_raise_and_agree_on_any_bytes(parts: list[bytes]) -> None:
    data = b"".join(parts)
    assert _ENGINES["hyperscan"](data) == _ENGINES["ahocorasick"](data)
