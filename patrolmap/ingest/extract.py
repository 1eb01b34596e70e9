"""A release or article -> the fields of a record, each with the sentence it came from.

Only sentences about the event reported count: a sentence is background when it speaks of other
events (words such as "last year", "earlier", a year other than the publication's, or dates weeks
before publication), so "the July 2019 patrol" or "drills with Iran last year" never become the
event's dates, assets or areas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser

from patrolmap.ingest.text import (
    Sentence,
    contains_any,
    detect_language,
    find_phrase,
    lemma,
    normalise,
    split_sentences,
)
from patrolmap.ingest.vocab import AREA_KINDS, STRAIT_KINDS, Vocabulary, build_vocabulary

EN_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
RU_MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6,
    "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}  # fmt: skip
EN_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
RU_MONTH = (
    r"(?:январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?"
    r"|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья])"
)
ORD = r"(?:st|nd|rd|th)?"
RANGE = r"\s*(?:-|to|and|until|through|till)\s*"
DATE_PATTERNS = {
    "en": [
        re.compile(
            rf"\b(?P<m1>{EN_MONTH})\.?\s+(?P<d1>\d{{1,2}}){ORD}(?:{RANGE}(?:(?P<m2>{EN_MONTH})\.?\s+)?(?P<d2>\d{{1,2}}){ORD})?(?:,?\s+(?P<y>(?:19|20)\d\d))?\b"
        ),
        re.compile(
            rf"\b(?P<d1>\d{{1,2}}){ORD}(?:{RANGE}(?P<d2>\d{{1,2}}){ORD})?\s+(?:of\s+)?(?P<m1>{EN_MONTH})\b(?:,?\s+(?P<y>(?:19|20)\d\d))?"
        ),
    ],
    "ru": [
        re.compile(
            rf"(?:\bс\s+)(?P<d1>\d{{1,2}})\s+(?P<m1>{RU_MONTH})\s+по\s+(?P<d2>\d{{1,2}})\s+(?P<m2>{RU_MONTH})(?:\s+(?P<y>(?:19|20)\d\d))?"
        ),
        re.compile(
            rf"\b(?P<d1>\d{{1,2}})(?:\s*(?:-|по|и)\s*(?P<d2>\d{{1,2}}))?\s+(?P<m1>{RU_MONTH})(?:\s+(?P<y>(?:19|20)\d\d))?"
        ),
    ],
    "cjk": [
        re.compile(
            r"(?:(?P<y>(?:19|20)\d\d)年)?(?:(?P<m1>\d{1,2})月)?(?P<d1>\d{1,2})(?:日|号|號)?\s*(?:至|到|~|～|-|から)\s*(?:(?P<m2>\d{1,2})月)?(?P<d2>\d{1,2})(?:日|号|號)(?!本)"
        ),
        re.compile(r"(?:(?P<y>(?:19|20)\d\d)年)?(?:(?P<m1>\d{1,2})月)?(?P<d1>\d{1,2})(?:日|号|號)(?!本)"),
    ],
    "ko": [
        re.compile(
            r"(?:(?P<y>(?:19|20)\d\d)년\s*)?(?:(?P<m1>\d{1,2})월\s*)?(?P<d1>\d{1,2})일\s*(?:~|-|부터)\s*(?:(?P<m2>\d{1,2})월\s*)?(?P<d2>\d{1,2})일"
        ),
        re.compile(r"(?:(?P<y>(?:19|20)\d\d)년\s*)?(?:(?P<m1>\d{1,2})월\s*)?(?P<d1>\d{1,2})일(?!간)"),
    ],
}
# A month without a day ("In November, ..."): too vague to date the event, enough to say a sentence
# speaks of another one.
MONTH_ONLY = {
    "en": re.compile(rf"\b(?:in|since|last)\s+(?P<m1>{EN_MONTH})\b(?!\s+\d)(?:,?\s+(?P<y>(?:19|20)\d\d))?"),
    "ru": re.compile(r"\bв\s+(?P<m1>(?:январ|феврал|март|апрел|ма|июн|июл|август|сентябр|октябр|ноябр|декабр)е)"),
    "cjk": re.compile(r"(?:(?P<y>(?:19|20)\d\d)年)?(?P<m1>\d{1,2})月(?!\d)"),
    "ko": re.compile(r"(?:(?P<y>(?:19|20)\d\d)년\s*)?(?P<m1>\d{1,2})월(?!\s*\d)"),
}
# Days and relative words handed to dateparser with the publication date as its base.
RELATIVE_PATTERNS = {
    "en": re.compile(
        r"\b(?:on\s+|last\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today)\b"
    ),
    "ru": re.compile(
        r"(?:\bв\s+|\bво\s+)(?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)|\bвчера\b|\bсегодня\b"
    ),
    "zh": re.compile(r"(?:星期|周|週|礼拜)[一二三四五六日天]|昨天|昨日|今天"),
    "ja": re.compile(r"[月火水木金土日]曜日?|昨日|本日"),
    "ko": re.compile(r"[월화수목금토일]요일|어제|오늘"),
}
WEEKDAYS = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "ru": ["понедельник", "вторник", "сред", "четверг", "пятниц", "суббот", "воскресен"],
    "zh": ["一", "二", "三", "四", "五", "六", "日"],
    "ja": ["月", "火", "水", "木", "金", "土", "日"],
    "ko": ["월", "화", "수", "목", "금", "토", "일"],
}
DATELINE_END = re.compile(r"\s*(?:[-_|:/]|$)")
WEEKDAY_REFERENCE = date(2024, 1, 3)  # a Wednesday: every other weekday parses to the days before it
RELATIVE_SETTINGS = {"RELATIVE_BASE": datetime(2024, 1, 3), "PREFER_DATES_FROM": "past"}
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
DIGITS = re.compile(r"\d+")
ZH_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
NUMBERING_PATTERNS = {
    "zh": re.compile(r"第\s*([0-9一二三四五六七八九十]+)\s*次"),
    "ja": re.compile(r"第\s*(\d+)\s*回|(\d+)\s*回目"),
    "ko": re.compile(r"제\s*(\d+)\s*차|(\d+)\s*번째"),
}
# Words for joint or patrol that follow a CJK counter in a numbered patrol ("第七次联合空中战略巡航").
CJK_JOINT_WORDS = ("联合", "聯合", "巡航", "共同", "合同", "연합", "순찰", "中俄", "中露", "中ロ", "중러", "중·러")
ROLE_SHIP = ("ship", "submarine")
RESPONSE_KINDS = ("scramble", "intercept", "warning_shots", "protest", "tracking")
FALLBACK_RESPONDER = {"ja": "JPN", "ko": "KOR"}  # a Japanese or Korean report speaks for its own forces


@dataclass
class Span:
    """Where a value was read: the field, the value, the character offsets in the text, the sentence."""

    field: str
    value: object
    start: int
    end: int
    sentence: int


@dataclass
class Extraction:
    language: str
    kind: str | None = None
    kind_found: str | None = None  # the activity's kind even when it is not joint (for the reason)
    date_start: date | None = None
    date_end: date | None = None
    participants: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    straits: list[str] = field(default_factory=list)
    assets: list[dict] = field(default_factory=list)
    incidents: list[dict] = field(default_factory=list)
    number: int | None = None
    numbering_by: str | None = None
    source: dict = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    reason: str | None = None
    sentences: list[Sentence] = field(default_factory=list)

    def found(self, name: str, value: object, sentence: Sentence, start: int, end: int) -> None:
        self.spans.append(Span(name, value, sentence.start + start, sentence.start + end, sentence.index))


@dataclass(frozen=True)
class SourceHints:
    """What the caller knows of where a text comes from; the text itself fills in what is missing
    (the producer from the URL's host, the title from a headline line)."""

    url: str | None = None
    title: str | None = None
    producer: str | None = None


_VOCABULARIES: dict[tuple[int, str], Vocabulary] = {}


def vocabulary_for(dataset, language: str) -> Vocabulary:
    key = (id(dataset), language)
    if key not in _VOCABULARIES:
        _VOCABULARIES[key] = build_vocabulary(dataset, language)
    return _VOCABULARIES[key]


def extract(
    text: str, dataset, published: date | None = None, hints: SourceHints | None = None, language: str | None = None
) -> Extraction:
    """The record fields one text states; kind is None (with a reason) when it is not a joint activity."""
    hints = hints or SourceHints()
    language = language or detect_language(text)
    vocab = vocabulary_for(dataset, language)
    base = published or date.today()
    result = Extraction(language)
    sentences = split_sentences(text, language)
    result.sentences = sentences
    dates = {s.index: find_dates(s, language, base, published) for s in sentences}
    for sentence in sentences:
        mark_background(sentence, vocab, base, dates[sentence.index])
    foreground = [s for s in sentences if not s.background]

    kind, kind_sentence = find_kind(foreground, vocab, result)
    find_assets(foreground, vocab, result)
    kind = resolve_patrol(kind, kind_sentence, foreground, vocab, result)
    participants = find_participants(foreground, vocab, result)
    result.kind_found = kind
    joint = kind is not None and len(participants) >= 2
    if joint:
        result.kind = kind
    else:
        result.reason = not_joint_reason(kind, foreground, participants, vocab)
    result.participants = participants
    find_event_dates(foreground, kind_sentence, dates, result)
    find_places(foreground, vocab, result)
    find_incidents(foreground, vocab, result, participants)
    find_numbering(foreground, vocab, result)
    for span in result.spans:
        result.evidence.setdefault(span.field, sentences[span.sentence].text)
    result.source = {
        "producer": hints.producer or producer_from_url(hints.url),
        "title": hints.title or headline(text),
        "language": language,
        "date_published": published.isoformat() if published else None,
        "url": hints.url,
    }
    return result


# ---- dates


def find_dates(sentence: Sentence, language: str, base: date, published: date | None) -> list[tuple]:
    """(start, end|None, span_start, span_end, relative) for every date the sentence states, in
    order; relative is False for a stated day, True for a weekday or "yesterday", None for a month
    without a day. Each stretch of text gives one date: the first pattern to read it wins."""
    taken: list[tuple[int, int]] = []
    key = "cjk" if language in ("zh", "ja") else language
    found = []
    for pattern in DATE_PATTERNS.get(key, []):
        found += _stated_dates(pattern, sentence.norm, language, base, published, taken)
    found += _single_days(MONTH_ONLY.get(key), sentence.norm, taken, lambda m: _month_only(m, language, base), None)
    relative = RELATIVE_PATTERNS.get(language)
    found += _single_days(relative, sentence.norm, taken, lambda m: _relative_date(m.group(), language, base), True)
    return sorted(found, key=lambda f: f[2])


def _unclaimed(pattern: re.Pattern | None, norm: str, taken: list[tuple[int, int]]):
    """The matches of pattern that overlap no stretch already read (taken grows as they are used)."""
    if pattern is None:
        return
    for m in pattern.finditer(norm):
        if not any(m.start() < e and s < m.end() for s, e in taken):
            yield m


def _stated_dates(pattern, norm: str, language: str, base: date, published: date | None, taken: list) -> list[tuple]:
    found = []
    for m in _unclaimed(pattern, norm, taken):
        start, end = _date_from_match(m, language, base)
        if start is None:
            continue
        if _is_dateline(m, start, published, norm):
            taken.append((0, m.end()))
            continue
        taken.append(m.span())
        found.append((start, end, m.start(), m.end(), False))
    return found


def _is_dateline(m: re.Match, start: date, published: date | None, norm: str) -> bool:
    """A dateline ("Wednesday, 23 December 2020") at the very top is the publication date."""
    return bool(
        published and m.group("y") and m.start() <= 12 and start == published and DATELINE_END.match(norm, m.end())
    )


def _single_days(pattern, norm: str, taken: list, day_of, relative: bool | None) -> list[tuple]:
    found = []
    for m in _unclaimed(pattern, norm, taken):
        day = day_of(m)
        if day:
            taken.append(m.span())
            found.append((day, None, m.start(), m.end(), relative))
    return found


def _month_only(m: re.Match, language: str, base: date) -> date | None:
    """The first of the month a month-only phrase names ("in November"), in the year it gives or
    the latest such month not after the publication."""
    month = _month(m.group("m1"), language)
    year = m.groupdict().get("y")
    return _resolve_day(int(year) if year else None, month, 1, base) if month else None


def _month(name: str | None, language: str) -> int | None:
    if not name:
        return None
    if name.isdigit():
        return int(name)
    table = RU_MONTHS if language == "ru" else EN_MONTHS
    for stem, number in sorted(table.items(), key=lambda kv: -len(kv[0])):
        if name.startswith(stem):
            return number
    return None


def _date_from_match(m: re.Match, language: str, base: date) -> tuple[date | None, date | None]:
    groups = m.groupdict()
    month1 = _month(groups.get("m1"), language)
    month2 = _month(groups.get("m2"), language) or month1
    year = int(groups["y"]) if groups.get("y") else None
    if groups.get("d2") and year is None:
        # A range is dated by its end, which is the nearer the publication: "17 to 23 October" in a
        # text of 24 October, "20 September to 10 October" in one of 10 October.
        end = _resolve_day(None, month2, int(groups["d2"]), base, ahead=31)
        if end is None:
            return None, None
        try:
            start = date(end.year, month1 or end.month, int(groups["d1"]))
        except ValueError:
            return None, None
        if start > end:
            start = date(start.year - 1, start.month, start.day) if month1 and month1 > end.month else start
            if start > end and not month1:
                previous = end.replace(day=1) - timedelta(days=1)
                start = _resolve_day(previous.year, previous.month, int(groups["d1"]), base)
        return start, end
    start = _resolve_day(year, month1, int(groups["d1"]), base)
    end = _resolve_day(year, month2, int(groups["d2"]), base) if groups.get("d2") else None
    return start, end


def _resolve_day(year: int | None, month: int | None, day: int, base: date, ahead: int = 2) -> date | None:
    """A day with missing month or year: the latest such day not after the publication date (+2 days;
    a range's end may lie up to a month ahead: a drill announced as it starts)."""
    try:
        if year and month:
            return date(year, month, day)
        if month:
            candidate = date(base.year, month, day)
            return candidate if candidate <= base + timedelta(days=ahead) else date(base.year - 1, month, day)
        candidate = date(base.year, base.month, day)
        if candidate > base + timedelta(days=ahead):
            previous = base.replace(day=1) - timedelta(days=1)
            candidate = date(previous.year, previous.month, day)
        return candidate
    except ValueError:
        return None


def _relative_date(words: str, language: str, base: date) -> date | None:
    """A weekday or relative day read by dateparser, counted back from the publication date."""
    named_weekday = None
    for number, stem in enumerate(WEEKDAYS[language]):
        if (stem in words) if language in ("en", "ru") else _cjk_weekday(words, stem, language):
            named_weekday = number
    if named_weekday is not None and named_weekday == base.weekday():
        return base  # "said on Wednesday" in a text of Wednesday is that day, not a week before
    # dateparser.parse builds a parser each call (seconds under load): one parser per language, reading
    # against one reference day; the result is moved to the publication date.
    parsed = date_parser(language).get_date_data(words).date_obj
    if parsed is None:
        return None
    if named_weekday is not None:
        return base - timedelta(days=(base.weekday() - parsed.weekday()) % 7 or 7)
    return base + (parsed.date() - WEEKDAY_REFERENCE)


@lru_cache(maxsize=8)
def date_parser(language: str) -> DateDataParser:
    return DateDataParser(languages=[language], settings=RELATIVE_SETTINGS)


def _cjk_weekday(words: str, stem: str, language: str) -> bool:
    if language == "zh":
        return words[-1:] == stem or (stem == "日" and words[-1:] == "天")
    if language == "ja":
        return words.startswith(stem) and "曜" in words
    return words.startswith(stem) and "요일" in words


# ---- background


def mark_background(sentence: Sentence, vocab: Vocabulary, base: date, dates: list[tuple]) -> None:
    marker = contains_any(sentence, vocab.words("background_words"))
    # "Earlier, on 9 December, ..." is background; "the seventh patrol since 2019, on Thursday" is not.
    if marker and not any(abs((d[0] - base).days) <= 3 for d in dates):
        sentence.background, sentence.reason = True, f"speaks of other events ({marker!r})"
        return
    recent = [d for d in dates if abs((d[0] - base).days) <= int(vocab.lexicon.get("background_days", 45))]
    if recent:
        return
    if dates:
        sentence.background, sentence.reason = True, "its dates lie weeks before publication"
        return
    years = {int(y) for y in YEAR.findall(sentence.norm)}
    if years and base.year not in years:
        sentence.background, sentence.reason = True, f"names another year ({min(years)})"


# ---- kind and participants


def find_kind(foreground: list[Sentence], vocab: Vocabulary, result: Extraction) -> tuple[str | None, Sentence | None]:
    """The kind named first; a bare "joint patrol" (a headline's) takes the kind a later sentence names."""
    first = None
    for sentence in foreground:
        for kind, phrases in vocab.kinds:
            for phrase in phrases:
                spans = find_phrase(phrase, sentence)
                if not spans:
                    continue
                if kind != "patrol":
                    if first is not None and first[0] == "patrol" and kind == "exercise":
                        break  # "exercise" is too loose a word to say what a named patrol was
                    result.found("kind", kind, sentence, *spans[0])
                    return kind, sentence
                if first is None:
                    first = (kind, sentence, spans[0])
                break
    if first:
        result.found("kind", first[0], first[1], *first[2])
        return first[0], first[1]
    return None, None


def resolve_patrol(kind, sentence, foreground, vocab: Vocabulary, result: Extraction) -> str | None:
    """A patrol named without 'air' or 'naval' is an air patrol when aircraft fly it, a naval one otherwise."""
    if kind != "patrol":
        return kind
    roles = [vocab.type_role.get(a["type"]) for a in result.assets]
    if roles:
        resolved = "naval_patrol" if all(r in ROLE_SHIP for r in roles) else "air_patrol"
    elif contains_any(sentence, vocab.words("air_words")) or any(
        contains_any(s, vocab.words("air_words")) for s in foreground
    ):
        resolved = "air_patrol"
    else:
        resolved = "naval_patrol"
    for span in result.spans:
        if span.field == "kind":
            span.value = resolved
    return resolved


def countries_in(sentence: Sentence, vocab: Vocabulary) -> list[tuple[str, int]]:
    """(country, offset) for each country the sentence names, in order of first mention."""
    found = {}
    for country, words in vocab.countries().items():
        for word in words:
            norm = normalise(word)
            if re.search(r"^[a-z0-9 .'-]+$", norm):
                m = re.search(rf"(?<![a-z0-9]){re.escape(norm)}(?![a-z])", sentence.norm)
                at = m.start() if m else -1
            else:
                at = sentence.norm.find(norm)
            if at >= 0 and (country not in found or at < found[country]):
                found[country] = at
    return sorted(found.items(), key=lambda kv: kv[1])


def find_participants(foreground: list[Sentence], vocab: Vocabulary, result: Extraction) -> list[str]:
    candidates = set(vocab.lexicon.get("participant_countries") or [])
    kind_words = [p for _, phrases in vocab.kinds for p in phrases]
    asset_sentences = {s.sentence for s in result.spans if s.field == "assets"}
    found: list[str] = [a["country"] for a in result.assets]
    kind_named = any(span.field == "kind" for span in result.spans)
    for sentence in foreground:
        # With no activity named, every country the report is about counts (for the reason given).
        if (
            kind_named
            and sentence.index not in asset_sentences
            and not any(find_phrase(p, sentence) for p in kind_words)
        ):
            continue
        for country, at in countries_in(sentence, vocab):
            if country in candidates:
                found.append(country)
                result.found("participants", country, sentence, at, at + 1)
    ordered = []
    for country in found:
        if country not in ordered:
            ordered.append(country)
    return ordered


def not_joint_reason(kind, foreground: list[Sentence], participants, vocab: Vocabulary) -> str:
    named = ", ".join(participants) or "no participant country"
    if kind is None:
        return f"no joint patrol or exercise is described (taking part: {named})"
    services = [s for s in foreground if contains_any(s, vocab.words("services_words"))]
    if len(participants) == 1 and services:
        return (
            f"'joint' here joins several services of one country ({named}); no second country takes part, "
            "so it is not a joint activity"
        )
    return f"only {named} takes part: a national {kind.replace('_', ' ')}, not a joint one"


def find_event_dates(foreground, kind_sentence, dates, result: Extraction) -> None:
    """The first stated date, in the kind's sentence first; a written date before a weekday or "today",
    which is often when the statement was made ("the ministry said on Saturday") rather than the activity."""
    ordered = ([kind_sentence] if kind_sentence else []) + [s for s in foreground if s is not kind_sentence]
    for sentence in ordered:
        for start, end, a, b, is_relative in dates[sentence.index]:
            if is_relative is False:
                _set_dates(result, sentence, start, end, a, b)
                return
    # Only weekdays and "today": each dates a statement, made on or after the activity, so the earliest.
    relative = [(d[0], s.index, d) for s in ordered for d in dates[s.index] if d[4] is True]
    if relative:
        _, index, (start, end, a, b, _) = min(relative, key=lambda r: (r[0], r[1]))
        _set_dates(result, next(s for s in ordered if s.index == index), start, end, a, b)


def _set_dates(result: Extraction, sentence: Sentence, start: date, end: date | None, a: int, b: int) -> None:
    result.date_start = start
    result.date_end = end or start
    result.found("date_start", start.isoformat(), sentence, a, b)
    result.found("date_end", result.date_end.isoformat(), sentence, a, b)


# ---- assets


def find_assets(foreground: list[Sentence], vocab: Vocabulary, result: Extraction) -> None:
    candidates = set(vocab.lexicon.get("participant_countries") or [])
    seen: dict[tuple[str, str, str], dict] = {}
    for sentence in foreground:
        taken: list[tuple[int, int]] = []
        hits = []
        for entry in vocab.types:
            for start, end in find_phrase(entry.phrase, sentence):
                if any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                hits.append((start, end, entry))
        hits.sort()
        previous_end = 0
        for start, end, entry in hits:
            country = entry.extra
            if country not in candidates:
                previous_end = end
                continue
            next_start = min([s for s, _, _ in hits if s > start] + [len(sentence.norm)])
            # A ship named by its name is one ship; a type is counted by the number written next to it.
            count = (
                1
                if entry.name or _names_one_ship(entry, vocab)
                else count_near(sentence.norm, previous_end, start, end, next_start, vocab)
            )
            previous_end = end
            key = (country, entry.value, entry.name)
            if key in seen:
                if seen[key]["count"] is None and count is not None:
                    seen[key]["count"] = count
                continue
            asset = {"country": country, "type": entry.value, "count": count}
            if entry.name:
                asset["name"] = entry.name
            seen[key] = asset
            result.assets.append(asset)
            result.found(f"assets[{len(result.assets) - 1}]", asset, sentence, start, end)
            result.found("assets", asset, sentence, start, end)


def _names_one_ship(entry, vocab: Vocabulary) -> bool:
    """A catalogue alias that is a ship's own name ("Urumqi"), not a class ("Type 052D", "Slava-class")."""
    if vocab.type_role.get(entry.value) not in ROLE_SHIP and vocab.type_category.get(entry.value) not in ROLE_SHIP:
        return False
    spelling = entry.phrase.text
    return not re.search(r"\d|class|класс|级|級|型", spelling)


def count_near(norm: str, previous_end: int, start: int, end: int, next_start: int, vocab: Vocabulary) -> int | None:
    """The number written next to a type: before it in English and Russian ("two Tu-95MS", "двух
    Ту-95МС", "两架轰-6K"), after it with a counter in Japanese and Korean ("H6爆撃機2機", "H-6 2대")."""
    units = (vocab.lexicon.get("count_units") or {}).get(vocab.language) or []
    before = norm[max(previous_end, start - 40) : start]
    after = norm[end : min(next_start, end + 14)]
    if vocab.language in ("ja", "ko"):
        unit = "|".join(re.escape(u) for u in units)
        m = re.search(rf"(\d+)\s*(?:{unit})", after)
        return int(m.group(1)) if m else None
    if vocab.language == "zh":
        unit = "|".join(re.escape(u) for u in units)
        m = list(re.finditer(rf"([0-9一二两兩三四五六七八九十]+)\s*(?:{unit})", before[-16:]))
        if m:
            return _zh_number(m[-1].group(1))
        m = re.search(rf"^\W*([0-9]+)\s*(?:{unit})", after)
        return int(m.group(1)) if m else None
    words = re.findall(r"[0-9a-zа-я]+", before)
    for word in reversed(words[-4:]):
        if word.isdigit() and len(word) < 4:
            return int(word)
        key = word if vocab.language != "ru" else lemma(word)
        if key in vocab.numbers:
            return vocab.numbers[key]
    return None


def _zh_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + ZH_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _, units = text.partition("十")
        return ZH_DIGITS.get(tens, 0) * 10 + ZH_DIGITS.get(units, 0)
    return ZH_DIGITS.get(text)


# ---- places


def find_places(foreground: list[Sentence], vocab: Vocabulary, result: Extraction) -> None:
    exclusions = [normalise(x) for x in vocab.lexicon.get("place_exclusions") or []]
    adiz = set((vocab.lexicon.get("adiz_responder") or {}).keys())
    for sentence in foreground:
        for entry, start, end in _places_in(sentence, vocab, exclusions):
            if entry.value not in adiz:  # an ADIZ names who responds (incidents), not where it flew
                _add_place(result, entry, sentence, start, end)
    _order_places(result)


def _places_in(sentence: Sentence, vocab: Vocabulary, exclusions: list[str]):
    """(entry, start, end) for each place the sentence names, longest spelling first, each stretch
    of text once, none that an exclusion covers ("日本海" inside "日本海上自衛隊", the Japan Maritime
    Self-Defense Force)."""
    taken: list[tuple[int, int]] = []
    for entry in vocab.places:
        for start, end in find_phrase(entry.phrase, sentence):
            if any(start < e and s < end for s, e in taken) or _excluded(sentence.norm, exclusions, start, end):
                continue
            taken.append((start, end))
            yield entry, start, end


def _excluded(norm: str, exclusions: list[str], start: int, end: int) -> bool:
    return any(x in norm[max(0, start - 4) : end + 6] and _covers(norm, x, start) for x in exclusions)


def _add_place(result: Extraction, entry, sentence: Sentence, start: int, end: int) -> None:
    if entry.extra in AREA_KINDS and entry.value not in result.areas:
        result.areas.append(entry.value)
        result.found(f"areas[{len(result.areas) - 1}]", entry.value, sentence, start, end)
        result.found("areas", entry.value, sentence, start, end)
    elif entry.extra in STRAIT_KINDS and entry.value not in result.straits:
        result.straits.append(entry.value)
        result.found("straits", entry.value, sentence, start, end)


def _order_places(result: Extraction) -> None:
    """Areas and straits in the order the text names them, not the order the gazetteer lists them."""
    first_seen = {span.value: span.start for span in reversed(result.spans) if span.field in ("areas", "straits")}
    result.areas.sort(key=lambda place: first_seen.get(place, 0))
    result.straits.sort(key=lambda place: first_seen.get(place, 0))
    for index, place in enumerate(result.areas):
        for span in result.spans:
            if span.field.startswith("areas[") and span.value == place:
                span.field = f"areas[{index}]"


def _covers(norm: str, exclusion: str, start: int) -> bool:
    at = norm.find(exclusion, max(0, start - len(exclusion)))
    return 0 <= at <= start + 1


# ---- incidents


def find_incidents(foreground: list[Sentence], vocab: Vocabulary, result: Extraction, participants: list[str]) -> None:
    cues = vocab.lexicon.get("incidents") or {}
    negations = vocab.words("negations")
    adiz_places = vocab.lexicon.get("adiz_responder") or {}
    seen = set()
    for sentence in foreground:
        if contains_any(sentence, negations):
            continue
        named = [c for c, _ in countries_in(sentence, vocab)]
        for kind, by_language in cues.items():
            word = contains_any(sentence, by_language.get(vocab.language) or [])
            if not word:
                continue
            at = sentence.norm.find(normalise(word))
            at = max(at, 0)
            if kind == "adiz_entry":
                place = _adiz_place(sentence, vocab, adiz_places)
                actors = [c for c in named if c in participants] or []
                for actor in actors:
                    responder = adiz_places.get(place) if place else FALLBACK_RESPONDER.get(vocab.language)
                    _add_incident(result, seen, sentence, at, word, kind, actor, responder, place)
                continue
            responders = [c for c in named if c not in participants] or [FALLBACK_RESPONDER.get(vocab.language)]
            for actor in responders:
                if actor:
                    _add_incident(result, seen, sentence, at, word, kind, actor, None, None)


def _adiz_place(sentence: Sentence, vocab: Vocabulary, adiz_places: dict) -> str | None:
    for entry in vocab.places:
        if entry.value in adiz_places and find_phrase(entry.phrase, sentence):
            return entry.value
    return "kadiz" if vocab.language == "ko" else None


def _add_incident(result, seen, sentence, at, word, kind, actor, responder, place) -> None:
    if (kind, actor) in seen:
        return
    seen.add((kind, actor))
    incident = {"kind": kind, "actor": actor}
    if responder and responder != actor:
        incident["responder"] = responder
    if place:
        incident["place"] = place
    incident["description"] = sentence.text
    result.incidents.append(incident)
    result.found(f"incidents[{len(result.incidents) - 1}]", incident, sentence, at, at + len(normalise(word)))
    result.found("incidents", incident, sentence, at, at + len(normalise(word)))


# ---- numbering


def find_numbering(foreground: list[Sentence], vocab: Vocabulary, result: Extraction) -> None:
    for sentence in foreground:
        found = _number_in(sentence, vocab)
        if found is None:
            continue
        value, start, end = found
        result.number = value
        result.found("number", value, sentence, start, end)
        for country, words in (vocab.lexicon.get("statement_by") or {}).items():
            if contains_any(sentence, words):
                result.numbering_by = country
                break
        return


def _number_in(sentence: Sentence, vocab: Vocabulary) -> tuple[int, int, int] | None:
    """(number, start, end) of "the seventh joint patrol" ("第七次联合", "제8차 연합") in the sentence."""
    pattern = NUMBERING_PATTERNS.get(vocab.language)
    if pattern:
        return _counted_number(sentence, vocab.language, pattern)
    follows = set((vocab.lexicon.get("ordinal_follows") or {}).get(vocab.language) or [])
    if vocab.language == "ru":
        return _russian_ordinal(sentence, vocab.ordinals, follows)
    return _english_ordinal(sentence, vocab.ordinals, follows)


def _counted_number(sentence: Sentence, language: str, pattern: re.Pattern) -> tuple[int, int, int] | None:
    """Chinese, Japanese, Korean: a counter ("第...次") followed closely by a word for joint or patrol."""
    for m in pattern.finditer(sentence.norm):
        digits = next(g for g in m.groups() if g)
        window = sentence.norm[m.end() : m.end() + 16]
        if not any(k in window for k in CJK_JOINT_WORDS):
            continue
        value = _zh_number(digits) if language == "zh" else int(digits)
        if value:
            return value, m.start(), m.end()
    return None


def _russian_ordinal(sentence: Sentence, ordinals: dict, follows: set) -> tuple[int, int, int] | None:
    """An ordinal's dictionary form followed within two words by a word of ordinal_follows."""
    tokens = sentence.tokens
    for i, token in enumerate(tokens):
        if token.lemma in ordinals and any(t.lemma in follows for t in tokens[i + 1 : i + 3]):
            return ordinals[token.lemma], token.start, token.end
    return None


def _english_ordinal(sentence: Sentence, ordinals: dict, follows: set) -> tuple[int, int, int] | None:
    """ "7th" or "seventh" followed within three words by a word of the lexicon's ordinal_follows."""
    for m in re.finditer(r"\b(\d{1,2})(?:st|nd|rd|th)\b|\b([a-z]+)\b", sentence.norm):
        value = int(m.group(1)) if m.group(1) else ordinals.get(m.group(2))
        if not value:
            continue
        following = re.findall(r"[a-z]+", sentence.norm[m.end() : m.end() + 40])[:3]
        if any(w in follows for w in following):
            return value, m.start(), m.end()
    return None


# ---- source


def producer_from_url(url: str | None) -> str | None:
    if not url:
        return None
    m = re.match(r"^[a-z]+://(?:www\.)?([^/:?#]+)", url.strip(), flags=re.IGNORECASE)
    return m.group(1) if m else None


def headline(text: str) -> str | None:
    """The first line, when it reads as a headline (short, not a full sentence of the body)."""
    first = text.strip().split("\n", 1)[0].strip()
    if first and len(first) <= 160 and "\n" in text.strip() and not first.endswith((".", "。")):
        return first
    return None
