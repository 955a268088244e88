"""Split an HTML tree into text blocks and find the article's paragraphs by text density.

This extractor looks only at structure and text (paragraph length, sentence
ends, link density, where text concentrates), never at class or id names, so
pages whose class names lie (a body inside ``class="sidebar"``) still give
their article. ``clean.html`` weighs it against trafilatura's result.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ._text import ends_sentence, in_language, normalize_space, visible_length
from .attribution import credited_outlet, is_boilerplate

SKIP_TAGS = {
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "button",
    "select", "option", "input", "textarea", "head", "title", "meta", "link", "canvas", "video",
    "audio", "map", "nav", "aside", "label", "figure", "picture", "menu", "dialog",
}  # fmt: skip
BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "li", "ul", "ol", "dl", "dd", "dt", "td", "th", "tr", "table", "tbody", "thead",
    "pre", "figcaption", "address", "center", "body", "html", "hr", "br", "caption",
}  # fmt: skip
HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}
STRONG_PROSE = 60
WEAK_PROSE = 16
# The container is the deepest element holding this share of all paragraph text.
CONTAINER_SHARE = 0.6
# Paragraph text before the headline counts this much (consent banners and teasers of other stories).
BEFORE_TITLE_WEIGHT = 0.25


@dataclass(slots=True)
class Block:
    owner: etree._Element
    text: str
    link_chars: int
    tag: str


def _tag(element: etree._Element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def split_blocks(root: etree._Element) -> list[Block]:
    """Linearise the tree into blocks: text between block-level boundaries and line breaks."""
    blocks: list[Block] = []
    parts: list[str] = []
    link_chars = 0
    owners: list[etree._Element] = [root]
    skip_depth = 0
    link_depth = 0

    lowered: dict[object, str] = {}  # tag -> lower case name ("" for comments and entities): once per page

    def flush() -> None:
        nonlocal parts, link_chars
        text = normalize_space("".join(parts))
        if text:
            owner = owners[-1]
            blocks.append(Block(owner, text, min(link_chars, len(text)), lowered[owner.tag]))
        parts, link_chars = [], 0

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = lowered.get(element.tag)
        if tag is None:
            tag = lowered[element.tag] = _tag(element)
        if event == "start":
            if skip_depth or tag in SKIP_TAGS or not tag:
                skip_depth += 1
                walker.skip_subtree()  # its end event still comes; its descendants are never walked
                continue
            if tag in BLOCK_TAGS:
                if parts:
                    flush()
                owners.append(element)
            if tag == "a":
                link_depth += 1
            text = element.text
            if text:
                parts.append(text)
                if link_depth:
                    link_chars += len(text.strip())
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth:
                    continue
            elif tag == "a":
                link_depth -= 1
            elif tag in BLOCK_TAGS:
                if parts:
                    flush()
                owners.pop()
            tail = element.tail
            if tail:
                parts.append(tail)
                if link_depth:
                    link_chars += len(tail.strip())
    if parts:
        flush()
    return blocks


def prose_kind(block: Block, language: str | None) -> int:
    """0: not prose; 1: a short sentence; 2: a paragraph."""
    text = block.text
    if block.link_chars > 0.3 * len(text) or not ends_sentence(text) or not in_language(text, language):
        return 0
    if is_boilerplate(text) or credited_outlet(text):
        return 0
    size = visible_length(text, language)
    if size >= STRONG_PROSE:
        return 2
    return 1 if size >= WEAK_PROSE else 0


def _container(blocks: list[Block], kinds: list[int], title_at: int) -> etree._Element | None:
    weight: dict[etree._Element, float] = {}
    depth: dict[etree._Element, int] = {}
    total = 0.0
    for index, (block, kind) in enumerate(zip(blocks, kinds, strict=True)):
        if kind != 2:
            continue
        size = len(block.text) * (BEFORE_TITLE_WEIGHT if index < title_at else 1.0)
        total += size
        chain = [block.owner, *block.owner.iterancestors()]
        for level, element in enumerate(reversed(chain)):
            weight[element] = weight.get(element, 0) + size
            depth[element] = level
    if not total:
        return None
    eligible = [el for el, w in weight.items() if w >= CONTAINER_SHARE * total]
    return max(eligible, key=lambda el: depth[el]) if eligible else None


def _title_position(blocks: list[Block], title: str | None) -> int:
    if not title:
        return 0
    key = normalize_space(title).lower()
    for index, block in enumerate(blocks):
        if block.text.lower() == key:
            return index
    return 0


def density_paragraphs(
    root: etree._Element, language: str | None, title: str | None = None, blocks: list[Block] | None = None
) -> list[str]:
    """The article's paragraphs in order, found by where sentence text concentrates.

    Paragraphs before the block that repeats ``title`` weigh less: the article follows its headline.
    """
    if blocks is None:
        blocks = split_blocks(root)
    kinds = [prose_kind(block, language) for block in blocks]
    container = _container(blocks, kinds, _title_position(blocks, title))
    if container is None:
        return []
    # The set holds each element's proxy, and lxml gives a live element one proxy: membership is identity.
    members = set(container.iter())
    inside = [i for i, block in enumerate(blocks) if block.owner in members]
    strong = [i for i in inside if kinds[i] == 2]
    first, last = strong[0], strong[-1]
    out: list[str] = []
    for pos, i in enumerate(inside):
        if i < first or i > last:
            continue
        block = blocks[i]
        if kinds[i] or (_is_subheading(block, language) and pos + 1 < len(inside) and kinds[inside[pos + 1]]):
            out.append(block.text)
    return out


def _is_subheading(block: Block, language: str | None) -> bool:
    if block.link_chars or not in_language(block.text, language):
        return False
    size = visible_length(block.text, language)
    if block.tag in HEADING_TAGS:
        return size <= 200
    return block.tag in {"p", "div", "strong", "b"} and 4 <= size <= 80 and not ends_sentence(block.text)
