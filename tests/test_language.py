from __future__ import annotations

from redefection.clean.language import detect_language


def test_scripts_decide_cjk() -> None:
    assert detect_language("탈북민이 북한으로 돌아갔다고 정부가 밝혔다.") == "ko"
    assert detect_language("韩国统一部表示，一名脱北者返回朝鲜。") == "zh"
    assert detect_language("脫北者疑似游回北韓，軍方表示正在調查。") == "zh"
    assert detect_language("北朝鮮に戻った脱北者について政府が発表した。") == "ja"


def test_latin_languages() -> None:
    assert detect_language("The defector swam back across the estuary, officials said on Monday.") == "en"
    assert detect_language("O desertor atravessou a fronteira de volta para o norte, disseram as autoridades.") == "pt"


def test_too_little_text() -> None:
    assert detect_language("") is None
    assert detect_language("12 34") is None
