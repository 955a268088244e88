"""Synthetic news-like documents for the web benchmark: the words, names and sentences they are made of.

Used by ``make_web_db.py``. Every sentence here was written for this benchmark;
the people are invented (a few romanised surnames and given names combined at
random), the institutions are real names used only as attributions. A report
is built paragraph by paragraph so that each fact's evidence is a known
stretch of the text: ``Writer`` records where every sentence lands.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from redefection.records import Gender

# (Latin spelling, Hangul, Chinese character)
SURNAMES = (
    ("Kim", "김", "金"),
    ("Lee", "이", "李"),
    ("Park", "박", "朴"),
    ("Choi", "최", "崔"),
    ("Jung", "정", "郑"),
    ("Kang", "강", "姜"),
    ("Cho", "조", "赵"),
    ("Yoon", "윤", "尹"),
    ("Jang", "장", "张"),
    ("Han", "한", "韩"),
    ("Oh", "오", "吴"),
    ("Seo", "서", "徐"),
    ("Kwon", "권", "权"),
    ("Hwang", "황", "黄"),
    ("Song", "송", "宋"),
    ("Hong", "홍", "洪"),
)
# (Hangul given name, gender)
GIVEN: tuple[tuple[str, Gender], ...] = (
    ("영철", "male"), ("정호", "male"), ("명수", "male"), ("광철", "male"), ("성민", "male"), ("철수", "male"),
    ("동혁", "male"), ("영호", "male"), ("태성", "male"), ("현우", "male"), ("민철", "male"), ("복남", "male"),
    ("혜영", "female"), ("순희", "female"), ("은정", "female"), ("미영", "female"), ("지혜", "female"),
    ("금순", "female"), ("수진", "female"), ("춘희", "female"), ("경애", "female"), ("옥순", "female"),
    ("은주", "female"), ("세진", "female"),
)  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")  # fmt: skip
# (English: stored as the route whatever the language, Korean, Chinese)
ROUTES = (
    (
        "swam across the Han River estuary from Ganghwa Island",
        "강화도에서 한강 하구를 헤엄쳐 건너",
        "从江华岛游过汉江入海口",
    ),
    ("travelled through China and crossed the Yalu River", "중국을 거쳐 압록강을 건너", "经由中国渡过鸭绿江"),
    ("climbed over the fence on the eastern front", "동부전선 철책을 넘어", "翻越东部前线的铁丝网"),
    ("crawled through a drainage culvert near the border", "접경지역 배수로를 통과해", "穿过边境附近的排水沟"),
    ("took a small boat from Yeonpyeong Island", "연평도에서 소형 보트를 타고", "从延坪岛乘小船"),
    (
        "drove a stolen bus onto the Unification Bridge in Paju",
        "파주 통일대교로 훔친 버스를 몰고",
        "驾驶偷来的巴士驶上坡州统一大桥",
    ),
    ("flew to Shenyang and entered the North from there", "중국 선양으로 출국한 뒤", "飞往沈阳后"),
    ("flew to Vladivostok and crossed from Russia", "블라디보스토크로 간 뒤 러시아를 통해", "飞往海参崴后经俄罗斯"),
    ("crossed the Tumen River near Hoeryong", "회령 인근 두만강을 건너", "在会宁附近渡过图们江"),
    ("went to Dandong and crossed the border at night", "단둥으로 간 뒤 야간에 국경을 넘어", "前往丹东后趁夜越境"),
    ("left for Moscow on a tourist visa", "관광 비자로 모스크바에 간 뒤", "持旅游签证前往莫斯科后"),
)
OCCUPATIONS = (
    ("former soldier", "전직 군인", "前军人"),
    ("factory worker", "공장 노동자", "工厂工人"),
    ("cleaner", "청소 노동자", "清洁工"),
    ("former gymnast", "전직 체조 선수", "前体操运动员"),
    ("fisherman", "어부", "渔民"),
    ("nurse", "간호사", "护士"),
    ("delivery driver", "배달 기사", "快递司机"),
    ("restaurant worker", "식당 종업원", "餐馆服务员"),
    ("university student", "대학생", "大学生"),
)
# Who a report attributes the return to: (English, Korean, Chinese).
ATTRIBUTIONS = (
    ("the Ministry of Unification", "통일부", "韩国统一部"),
    ("the National Intelligence Service", "국가정보원", "韩国国家情报院"),
    ("the Joint Chiefs of Staff", "합동참모본부", "韩国联合参谋本部"),
    ("police", "경찰", "韩国警方"),
    ("North Korea's Korean Central News Agency", "북한 조선중앙통신", "朝中社"),
)
# Claim sources: (stored English name, Korean, Chinese).
CLAIM_SOURCES = (
    ("Ministry of Unification", "통일부", "韩国统一部"),
    ("National Intelligence Service", "국가정보원", "韩国国家情报院"),
    ("Korea Hana Foundation", "남북하나재단", "南北Hana财团"),
    ("Korea Institute for National Unification", "통일연구원", "韩国统一研究院"),
    ("Database Center for North Korean Human Rights", "북한인권정보센터", "北韩人权情报中心"),
)
# Quoted people and their organizations, all invented: (English name, Hangul name, role, Korean role,
# organization, Korean organization).
SPEAKERS = (
    ("Choi Min-seo", "최민서", "researcher", "연구위원", "Institute for Peninsula Studies", "한반도연구소"),
    ("Lee Jae-won", "이재원", "professor", "교수", "Hanbit University", "한빛대학교"),
    ("Han Seo-yeon", "한서연", "activist", "활동가", "Defector Support Network", "탈북민지원네트워크"),
    ("Baek Ji-hoon", "백지훈", "director", "소장", "Korea Unification Forum", "통일포럼"),
    ("Moon Hye-rin", "문혜린", "counsellor", "상담사", "Seoul Resettlement Centre", "서울정착지원센터"),
)
QUOTES = {
    "en": (
        "We are checking the exact circumstances of the case",
        "Many defectors still feel like strangers here after years in the South",
        "Pressure on families in the North is a reason we hear about again and again",
        "The support system has to follow people for longer than the first five years",
        "Each return is a personal tragedy and a warning for our resettlement policy",
        "We do not know yet whether the person left of their own will",
    ),
    "ko": (
        "정확한 경위를 확인하고 있다",
        "남한에서 수년을 살아도 여전히 이방인처럼 느끼는 탈북민이 많다",
        "북에 남은 가족을 통한 회유가 반복해서 나타나고 있다",
        "정착 지원은 첫 5년보다 더 길게 이어져야 한다",
        "재입북은 개인의 비극이자 정착 정책에 대한 경고다",
    ),
    "zh": (
        "我们正在核实事件的具体经过",
        "许多脱北者在韩国生活多年后仍感到格格不入",
        "通过留在朝鲜的家人施压的情况屡见不鲜",
        "安置支援应当持续更长时间",
    ),
}
REASONS = {
    "criminal_charges": (
        "{he_cap} was under police investigation for fraud at the time.",
        "{name}씨는 당시 사기 혐의로 경찰 수사를 받고 있었다.",
        "据悉，此人当时正因诈骗嫌疑接受警方调查。",
    ),
    "coercion": (
        "Relatives in the North had been pressed by the authorities to persuade {him} to come back.",
        "북한 당국이 북에 있는 가족을 통해 귀환을 회유한 것으로 알려졌다.",
        "据报道，朝鲜当局曾通过其在朝家属劝说其回国。",
    ),
    "maladjustment": (
        "Acquaintances said {he} had struggled to find steady work and felt isolated.",
        "지인들은 {name}씨가 안정적인 일자리를 찾지 못하고 외로움을 호소했다고 전했다.",
        "熟人透露，此人难以找到稳定工作，生活孤立。",
    ),
    "other": (
        "Officials said {he} had sought medical treatment unavailable to {him} in the South.",
        "당국은 {name}씨가 치료를 받기 위해 돌아간 것으로 보고 있다.",
        "当局认为此人是为了接受治疗而返回。",
    ),
    "unknown": (
        "The reason for the return remains unknown, officials said.",
        "재입북 동기는 아직 알려지지 않았다.",
        "其返回朝鲜的原因目前尚不清楚。",
    ),
}
FILLER = {
    "en": (
        "Some 34,000 North Koreans have settled in the South since the 1990s.",
        "Resettlement officials say the first years after arrival are the hardest.",
        "Defector groups have called for more counselling and job training.",
        "The border area has been under heavy surveillance since the incident.",
        "Lawmakers asked the government to review how it tracks resettled defectors.",
        "Most defectors travel through China and Southeast Asia before reaching Seoul.",
        "The case was discussed at a parliamentary committee meeting in the winter.",
        "Analysts warned against drawing conclusions from a handful of cases.",
        "Local support centres run language classes, housing help and market-skills courses.",
        "A harvest festival in the border town went ahead despite the news.",
        "Military officials said they would review guard posts along the river.",
        "Human rights groups said families in the North often face punishment.",
    ),
    "ko": (
        "1990년대 이후 남한에 정착한 탈북민은 약 3만4천 명이다.",
        "정착 지원 관계자들은 입국 후 첫 몇 년이 가장 어렵다고 말한다.",
        "탈북민 단체들은 상담과 직업 훈련 확대를 요구해 왔다.",
        "사건 이후 접경지역 경계가 강화됐다.",
        "국회는 정부에 탈북민 관리 실태를 점검하라고 요구했다.",
        "대부분의 탈북민은 중국과 동남아시아를 거쳐 서울에 도착한다.",
        "전문가들은 소수의 사례로 결론을 내리는 것을 경계했다.",
        "지역 하나센터는 언어 교육과 주거 지원, 취업 교육을 운영하고 있다.",
        "군 당국은 강변 초소 운영을 재점검하겠다고 밝혔다.",
        "인권 단체들은 북한에 남은 가족이 처벌을 받을 수 있다고 우려했다.",
    ),
    "zh": (
        "自上世纪90年代以来，约有3.4万名朝鲜人在韩国定居。",
        "安置官员表示，抵达后的头几年最为艰难。",
        "脱北者团体呼吁加强心理咨询和职业培训。",
        "事件发生后，边境地区的警戒明显加强。",
        "韩国国会要求政府检讨对脱北者的管理。",
        "大多数脱北者经由中国和东南亚抵达首尔。",
        "分析人士提醒，不应根据少数案例得出结论。",
        "人权团体担心其在朝家属可能受到惩罚。",
    ),
}
OFF_TOPIC = {
    "en": (
        ("{n} North Korean defectors arrived in the South in {year}",
         "Arrivals of defectors rose to {n} last year, officials said, most of them women."),
        ("Former defector opens a bakery in {city}",
         "A woman who fled the North a decade ago opened a bakery in {city} this month."),
        ("{n} North Korean fishermen sent home after drifting south",
         "{n} fishermen rescued at sea were sent back across the maritime border at their own request."),
        ("{city} hosts a marathon for unification",
         "Runners from across the country joined the race in {city} on Sunday."),
    ),
    "ko": (
        ("{year}년 탈북민 {n}명 입국", "지난해 입국한 탈북민은 {n}명으로 대부분 여성이었다."),
        ("탈북민 출신 제빵사, {city}에 빵집 열어", "10년 전 북한을 떠난 한 여성이 이번 달 {city}에 빵집을 열었다."),
        ("표류 북한 어민 {n}명 송환", "해상에서 구조된 북한 어민 {n}명이 본인 의사에 따라 송환됐다."),
    ),
    "zh": (
        ("{year}年共有{n}名脱北者抵达韩国", "官方表示，去年抵达韩国的脱北者共有{n}人，大多数为女性。"),
        ("{n}名朝鲜渔民漂流南下后被遣返", "在海上获救的{n}名朝鲜渔民按本人意愿被遣返。"),
    ),
}  # fmt: skip
TITLES_ANALYSIS = {
    "en": (
        "How many defectors have gone back? Figures differ by source ({year})",
        "Counting returns to the North: the numbers behind the headlines",
        "Why the tally of defectors who returned North keeps changing",
    ),
    "ko": ("재입북 탈북민 통계, 기관마다 달라", "{year}년 재입북 탈북민 현황 점검", "숫자로 본 재입북"),
    "zh": ("脱北者返回朝鲜人数各方说法不一", "{year}年脱北者回流情况分析"),
}
CITIES = ("Seoul", "Incheon", "Busan", "Gimpo", "Paju", "Daegu", "Suwon", "Cheorwon")
OUTLETS = {
    "en": ("Yonhap News Agency", "The Korea Herald", "The Korea Times", "NK News", "Daily NK", "JoongAng Daily"),
    "ko": ("연합뉴스", "조선일보", "동아일보", "한겨레", "중앙일보", "뉴스1", "데일리NK"),
    "zh": ("联合早报", "中央社", "韩联社中文网", "环球网", "凤凰网"),
}
PORTALS = ("Asia News Hub", "KoreaWire Daily", "World Headlines Now", "Peninsula Portal", "newsflash24")
REPORTERS = {
    "en": ("Kim Da-eun", "Lee Sang-hoon", "Park Ji-won", "Claire Dawson", "Ryan Mercer"),
    "ko": ("김다은", "이상훈", "박지원", "최현석"),
    "zh": ("王静", "李明", "陈晓"),
}
CUES = {"en": ("returned to the North",), "ko": ("재입북",), "zh": ("返回朝鲜",)}
LANGUAGES = ("en", "ko", "zh")


@dataclass
class Writer:
    """Builds a body paragraph by paragraph and remembers where each recorded sentence starts."""

    paragraphs: list[list[str]] = field(default_factory=list)
    spans: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    _length: int = 0

    def paragraph(self) -> None:
        if self.paragraphs:
            self._length += 2  # the blank line between paragraphs in Document.text
        self.paragraphs.append([])

    def add(self, sentence: str, key: str | None = None, *, inner: str | None = None) -> None:
        """Append a sentence; ``key`` records its span (or the span of ``inner`` inside it)."""
        current = self.paragraphs[-1]
        if current:
            self._length += 1  # the space joining sentences
        start = self._length
        if key is not None:
            offset = sentence.index(inner) if inner is not None else 0
            text = inner if inner is not None else sentence
            self.spans[key] = (start + offset, start + offset + len(text), text)
        current.append(sentence)
        self._length += len(sentence)

    def body(self, joiner: str = " ") -> tuple[str, ...]:
        return tuple(joiner.join(sentences) for sentences in self.paragraphs if sentences)


def en_date(value: date, precision: int) -> str:
    """A date as an English report words it: 3 = "on July 18, 2020", 2 = "in July 2020", 1 = "in 2020"."""
    if precision == 3:
        return f"on {MONTHS_EN[value.month - 1]} {value.day}, {value.year}"
    if precision == 2:
        return f"in {MONTHS_EN[value.month - 1]} {value.year}"
    return f"in {value.year}"


def cjk_date(value: date, precision: int, lang: str) -> str:
    year, month, day = ("년 ", "월 ", "일") if lang == "ko" else ("年", "月", "日")
    text = f"{value.year}{year}"
    if precision >= 2:
        text += f"{value.month}{month}"
    if precision == 3:
        text += f"{value.day}{day}"
    return text.strip()


def iso(value: date, precision: int) -> str:
    return value.isoformat()[: {1: 4, 2: 7, 3: 10}[precision]]


def filler(rng: random.Random, lang: str, count: int) -> list[str]:
    return rng.sample(FILLER[lang], min(count, len(FILLER[lang])))


def josa(word: str, with_final: str, without_final: str) -> str:
    """``word`` with the Korean particle that fits its last syllable (이/가, 은/는, 을/를)."""
    last = word[-1] if word else ""
    has_final = "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0
    return word + (with_final if has_final else without_final)
