"""Who a quote is from: name, role and organisation in a speaker phrase.

A speaker phrase is what an attribution pattern captured around the quoted words:
"Lee Kwang-baek, president of the Unification Media Group", "a researcher at a Seoul think tank",
"한 탈북민 지원단체 관계자는", "首尔一家智库的研究员", "he". Roles and organisations come out in English
through the tables of ``data/lexicon/quotes.toml``; names stay as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ._quote_rules import QuoteRules, Table

Kind = Literal["named", "unnamed", "pronoun", "definite", "institution"]
TRANSLITERATION = re.compile(r"[（(]音[译譯][)）]")  # "金成民（音译）": a transliterated name


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str | None = None
    role: str | None = None
    organization: str | None = None
    # named: a person's name; unnamed: "a Seoul-based analyst"; pronoun: "he"; definite: "the analyst"
    # (someone introduced before); institution: a body or a medium, not a person ("the ministry said").
    kind: Kind = "unnamed"


def lookup(table: Table, text: str, last: bool) -> tuple[str, int, int] | None:
    """The head match of ``table`` in ``text`` as (English form, start, end): the first, or the last."""
    hits = [(m.start(), m.end(), english) for pattern, english in table for m in pattern.finditer(text) if m.group()]
    if not hits:
        return None
    if last:
        start, end, english = max(hits, key=lambda h: (h[1], -h[0]))
        return english, start, end
    start, end, english = min(hits, key=lambda h: (h[0], -h[1]))
    while True:  # "a volunteer social worker": the last of adjacent role words heads the phrase
        nxt = [h for h in hits if h[0] > start and not text[end : h[0]].strip()]
        if not nxt:
            return english, start, end
        start, end, english = max(nxt, key=lambda h: h[1] - h[0])


def _canonical(org: str, rules: QuoteRules) -> str:
    """The English name of an organisation printed in full ("Unification Ministry"), else as printed."""
    return next((english for pattern, english in rules.organizations if pattern.fullmatch(org)), org)


def _is_stop(token: str, rules: QuoteRules) -> bool:
    bare = token.rstrip(".,")
    return bare.casefold() in rules.name_stopwords or bare.isupper()  # "NASA", "KCNA", the "U" of "U.S."


def _is_role_word(token: str, rules: QuoteRules) -> bool:
    return any(pattern.fullmatch(token) for pattern, _ in rules.roles)


def _is_person(text: str, rules: QuoteRules) -> bool:
    """Whether ``text`` is a person's name ("Choi Min-seo", "the late Kim Su-ji"): never an organisation."""
    if rules.name_run is not None:
        names = [name for _, name in _alphabetic_names(text, rules, 2, public=True)]
    else:
        names = [name for _, name in _syllabic_names(text, rules, strict=False)]
    letters = sum(ch.isalnum() for ch in text)
    return any(sum(ch.isalnum() for ch in name) >= 0.6 * letters for name in names)


def _organization(who: str, anchor: int, role: tuple[str, int, int] | None, rules: QuoteRules) -> str | None:
    """The organisation after the role or name ("... at a Seoul think tank"), before it, or from the table.

    "a friend of Choi Min-seo" names a person, not an organisation: a person's name is never returned.
    """
    for pattern in rules.org_after if anchor >= 0 else ():
        m = pattern.search(who[anchor:])
        if m:
            org = m.group("org").strip()
            return None if _is_person(org, rules) else _canonical(org, rules)
    if role and rules.org_before_role:
        m = rules.org_before_role.search(who[: role[1]])
        tokens = m.group("org").split() if m else []
        while tokens and tokens[0].casefold() in rules.name_stopwords:
            tokens.pop(0)  # "One", "A" opening the sentence
        if any(t.casefold() not in rules.name_stopwords and not t.endswith("-based") for t in tokens):
            return _canonical(" ".join(tokens), rules)
    return next((english for pattern, english in rules.organizations if pattern.search(who)), None)


def _is_organization(who: str, rules: QuoteRules) -> bool:
    """Whether the phrase names an organisation ("한 매체는")."""
    return any(pattern.search(who) for pattern, _ in rules.organizations)


def _bare(token: str, rules: QuoteRules) -> str:
    """A Korean token without its particle ("관계자는" -> "관계자"), unless nothing would be left."""
    stripped = rules.particles.sub("", token)
    return stripped or token


def _alphabetic_names(text: str, rules: QuoteRules, min_tokens: int, public: bool) -> list[tuple[int, str]]:
    assert rules.name_run is not None
    out: list[tuple[int, str]] = []
    for run in rules.name_run.finditer(text):
        tokens = run.group().split()
        if any(t.endswith(("'s", "’s")) for t in tokens):
            continue  # "South Korea's military"
        while tokens and (_is_stop(tokens[0], rules) or _is_role_word(tokens[0].rstrip("."), rules)):
            tokens.pop(0)
        if min_tokens <= len(tokens) <= 4 and not any(_is_stop(t, rules) for t in tokens):
            name = " ".join(tokens).rstrip(".,")
            if public or name not in rules.public_figures:
                out.append((run.end(), name))
    return out


def _syllabic_names(text: str, rules: QuoteRules, strict: bool) -> list[tuple[int, str]]:
    """Korean names: a name-shaped token; with ``strict``, only one followed by 씨 or a role word."""
    if rules.name_shape is None:
        return []
    tokens = [(m.end(), m.group()) for m in re.finditer(r"[^\s,()（）]+", text)]
    out: list[tuple[int, str]] = []
    for k, (end, token) in enumerate(tokens):
        bare = _bare(token, rules)
        if _is_stop(bare, rules) or _is_role_word(bare, rules) or bare in rules.public_figures:
            continue
        following = next((_bare(t, rules) for _, t in tokens[k + 1 :] if not t.isdigit()), "")  # "김우정(24)씨"
        titled = _is_role_word(following, rules) or following.startswith("씨") or token.endswith("씨")
        if bare in rules.surnames and _is_role_word(following, rules):
            out.append((end, bare))  # "김 교수는": a surname, expanded from an earlier full name
        elif (
            rules.name_shape.fullmatch(bare)
            and (titled or not strict)
            and not any(p.search(bare) for p, _ in rules.organizations)
        ):
            out.append((end, bare))
    return out


def _name(who: str, role: tuple[str, int, int] | None, rules: QuoteRules) -> str | None:
    """The person's name in a speaker phrase, as printed."""
    if rules.name_run is not None:
        found = _alphabetic_names(who, rules, 1, public=True)
    else:
        found = _syllabic_names(who, rules, strict=False)
    if role:  # "WikiLeaks editor Kim Su-ji": the name right after the role
        end = role[2]
        found.sort(key=lambda f: not (f[0] - len(f[1]) >= end and not who[end : f[0] - len(f[1])].strip()))
    if found:
        return found[0][1]
    if role and rules.name_shape is not None:  # Chinese: the name follows the role ("研究员金英熙")
        rest = TRANSLITERATION.sub("", who[role[2] :]).strip()
        if rules.name_shape.fullmatch(rest) and rest not in rules.name_stopwords:
            return rest
    return None


def _subjects(who: str, rules: QuoteRules) -> list[str]:
    """The subject phrases of ``who``, nearest the quote first ("조선중앙통신은 그가" -> "그가", "조선중앙통신은")."""
    chunks: list[str] = []
    current: list[str] = []
    for token in who.split():
        current.append(token)
        if rules.subject_end.search(token) and not _is_role_word(token, rules):  # "전문가" is no "가" subject
            chunks.append(" ".join(current))
            current = []
    return chunks[::-1] or [who.strip()]


def parse_speaker(who: str, rules: QuoteRules) -> Speaker:
    """Name, role and organisation of a speaker phrase; an empty phrase is an omitted subject ("고 말했다")."""
    parsed = [_parse_subject(subject, rules) for subject in _subjects(who, rules)]
    return next((speaker for speaker in parsed if speaker.kind != "institution"), parsed[0])


def _parse_subject(who: str, rules: QuoteRules) -> Speaker:
    role = lookup(rules.roles, who, rules.head_last)
    english = role[0] if role else None
    if not who or rules.pronouns.search(who):
        return Speaker(role=english, organization=_organization(who, -1, role, rules), kind="pronoun")
    placeholder = rules.placeholder.search(who)
    unnamed = rules.unnamed.search(who)
    name = None if unnamed or placeholder else _name(who, role, rules)
    anchor = max(role[2] if role else -1, who.find(name) + len(name) if name else -1)
    org = _organization(who, anchor, role, rules)
    if name:
        return Speaker(name, english, org, "named")
    is_person = role or placeholder or rules.persons.search(who)
    if not is_person and not (unnamed and rules.unnamed_is_person and not _is_organization(who, rules)):
        return Speaker(organization=org, kind="institution")
    return Speaker(role=english, organization=org, kind="definite" if rules.definite.search(who) else "unnamed")


def full_name(surname: str, before: str, rules: QuoteRules) -> str:
    """The full name printed earlier for a bare surname ("Lee said" after "Lee Kwang-baek")."""
    found: list[tuple[int, str]] = []
    for template in rules.full_names:
        pattern = re.compile(template.replace("{surname}", re.escape(surname)))
        found += [(m.start(), m.group()) for m in pattern.finditer(before) if m.group() not in rules.public_figures]
    return max(found)[1] if found else surname


def last_name_in(text: str, rules: QuoteRules) -> tuple[int, str] | None:
    """The last full person's name in ``text`` and where it ends: who "he said" most likely refers to."""
    if rules.name_run is not None:
        found = [
            (end, name)
            for end, name in _alphabetic_names(text, rules, 1, public=False)
            if " " in name or name in rules.surnames
        ]
    else:
        found = [(end, name) for end, name in _syllabic_names(text, rules, strict=True) if name not in rules.surnames]
    return found[-1] if found else None
