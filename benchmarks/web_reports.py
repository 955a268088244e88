"""Plan synthetic cases and write the documents that report them, with facts whose evidence points into the text.

Used by ``make_web_db.py``. A ``CasePlan`` is the truth about one return; each
report words it in English, Korean or Chinese, sometimes with a figure that
differs from the others (an age a year off, another arrival year), as real
sources do. ``Written`` holds a document's title, paragraphs and facts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from redefection.records import Claim, Gender, Incident, Person, Qualifier, Quote, Span, Status, Subject
from redefection.resolve.names import romanize_syllables
from web_corpus import (
    ATTRIBUTIONS,
    CITIES,
    CLAIM_SOURCES,
    CUES,
    GIVEN,
    OCCUPATIONS,
    OFF_TOPIC,
    QUOTES,
    REASONS,
    ROUTES,
    SPEAKERS,
    SURNAMES,
    TITLES_ANALYSIS,
    Writer,
    cjk_date,
    en_date,
    filler,
    iso,
    josa,
)

Triple = tuple[str, str, str]
QUALIFIERS: tuple[Qualifier, ...] = ("exact", "at least", "about", "more than")
FIRST_YEAR, LAST_YEAR = 2011, 2024


@dataclass(frozen=True, slots=True)
class CasePlan:
    """One return as it happened; reports word it, and some get a detail wrong."""

    number: int
    surname: Triple
    given: str  # Hangul
    gender: Gender
    age: int
    occupation: Triple | None
    group_size: int
    arrived: int
    returned: date
    route: Triple | None
    status: Status
    reasons: tuple[str, ...]
    attribution: Triple

    @property
    def en_name(self) -> str:
        return f"{self.surname[0]} {'-'.join(romanize_syllables(self.given, 'rr')).capitalize()}"

    @property
    def ko_name(self) -> str:
        return self.surname[1] + self.given


@dataclass(frozen=True, slots=True)
class Written:
    """A document's words and facts, before it becomes a capture and a ``Document``."""

    lang: str
    title: str
    body: tuple[str, ...]
    incidents: tuple[Incident, ...] = ()
    claims: tuple[Claim, ...] = ()
    quotes: tuple[Quote, ...] = ()
    cues: tuple[str, ...] = ()
    relevant: bool = True


def plan_cases(count: int, rng: random.Random) -> list[CasePlan]:
    """``count`` cases; no two share a full name and a return year, so they stay apart when resolved."""
    plans: list[CasePlan] = []
    taken: set[tuple[str, str, int]] = set()
    while len(plans) < count:
        surname, (given, gender) = rng.choice(SURNAMES), rng.choice(GIVEN)
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        if (surname[0], given, year) in taken:
            continue
        taken.add((surname[0], given, year))
        returned = date(year, rng.randint(1, 12), rng.randint(1, 28))
        status: Status = rng.choices(("returned", "attempted", "intended"), (85, 10, 5))[0]
        reasons = rng.choices(
            (("maladjustment",), ("coercion",), ("criminal_charges",), ("maladjustment", "coercion"), ("other",),
             ("unknown",)),
            (30, 20, 15, 10, 5, 20),
        )[0]  # fmt: skip
        plans.append(
            CasePlan(
                number=len(plans),
                surname=surname,
                given=given,
                gender=gender,
                age=rng.randint(19, 64),
                occupation=rng.choice(OCCUPATIONS) if rng.random() < 0.6 else None,
                group_size=rng.choice((2, 3, 4, 5)) if rng.random() < 0.08 else 1,
                arrived=year - rng.randint(1, 12),
                returned=returned,
                route=rng.choice(ROUTES) if rng.random() < 0.6 else None,
                status=status,
                reasons=reasons,
                attribution=rng.choice(ATTRIBUTIONS),
            )
        )
    return plans


def report(plan: CasePlan, lang: str, published: date, rng: random.Random, returned_so_far: int) -> Written:
    """A news report of ``plan`` published on ``published``, in ``lang``."""
    near = (published - plan.returned).days < 45
    precision = rng.choice((2, 3)) if near else rng.choice((1, 2))
    age = plan.age + (1 if rng.random() < 0.08 else 0)  # a source a year off: a conflict on the case page
    arrived = plan.arrived + (rng.choice((-1, 1)) if rng.random() < 0.05 else 0)
    named = plan.group_size == 1 and lang != "zh" and rng.random() < 0.8
    writer = Writer()
    writer.paragraph()
    person = _lead(writer, plan, lang, precision, age, named)
    writer.paragraph()
    _background(writer, plan, lang, arrived)
    for n, code in enumerate(plan.reasons):
        template = REASONS[code][{"en": 0, "ko": 1, "zh": 2}[lang]]
        he, him = ("he", "him") if plan.gender == "male" else ("she", "her")
        writer.add(template.format(he=he, him=him, he_cap=he.capitalize(), name=plan.surname[1]), f"reason{n}")
    claims: list[Claim] = []
    if rng.random() < 0.5:
        writer.paragraph()
        claims.append(claim_sentence(writer, lang, "returned_north", returned_so_far, published.year, rng, "claim0"))
    quotes: list[Quote] = []
    if rng.random() < 0.6:
        writer.paragraph()
        quotes.append(quote_sentence(writer, lang, rng, "quote0"))
    for sentence in filler(rng, lang, rng.randint(1, 4)):
        writer.paragraph()
        writer.add(sentence)
    evidence = tuple(Span(*writer.spans[key]) for key in ("lead", "background", "reason0") if key in writer.spans)
    returned = iso(plan.returned, precision) if plan.status != "intended" else None
    incident = Incident(
        person=person,
        group_size=plan.group_size,
        arrived_south=str(arrived),
        returned=returned,
        route=plan.route[0] if plan.route else None,
        status=plan.status,
        reasons=plan.reasons,
        evidence=evidence,
    )
    title = _title(plan, lang, age, named, rng)
    return Written(lang, title, writer.body(joiner=" "), (incident,), tuple(claims), tuple(quotes), CUES[lang])


def _lead(writer: Writer, plan: CasePlan, lang: str, precision: int, age: int, named: bool) -> Person:
    gender = plan.gender if lang == "en" else None
    occupation = plan.occupation[0] if plan.occupation else None
    attribution = plan.attribution[{"en": 0, "ko": 1, "zh": 2}[lang]]
    route = plan.route[{"en": 0, "ko": 1, "zh": 2}[lang]] if plan.route else None
    if plan.group_size > 1:
        person = Person(surname=plan.surname[{"en": 0, "ko": 1, "zh": 2}[lang]])
        sentence = {
            "en": f"A family of {plan.group_size} North Korean defectors led by a man surnamed {plan.surname[0]}"
            f"{' ' + route + ' and' if route else ''} returned to the North {en_date(plan.returned, precision)}, "
            f"{attribution} said.",
            "ko": f"{plan.surname[1]}모씨 등 탈북민 일가족 {plan.group_size}명이 "
            f"{cjk_date(plan.returned, precision, 'ko')} "
            f"{route + ' ' if route else ''}북한으로 돌아간 것으로 확인됐다고 {josa(attribution, '이', '가')} 밝혔다.",
            "zh": f"据{attribution}消息，{plan.surname[2]}姓脱北者一家{plan.group_size}口于"
            f"{cjk_date(plan.returned, precision, 'zh')}{route or ''}返回朝鲜。",
        }[lang]
        writer.add(sentence, "lead")
        return person
    if lang == "zh":
        person = Person(surname=plan.surname[2], age=age, occupation=occupation)
        when = cjk_date(plan.returned, precision, "zh")
        sentence = {
            "returned": f"据{attribution}消息，一名{age}岁的{plan.surname[2]}姓脱北者于{when}{route or ''}返回朝鲜。",
            "attempted": f"据{attribution}消息，一名{age}岁的{plan.surname[2]}姓脱北者于{when}试图{route or ''}"
            "返回朝鲜时被抓获。",
            "intended": f"一名{age}岁的{plan.surname[2]}姓脱北者于{when}公开表示希望返回朝鲜。",
        }[plan.status]
        writer.add(sentence, "lead")
        return person
    if lang == "ko":
        name = plan.ko_name if named else f"{plan.surname[1]}모"
        person = Person(name=plan.ko_name if named else None, surname=plan.surname[1], age=age, occupation=occupation)
        when = cjk_date(plan.returned, precision, "ko")
        way = f"{route} " if route else ""
        sentence = {
            "returned": f"탈북민 {name}({age})씨가 {when} {way}북한으로 돌아간 것으로 확인됐다고 "
            f"{josa(attribution, '이', '가')} 밝혔다.",
            "attempted": f"탈북민 {name}({age})씨가 {when} {way}월북을 시도하다 붙잡혔다고 "
            f"{josa(attribution, '이', '가')} 밝혔다.",
            "intended": f"탈북민 {name}({age})씨가 {when} 북한으로 돌아가고 싶다고 공개적으로 밝혔다.",
        }[plan.status]
        writer.add(sentence, "lead")
        return person
    who = (
        f"A North Korean defector identified as {plan.en_name}"
        if named
        else f"A {'man' if plan.gender == 'male' else 'woman'} surnamed {plan.surname[0]}"
    )
    person = Person(
        name=plan.en_name if named else None, surname=plan.surname[0], age=age, gender=gender, occupation=occupation
    )
    when = en_date(plan.returned, precision)
    he = "he" if plan.gender == "male" else "she"
    sentence = {
        "returned": f"{who}, {age}, {route + ' and ' if route else ''}returned to the North {when}, "
        f"{attribution} said.",
        "attempted": f"{who}, {age}, was caught trying to return to the North {when}"
        f"{' after ' + he + ' ' + route if route else ''}, {attribution} said.",
        "intended": f"{who}, {age}, said {when} that {he} wanted to go back to the North.",
    }[plan.status]
    writer.add(sentence, "lead")
    return person


def _background(writer: Writer, plan: CasePlan, lang: str, arrived: int) -> None:
    occupation = plan.occupation
    if lang == "en":
        he = "He" if plan.gender == "male" else "She"
        work = f" and worked as a {occupation[0]}" if occupation else ""
        writer.add(f"{he} had arrived in the South in {arrived}{work}.", "background")
    elif lang == "ko":
        work = f" {occupation[1]} 일을 해 왔다" if occupation else " 정착했다"
        writer.add(f"{plan.surname[1]}씨는 {arrived}년 남한에 입국해{work}.", "background")
    else:
        work = f"，曾从事{occupation[2]}工作" if occupation else ""
        writer.add(f"此人于{arrived}年抵达韩国{work}。", "background")


def _title(plan: CasePlan, lang: str, age: int, named: bool, rng: random.Random) -> str:
    if lang == "ko":
        who = plan.ko_name if named else f"{age}세 탈북민"
        return rng.choice((f"탈북민 {who} 재입북", f"{who} 월북 확인", f"{who}, 북한으로 돌아가")) + (
            "" if plan.status == "returned" else " 시도"
        )
    if lang == "zh":
        return rng.choice((f"一名{plan.surname[2]}姓脱北者返回朝鲜", "韩国一脱北者重返朝鲜", f"{age}岁脱北者回到朝鲜"))
    who = plan.en_name if named else f"defector, {age},"
    if plan.status == "attempted":
        return f"Defector caught trying to cross back to North Korea ({plan.surname[0]}, {age})"
    if plan.status == "intended":
        return f"Defector {who} says {'he' if plan.gender == 'male' else 'she'} wants to return to the North"
    via = f" after {plan.route[0].split(' and ')[0]}" if plan.route and rng.random() < 0.5 else ""
    return rng.choice((f"North Korean defector {who} returns to the North", f"Defector {who} goes back north")) + via


def claim_sentence(
    writer: Writer, lang: str, subject: Subject, value: int, year: int, rng: random.Random, key: str
) -> Claim:
    """A sentence stating a figure, attributed to one of the claim sources, and its ``Claim``."""
    source = rng.choice(CLAIM_SOURCES)
    qualifier = rng.choice(QUALIFIERS)
    month = rng.randint(1, 12)
    period: str | None = None
    as_of: str | None = None
    if lang == "en":
        q = {"exact": "", "at least": "at least ", "about": "about ", "more than": "more than "}[qualifier]
        if subject == "returned_north":
            period = "since 2012"
            sentence = f"According to the {source[0]}, {q}{value} defectors have returned to the North since 2012."
        elif subject == "whereabouts_unknown":
            as_of = f"{date(year, month, 1):%B} {year}"
            sentence = (
                f"The {source[0]} said the whereabouts of {q}{value:,} resettled defectors were unknown as of {as_of}."
            )
        else:
            period = str(year)
            sentence = f"In {year}, {q}{value:,} defectors arrived in the South, according to the {source[0]}."
    elif lang == "ko":
        qv = {
            "exact": f"{value}명",
            "at least": f"최소 {value}명",
            "about": f"약 {value}명",
            "more than": f"{value}여 명",
        }[qualifier]
        if subject == "returned_north":
            period = "2012년 이후"
            sentence = f"{source[1]}에 따르면 2012년 이후 북한으로 돌아간 탈북민은 {qv}이다."
        elif subject == "whereabouts_unknown":
            as_of = f"{year}년 {month}월"
            sentence = f"{josa(source[1], '은', '는')} {as_of} 기준 소재가 파악되지 않은 탈북민이 {qv}이라고 밝혔다."
        else:
            period = f"{year}년"
            sentence = f"{source[1]}에 따르면 {year}년 입국한 탈북민은 {qv}이다."
    else:
        qv = {
            "exact": f"共{value}名",
            "at least": f"至少{value}名",
            "about": f"约{value}名",
            "more than": f"{value}多名",
        }[qualifier]
        if subject == "returned_north":
            period = "2012年以来"
            sentence = f"据{source[2]}统计，2012年以来返回朝鲜的脱北者{qv}。"
        elif subject == "whereabouts_unknown":
            as_of = f"{year}年{month}月"
            sentence = f"{source[2]}表示，截至{as_of}，下落不明的脱北者{qv}。"
        else:
            period = f"{year}年"
            sentence = f"据{source[2]}统计，{year}年抵达韩国的脱北者{qv}。"
    writer.add(sentence, key)
    return Claim(subject, value, qualifier, period, as_of, source[0], Span(*writer.spans[key]))


def quote_sentence(writer: Writer, lang: str, rng: random.Random, key: str) -> Quote:
    """A quoted sentence, by a named (invented) person or an unnamed official, and its ``Quote``."""
    text = rng.choice(QUOTES[lang])
    if lang != "zh" and rng.random() < 0.6:
        name, ko_name, role, ko_role, org, ko_org = rng.choice(SPEAKERS)
        if lang == "en":
            writer.add(f'"{text}," said {name}, {role} at {org}.', key, inner=text)
            return Quote(name, role, org, Span(*writer.spans[key]))
        writer.add(f'{ko_org}의 {ko_name} {josa(ko_role, "은", "는")} "{text}"라고 말했다.', key, inner=text)
        return Quote(ko_name, role, org, Span(*writer.spans[key]))
    source = rng.choice(CLAIM_SOURCES[:2])
    sentence = {
        "en": f'"{text}," an official at the {source[0]} said.',
        "ko": f'{source[1]} 관계자는 "{text}"라고 말했다.',
        "zh": f"{source[2]}一名官员表示：“{text}”",
    }[lang]
    writer.add(sentence, key, inner=text)
    return Quote(None, "official", source[0], Span(*writer.spans[key]))


def analysis(lang: str, year: int, truth: int, rng: random.Random) -> Written:
    """A piece on how many defectors went back, where sources give different figures for the same year."""
    writer = Writer()
    writer.paragraph()
    writer.add(
        {
            "en": f"How many resettled defectors have gone back to North Korea? As of {year}, the answer "
            "depends on who you ask.",
            "ko": f"{year}년 현재 재입북한 탈북민이 몇 명인지는 어느 기관에 묻느냐에 따라 다르다.",
            "zh": f"截至{year}年，究竟有多少脱北者返回朝鲜，各方说法不一。",
        }[lang]
    )
    claims = []
    for n in range(rng.randint(2, 3)):
        writer.paragraph()
        value = max(1, truth + rng.randint(-3, 3))
        claims.append(claim_sentence(writer, lang, "returned_north", value, year, rng, f"claim{n}"))
    if rng.random() < 0.5:
        writer.paragraph()
        subject: Subject = rng.choice(("whereabouts_unknown", "arrivals"))
        value = rng.randint(700, 950) if subject == "whereabouts_unknown" else rng.randint(180, 2900)
        claims.append(claim_sentence(writer, lang, subject, value, year - 1, rng, "claim9"))
    quotes = []
    if rng.random() < 0.7:
        writer.paragraph()
        quotes.append(quote_sentence(writer, lang, rng, "quote0"))
    for sentence in filler(rng, lang, rng.randint(2, 5)):
        writer.paragraph()
        writer.add(sentence)
    title = rng.choice(TITLES_ANALYSIS[lang]).format(year=year)
    return Written(lang, title, writer.body(), (), tuple(claims), tuple(quotes), CUES[lang])


def off_topic(lang: str, year: int, rng: random.Random) -> Written:
    """A story about defectors (or not) that is not about a return: stored, marked not relevant, no facts."""
    title, lead = rng.choice(OFF_TOPIC[lang])
    values = {"n": rng.randint(3, 2900), "year": year, "city": rng.choice(CITIES)}
    writer = Writer()
    writer.paragraph()
    writer.add(lead.format(**values))
    for sentence in filler(rng, lang, rng.randint(2, 6)):
        writer.paragraph()
        writer.add(sentence)
    return Written(lang, title.format(**values), writer.body(), relevant=False)


def publication_dates(plan: CasePlan, reports: int, rng: random.Random, last: date) -> list[date]:
    """When each report of ``plan`` came out: most within weeks, a few follow-ups up to two years later."""
    out = []
    for _ in range(reports):
        days = rng.randint(1, 40) if rng.random() < 0.8 else rng.randint(60, 720)
        out.append(min(plan.returned + timedelta(days=days), last))
    return sorted(out)
