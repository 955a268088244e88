from __future__ import annotations

import random
import subprocess
import sys

from redefection.clean.language import HAN, HANGUL, KANA, LETTER, _detector, candidates, detect_language, script_counts
from redefection.settings import DEFAULT_LANGUAGES


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


def test_script_of_a_language_alone_decides_without_the_detector() -> None:
    _detector.cache_clear()
    assert detect_language("Перебежчик вернулся на север через реку, сообщили власти в понедельник.") == "ru"
    assert detect_language("ผู้แปรพักตร์กลับไปทางเหนือแล้ว เจ้าหน้าที่กล่าวเมื่อวันจันทร์") == "th"
    assert detect_language("عاد المنشق إلى الشمال عبر النهر، حسبما قال المسؤولون يوم الاثنين.") == "ar"
    assert detect_language("탈북민이 북한으로 돌아갔다고 정부가 밝혔다.") == "ko"
    assert _detector.cache_info().currsize == 0


def test_detector_knows_only_the_languages_sharing_the_script() -> None:
    latin = candidates("latin", DEFAULT_LANGUAGES)
    assert "en" in latin and "pt" in latin and "vi" in latin
    assert not {"ko", "zh", "ja", "ru", "th", "ar"} & set(latin)
    _detector.cache_clear()
    german = "Der Überläufer ist über den Fluss zurück in den Norden geschwommen, sagten die Behörden."
    assert detect_language(german) == "de"
    assert _detector.cache_info().currsize == 1
    french = "Le transfuge est retourné au nord en traversant le fleuve, ont indiqué les autorités."
    assert detect_language(french) == "fr"
    assert _detector.cache_info().currsize == 1  # built once, reused


def test_two_languages_sharing_a_script_go_to_the_detector() -> None:
    languages = ("en", "ru", "uk")
    assert candidates("cyrillic", languages) == ("ru", "uk")
    russian = "Перебежчик вернулся на север через реку, сообщили власти в понедельник."
    ukrainian = "Перебіжчик повернувся на північ через річку, повідомила влада в понеділок."
    assert detect_language(russian, languages) == "ru"
    assert detect_language(ukrainian, languages) == "uk"


def test_importing_the_clean_stage_builds_no_detector() -> None:
    code = (
        "from redefection.clean import clean_capture\n"
        "from redefection.clean.language import _detector\n"
        "print(_detector.cache_info().currsize)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"


ENGLISH_PROSE = (
    "The harbour office said on Tuesday that the ferry to the northern islands would run again from next week, "
    "and that the repairs to its engine had taken longer than the crew had hoped. Passengers who were booked "
    "for the cancelled trips will be offered a seat on the first sailings, a spokesman for the company said."
)


def test_english_prose_is_told_by_its_function_words_without_the_detector() -> None:
    _detector.cache_clear()
    assert detect_language(ENGLISH_PROSE) == "en"
    assert _detector.cache_info().currsize == 0


def test_short_english_and_other_latin_languages_still_go_to_the_detector() -> None:
    _detector.cache_clear()
    assert detect_language("The ferry runs again from next week, the harbour office said.") == "en"  # < 30 words
    assert _detector.cache_info().currsize == 1
    german = (
        "Die Fähre zu den nördlichen Inseln soll ab der kommenden Woche wieder fahren, teilte das Hafenamt am "
        "Dienstag mit. Die Reparatur des Motors habe länger gedauert als erwartet, sagte ein Sprecher der "
        "Reederei. Fahrgäste der ausgefallenen Fahrten bekommen einen Platz auf den ersten Überfahrten."
    )
    french = (
        "Le bac vers les îles du nord reprendra la semaine prochaine, a indiqué mardi le bureau du port. La "
        "réparation du moteur a pris plus de temps que prévu, selon un porte-parole de la compagnie. Les "
        "passagers des traversées annulées auront une place sur les premiers départs."
    )
    assert detect_language(german) == "de"
    assert detect_language(french) == "fr"


def test_english_is_not_assumed_when_it_is_not_among_the_languages() -> None:
    assert detect_language(ENGLISH_PROSE, ("de", "fr")) in ("de", "fr")


def test_script_counts_match_one_count_per_script() -> None:
    rng = random.Random(5)
    ranges = [(0x20, 0x250), (0x400, 0x500), (0x1100, 0x1200), (0x3040, 0x3190), (0x3400, 0x3440), (0x4E00, 0x4E80)]
    ranges += [(0x9FE0, 0xA010), (0xAC00, 0xAC40), (0xD7A0, 0xD7C0), (0xF900, 0xF940), (0xFA00, 0xFB10)]
    pool = [chr(code) for low, high in ranges for code in range(low, high)]
    with_cjk = 0
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 8)))
        counts = (len(HANGUL.findall(text)), len(KANA.findall(text)), len(HAN.findall(text)))
        assert script_counts(text) == (*counts, len(LETTER.findall(text))), text
        with_cjk += sum(counts) > 0
    assert 500 < with_cjk < 2900  # both paths are taken
