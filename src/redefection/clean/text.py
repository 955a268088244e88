"""Clean a text dump of a web page: find the article among menus, bylines, lists and footers.

A dump is the visible text of a page copied as lines. The article body is the
longest run of prose lines (in the article's script, ending a sentence); page
chrome is recognised by shape (menus, breadcrumbs, lists, labels, contact and
copyright lines) and by script (a Chinese portal's chrome around a Korean
article). The title is the longest heading-like line before the body, or the
first one after it when the page put the headline below the story.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date

from ..records import Article
from ..settings import DEFAULT_LANGUAGES
from ._text import EMAIL, URL, ends_sentence, in_language, normalize_space, visible_length
from .attribution import credited_outlet
from .bylines import is_person_name, parse_byline
from .dates import find_dates
from .language import detect_language
from .patterns import chrome_words

# Menu and breadcrumb separators; two or more in a line with short items make it navigation.
NAV_SEPARATOR = re.compile(r"\s[|｜>›»•·/]\s|｜|›|»|\s{2,}|\]\s*\[")
BULLET = re.compile(r"^(?:[-*•·▸▶►>→◆■□○●]\s*|\d{1,2}[.)]\s)")
BRACKETED = re.compile(r"^[\[【<(（].*[\]】>)）]$")
DIGITS = re.compile(r"\d")
MENU_PUNCTUATION = re.compile(r"[,.!?;:\"'“”‘’…·、，。！？：；「」()（）]")
# Strong prose: a paragraph of real length (visible units; CJK characters count double).
STRONG_PROSE = 60
WEAK_PROSE = 16
# How many non-prose, non-blank lines may sit between two body paragraphs (subheadings, a photo credit).
MAX_GAP = 2
# Lines of page widgets ("Share", "Media Landscape", an app promotion) that may split the lede from the
# rest of the story: prose above the story within this many lines is part of it.
MAX_WIDGET_GAP = 5
WIDGET_SPLIT_PROSE = 120  # characters of prose a run above the story needs (a note or a teaser has fewer)
# A dump hard-wrapped at a fixed width: most long lines are about this wide (characters).
WRAP_WIDTHS = (50, 160)
HEADER_WINDOW = 12
DATED_HEADLINE = 24  # visible units besides the date that a line holding a date needs to be a headline
DATE_WORDS = re.compile(
    r"\d+|\b(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|[년월일시분]|[^\w\s]|\s+",
    re.IGNORECASE,
)
# "Home > North Korea", "Opinion > Columns", "North Korea / Human Rights": a section path, not a headline.
BREADCRUMB = re.compile(r"^[^.!?。]{1,30}\s(?:>|›|»|/|\||｜)\s[^.!?。]{1,30}$|^[^.!?。]{1,30}\s?｜\s?[^.!?。]{1,30}$")
PATH_SEPARATOR = re.compile(r"\s[<>›»/|｜]\s")  # "Board index < Living in Korea < News"
# "Joined: Mar 2011", "출처 : 한강일보", "Location: Bupyeong": a short labelled value.
LABELLED = re.compile(r"^[\w ]{1,12}\s?[:：]\s?\S")
LABELLED_MAX = 30
# A run of short words that still reads as a headline: brackets, quotes, an ellipsis, a question.
HEADLINE_MARK = re.compile(r"[\[\]【】…'\"“”‘’?!？！·,，]")
DATE_LABEL = re.compile(r"^(?:posted|published|updated|input|입력|수정|게재|发布|發布|更新)\b", re.IGNORECASE)
# Headings after a story that belong to the page, not to the story: "About the Author", "◀ 이전 자료: ...".
# A sentence end inside a line: terminal punctuation (and closing quotes) before a space, or a Korean
# or Chinese ending that needs no space ("집계됐다.〈표〉", "。"). Used to keep the complete sentences of
# the last line of a capture cut short, whatever follows them (a table glued on, "Read more", a cut).
INNER_END = re.compile(r"""(?:[.!?]['"’”)\]]*(?=\s)|다\.['"’”]*|[。！？]['"’”」』）]*)""")
# A capture cut short ends in a fragment: a line of prose words, at least this many, with no ending.
CUT_FRAGMENT_WORDS = 8
AFTER_STORY = re.compile(
    r"^(?:[◀▶◁▷←→«»<>]|(?:about|more|related|previous|next|read|see|share)\b|이전|다음|관련|上一|下一|相关|相關)", re.I
)


@dataclass(frozen=True, slots=True)
class Line:
    index: int
    text: str
    raw: str


def _lines(text: str) -> list[Line]:
    out = []
    for index, raw in enumerate(text.splitlines()):
        cleaned = normalize_space(raw)
        if cleaned:
            out.append(Line(index, cleaned, raw.strip()))
    return out


def _unwrap(lines: list[Line]) -> list[Line]:
    """Join the lines of a dump hard-wrapped at a fixed width (a mail or a forum post copied as it was
    shown): a line near the width that ends no sentence goes on in the next one. A dump with one
    paragraph per line is left as it is."""
    if len(lines) < 6:
        return lines
    lengths = sorted(len(line.text) for line in lines)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if not WRAP_WIDTHS[0] <= width <= WRAP_WIDTHS[1]:
        return lines

    def goes_on(line: Line, following: Line) -> bool:
        return (
            following.index == line.index + 1
            and len(line.text) >= 0.6 * width
            and not ends_sentence(line.text)
            and not (URL.search(line.text) or URL.search(following.text) or "<" in following.text[:1])
        )

    near = [line for line in lines if len(line.text) >= 0.75 * width]
    cut = [b for a, b in itertools.pairwise(lines) if len(a.text) >= 0.75 * width and goes_on(a, b)]
    # a sentence going on after the cut ("... who planned to destroy" / "statues of ...")
    mid = sum(b.text[0].islower() for b in cut)
    if mid < 3 or 3 * len(cut) < len(near):
        return lines
    out: list[Line] = [lines[0]]
    last = lines[0]  # the last physical line of out[-1]
    for line in lines[1:]:
        if goes_on(last, line):
            joined = f"{out[-1].text} {line.text}"
            out[-1] = Line(line.index, joined, joined)
        else:
            out.append(line)
        last = line
    return out


def _body_language(lines: list[Line], languages: tuple[str, ...]) -> str | None:
    long_lines = [line.text for line in lines if ends_sentence(line.text) and len(line.text) >= 20]
    sample = "\n".join(sorted(long_lines, key=len, reverse=True)[:12]) or "\n".join(line.text for line in lines)
    return detect_language(sample, languages)


def is_chrome(line: Line, language: str | None) -> bool:
    """Whether a line is page furniture rather than article text."""
    words = chrome_words()
    text = line.text
    lowered = text.lower()
    if EMAIL.search(text) or URL.search(text):
        return True
    if words.copyright_any.search(lowered):
        return True
    if lowered.startswith(words.label_prefixes):
        return True
    if BRACKETED.match(text) and len(text) < 40:
        return True
    if len(NAV_SEPARATOR.findall(line.raw)) >= 2 and not ends_sentence(text):
        return True
    if BULLET.match(text) and not ends_sentence(text):
        return True
    return not ends_sentence(text) and len(DIGITS.findall(text)) > 0.25 * len(text)


def is_menu(text: str) -> bool:
    """A run of short words with no punctuation: "정치 경제 사회 문화 스포츠", "导航：首页 新闻 朝鲜"."""
    text = re.sub(r"^\w{1,4}\s*[:：]\s*", "", text)  # a leading label ("导航：")
    tokens = text.split()
    if len(tokens) < 5 or MENU_PUNCTUATION.search(text):
        return False
    return sum(len(token) for token in tokens) / len(tokens) <= 3.2 and all(len(t) <= 5 for t in tokens)


def is_prose(line: Line, language: str | None) -> int:
    """0 for not prose, 1 for a short sentence, 2 for a full paragraph."""
    text = line.text
    if not ends_sentence(text) or not in_language(text, language) or is_chrome(line, language):
        return 0
    size = visible_length(text, language)
    if size >= STRONG_PROSE:
        return 2
    return 1 if size >= WEAK_PROSE else 0


def _complete_part(line: Line, language: str | None) -> Line | None:
    """The complete sentences opening a line that goes on without an ending, when they are a paragraph.

    The sentences must be most of the line and a full paragraph by themselves, so a menu or a promotion
    with one short sentence in it stays chrome.
    """
    text = line.text
    if ends_sentence(text) or not in_language(text, language) or is_chrome(line, language):
        return None
    ends = [match.end() for match in INNER_END.finditer(text)]
    if not ends:
        return None
    head = text[: ends[-1]].rstrip()
    if 2 * len(head) < len(text) or visible_length(head, language) < STRONG_PROSE:
        return None
    return Line(line.index, head, head)


def _cut_fragment(line: Line, language: str | None) -> bool:
    """Whether the dump's last line is prose cut mid-sentence (the capture stopped there)."""
    text = line.text
    if ends_sentence(text) or not in_language(text, language) or is_chrome(line, language):
        return False
    if AFTER_STORY.match(text) or _menu_like(text) or text.isupper():
        return False
    if language in ("ko", "zh", "ja"):
        return visible_length(text, language) >= STRONG_PROSE
    return len(text.split()) >= CUT_FRAGMENT_WORDS and not text[0].islower()


def _body_range(lines: list[Line], kinds: list[int]) -> tuple[int, int, range] | None:
    """Positions (first, last) in ``lines`` of the largest run of prose, with the paragraphs just above it
    that page widgets split off (a share bar or an app promotion between the lede and the rest); and the
    positions of those widgets, which are no part of the body."""
    runs: list[tuple[int, int, int]] = []  # (weight, first, last)
    start = last = -1
    weight = gap = 0
    for pos, kind in enumerate(kinds):
        if kind == 2 or (kind == 1 and start >= 0):
            if start < 0:
                start, weight = pos, 0
            if kind == 2:
                last = pos
            weight += len(lines[pos].text)
            gap = 0
        elif start >= 0:
            gap += 1
            if gap > MAX_GAP:
                runs.append((weight, start, last))
                start, weight, gap = -1, 0, 0
    if start >= 0:
        runs.append((weight, start, last))
    if not runs:
        return None
    best = max(runs, key=lambda run: run[0])  # the first of equals, as before
    first, last = best[1], best[2]
    widgets = range(first, first)
    for run_weight, run_first, run_last in reversed(runs[: runs.index(best)]):
        gap_lines = lines[run_last + 1 : first]
        if len(gap_lines) > MAX_WIDGET_GAP or run_weight < WIDGET_SPLIT_PROSE:
            break
        if any(find_dates(line.text) or parse_byline(line.text) for line in gap_lines):
            break  # a dateline or a byline opens the story: what is above it is the page's
        widgets = range(run_last + 1, widgets.stop if widgets else first)
        first = run_first
    # Short closing sentences belong to the story unless they open a footer block (no blank line
    # between them and the chrome that follows: "Market data delayed." above "More: ...").
    while last + 1 < len(lines) and kinds[last + 1] == 1:
        after = last + 2
        if after < len(lines) and lines[after].index == lines[last + 1].index + 1 and not kinds[after]:
            break
        last += 1
    return first, last, widgets


def _is_heading(line: Line, language: str | None) -> bool:
    text = line.text
    if is_chrome(line, language) or not in_language(text, language):
        return False
    if parse_byline(text) is not None:
        return False
    # A date line ("Posted July 20, 2012 | ...") is not a headline; a headline may name a date
    # ("Transcript: regular briefing, July 20, 2012") when the words around the date say more.
    if (
        BREADCRUMB.match(text)
        or len(PATH_SEPARATOR.findall(text)) >= 2
        or ">>" in text
        or (LABELLED.match(text) and visible_length(text, language) < LABELLED_MAX)
    ):
        return False
    if find_dates(text) and (
        visible_length(DATE_WORDS.sub(" ", text), language) < DATED_HEADLINE or DATE_LABEL.match(text)
    ):
        return False
    if ends_sentence(text) and not text.endswith(("?", "!", "？", "！", '"', "”", "'", "’")):
        return False
    size = visible_length(text, language)
    return 8 <= size <= 240


def _menu_like(text: str) -> bool:
    """A menu, or a few short words with nothing of a sentence ("검색 로그인 회원가입")."""
    tokens = text.split()
    return is_menu(text) or (len(tokens) <= 4 and all(len(token) <= 4 for token in tokens))


def _title(lines: list[Line], first: int, last: int, language: str | None, outlet: str | None) -> str | None:
    def ok(line: Line) -> bool:
        if not _is_heading(line, language) or (outlet and line.text.lower() == outlet.lower()):
            return False
        if language not in ("ko", "zh", "ja") and len(line.text.split()) < 3:
            return False
        return not (line.text.isupper() and len(line.text.split()) <= 5)

    header = lines[max(0, first - HEADER_WINDOW) : first]
    fits = [ok(line) and (not _menu_like(line.text) or bool(HEADLINE_MARK.search(line.text))) for line in header]
    repeated = [
        line for line, fit in zip(header, fits, strict=True) if fit and sum(o.text == line.text for o in header) > 1
    ]
    if repeated:  # the page title and the headline above the story: printed twice
        return repeated[-1].text
    if any(fits):
        # The headline opens the last run of heading-like lines before the story: banners and promotions
        # come earlier, separated by menus, breadcrumbs and labels; a standfirst or an author's line follows it.
        end = max(pos for pos, fit in enumerate(fits) if fit)
        start = end
        while start > 0 and fits[start - 1]:
            start -= 1
        return header[start].text
    menus = [line for line in header if ok(line)]
    if menus:  # a punctuation-free run of short words only when nothing else is there
        return max(menus, key=lambda line: visible_length(line.text, language)).text
    after = [
        line for line in lines[last + 1 : last + 1 + HEADER_WINDOW] if ok(line) and not AFTER_STORY.match(line.text)
    ]
    return after[0].text if after else None


def _byline(lines: list[Line], first: int) -> str | None:
    header = lines[max(0, first - HEADER_WINDOW) : first]
    for pos, line in enumerate(header):
        names = parse_byline(line.text)
        if names:
            return ", ".join(names)
        # A name alone on its line, directly followed by the date line.
        if is_person_name(line.text) and pos + 1 < len(header) and find_dates(header[pos + 1].text):
            return line.text
    return None


def _published(lines: list[Line], first: int) -> date | None:
    words = chrome_words()
    fallback: date | None = None
    for line in lines[max(0, first - HEADER_WINDOW) : first]:
        found = find_dates(line.text)
        if not found:
            continue
        lowered = line.text.lower()
        for offset, value in found:
            label = lowered[max(0, offset - 16) : offset]
            if any(word in label for word in words.updated_labels):
                fallback = fallback or value
                continue
            return value
    return fallback


OUTLET_CLEAN = re.compile(r"^(?:copyright|\(c\)|©|ⓒ|<저작권자)\s*|\b(?:19|20)\d\d(?:\s*-\s*(?:19|20)\d\d)?\b|[<>]")


def _outlet_candidates(lines: list[Line], language: str | None) -> tuple[list[str], list[str]]:
    words = chrome_words()
    header: list[str] = []
    if lines:
        head = re.split(r"\s*(?:[|｜>›»]|\s{2,})\s*", lines[0].raw)[0]
        head = normalize_space(head)
        for home in words.home_words:
            if head.lower().endswith(" " + home):
                head = head[: -len(home) - 1]
        head = " ".join(part for part in head.split() if in_language(part, language) or part.isdigit())
        if head and head.lower() not in words.home_words:
            header.append(head)
    footer: list[str] = []
    for line in lines:
        lowered = line.text.lower()
        for label in ("来源：", "來源：", "source:"):
            if label in lowered:
                rest = line.text[lowered.index(label) + len(label) :].strip()
                footer.append(re.split(r"\s", rest)[0])
        if words.copyright_any.search(lowered):
            for part in re.split(r"[|｜.。]\s|\s{2,}|[|｜]", line.text):
                part = normalize_space(OUTLET_CLEAN.sub(" ", part))
                for marker in sorted(words.copyright_markers, key=len, reverse=True):
                    part = re.sub(re.escape(marker), " ", part, flags=re.I)
                part = normalize_space(part).strip(" .,:;-")
                if part:
                    footer.append(part)
    return header, footer


def _strip_suffix(name: str) -> str:
    lowered = name.lower()
    for suffix in chrome_words().outlet_suffixes:
        if lowered.endswith(" " + suffix):
            return name[: -len(suffix) - 1].strip(" ,")
    return name


def _outlet(lines: list[Line], language: str | None, title_line: str | None) -> str | None:
    header, footer = _outlet_candidates(lines, language)
    footer = [_strip_suffix(name) for name in footer if in_language(name, language) and len(name) >= 3]
    for name in header:
        if title_line and name == title_line:
            continue
        key = _strip_suffix(name).lower()
        for other in footer:
            if other.lower() == key and not other.isupper():
                return other
        if visible_length(name, language) <= 40 and len(name.split()) <= 6:
            return _strip_suffix(name.title() if name.isupper() else name)
    labelled = [name for name in footer if len(name.split()) <= 5]
    return labelled[0] if labelled and _labelled_source(lines) else None


def _labelled_source(lines: list[Line]) -> bool:
    return any(label in line.text.lower() for line in lines for label in ("来源：", "來源：", "source:"))


def credited_in_dump(text: str, outlet: str | None) -> str | None:
    """``outlet`` when a line of the dump is a credit line naming it ("Source: X"): the dump copies X's story."""
    if not outlet:
        return None
    key = outlet.casefold()
    for line in text.splitlines():
        name = credited_outlet(line)
        if name and name.casefold() == key:
            return outlet
    return None


def clean_dump(text: str, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> tuple[Article, str | None]:
    """Recover the article from a text dump; return it and the body's language."""
    lines = _unwrap(_lines(text))
    language = _body_language(lines, languages)
    kinds = [is_prose(line, language) for line in lines]
    # A capture cut short (a scraper's size limit, "Read more"): keep the complete sentences of its last line.
    part = _complete_part(lines[-1], language) if lines and not kinds[-1] else None
    if part is not None:
        lines[-1], kinds[-1] = part, 2
    span = _body_range(lines, kinds)
    if span is None:
        return Article(), language
    first, last, widgets = span
    if last + 2 == len(lines) and _cut_fragment(lines[-1], language):
        last += 1
        kinds[last] = 1
    body: list[str] = []
    for pos in range(first, last + 1):
        line = lines[pos]
        if pos in widgets and not kinds[pos]:
            continue
        if kinds[pos] or (_is_heading(line, language) and pos < last and kinds[pos + 1]):
            body.append(line.text)
    outlet = _outlet(lines, language, lines[0].text if lines and kinds[0] else None)
    title = _title(lines, first, last, language, outlet)
    if outlet and title and outlet == title:
        outlet = None
    article = Article(
        title=title,
        byline=_byline(lines, first),
        published=_published(lines, first),
        outlet=outlet,
        body=tuple(body),
    )
    return article, language
