"""Text as the extractor reads it: one normalised copy with the original's offsets, sentences, and
phrase matching per language (word boundaries for Latin, substrings for CJK, lemmas for Russian)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pymorphy3

# Every dash and minus a release may use, so "Tu−95" (U+2212) and "Ту–95" match "Tu-95".
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d\u30fc"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“«(\[A-ZА-ЯЁ0-9])|(?<=[。！？])|\n+")
WORD = re.compile(r"[0-9a-zа-яё]+(?:[-'][0-9a-zа-яё]+)*")
# Russian parts of speech that may stand between the words of a phrase: "Японского, Восточно-Китайского
# морей" is both seas; "совместное российско-китайское морское патрулирование" is a naval patrol.
RU_GAP_POS = {"ADJF", "PRTF", "CONJ", "NUMR"}
RU_MAX_GAP = 3
MORPH = pymorphy3.MorphAnalyzer()


def normalise(text: str) -> str:
    """Lower-case, width- and dash-normalised copy of text with the same length (offsets stay valid)."""
    out = []
    for char in text:
        if char in DASHES:
            out.append("-")
            continue
        folded = unicodedata.normalize("NFKC", char).lower()
        out.append(folded if len(folded) == 1 else char.lower() if len(char.lower()) == 1 else char)
    return "".join(out).replace("ё", "е")


def detect_language(text: str) -> str:
    """ISO 639-1 code by script: Hangul -> ko, kana -> ja, Han -> zh, Cyrillic -> ru, otherwise en."""
    counts = {"ko": 0, "ja": 0, "zh": 0, "ru": 0, "en": 0}
    for char in text:
        code = ord(char)
        if 0xAC00 <= code <= 0xD7A3:
            counts["ko"] += 1
        elif 0x3040 <= code <= 0x30FF:
            counts["ja"] += 1
        elif 0x4E00 <= code <= 0x9FFF:
            counts["zh"] += 1
        elif 0x0400 <= code <= 0x04FF:
            counts["ru"] += 1
        elif char.isascii() and char.isalpha():
            counts["en"] += 1
    if counts["ko"] > 10:
        return "ko"
    if counts["ja"] > 10:
        return "ja"
    if counts["zh"] > 10:
        return "zh"
    if counts["ru"] > counts["en"]:
        return "ru"
    return "en"


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    parsed = MORPH.parse(word)[0]
    return parsed.normal_form.replace("ё", "е")


@lru_cache(maxsize=50_000)
def part_of_speech(word: str) -> str:
    return str(MORPH.parse(word)[0].tag.POS)


@dataclass(frozen=True)
class Token:
    lemma: str
    start: int
    end: int
    pos: str


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str  # the original words
    norm: str  # normalise(text)
    tokens: list[Token] = field(default_factory=list)  # Russian only
    background: bool = False
    reason: str = ""


def split_sentences(text: str, language: str) -> list[Sentence]:
    norm = normalise(text)
    sentences = []
    start = 0
    for found in list(SENTENCE_END.finditer(text)) + [None]:
        end = found.start() if found else len(text)
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            offset = start + chunk.index(stripped)
            sentence = Sentence(
                len(sentences), offset, offset + len(stripped), stripped, norm[offset : offset + len(stripped)]
            )
            if language == "ru":
                sentence.tokens = [
                    Token(lemma(m.group()), m.start(), m.end(), part_of_speech(m.group()))
                    for m in WORD.finditer(sentence.norm)
                ]
            sentences.append(sentence)
        if found:
            start = found.end()
    return sentences


@dataclass(frozen=True)
class Phrase:
    """One spelling to look for, compiled for its language."""

    text: str
    language: str
    lemmas: tuple[str, ...] = ()
    whole_words: bool = False  # Latin or Cyrillic spelling: matched only between non-letters

    @property
    def length(self) -> int:
        return len(self.text)


def make_phrase(text: str, language: str, by_lemma: bool = False) -> Phrase:
    norm = normalise(text).strip()
    if language == "ru" and by_lemma:
        return Phrase(norm, language, tuple(lemma(w) for w in WORD.findall(norm)))
    if re.search(r"[a-z0-9а-я]", norm) and not re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]", norm):
        # Latin or Cyrillic spelling: whole words only ("H-6" is not inside "H-6K"; "pla" not inside "plan").
        return Phrase(re.sub(r"\s+", " ", norm), language, whole_words=True)
    return Phrase(norm, language)


def _is_word_char(char: str) -> bool:
    # Only Latin/Cyrillic letters and digits bound a word: "のH6爆撃機" still has "H6" in it.
    return char.isascii() and char.isalnum() or "а" <= char <= "я"


def _whole_word_spans(text: str, norm: str) -> list[tuple[int, int]]:
    spans, at = [], norm.find(text)
    while at >= 0:
        end = at + len(text)
        for plural in ("es", "s", ""):  # an English plural still matches ("joint patrols")
            if norm.startswith(plural, end):
                end_with = end + len(plural)
                before = norm[at - 1] if at else " "
                after = norm[end_with] if end_with < len(norm) else " "
                if not _is_word_char(before) and before != "-" and not _is_word_char(after):
                    spans.append((at, end_with))
                    break
        at = norm.find(text, at + 1)
    return spans


def find_phrase(phrase: Phrase, sentence: Sentence) -> list[tuple[int, int]]:
    """(start, end) offsets within the sentence of each occurrence."""
    if phrase.lemmas:
        return _find_lemmas(phrase.lemmas, sentence.tokens)
    if phrase.whole_words:
        return _whole_word_spans(phrase.text, sentence.norm)
    spans, at = [], sentence.norm.find(phrase.text)
    while at >= 0 and phrase.text:
        spans.append((at, at + len(phrase.text)))
        at = sentence.norm.find(phrase.text, at + 1)
    return spans


def _find_lemmas(lemmas: tuple[str, ...], tokens: list[Token]) -> list[tuple[int, int]]:
    if not lemmas:
        return []
    spans = []
    for i, token in enumerate(tokens):
        if token.lemma != lemmas[0]:
            continue
        position, ok = i, True
        for wanted in lemmas[1:]:
            step = position + 1
            while step < len(tokens) and tokens[step].lemma != wanted and step - position <= RU_MAX_GAP:
                if tokens[step].pos not in RU_GAP_POS:
                    break
                step += 1
            if step < len(tokens) and tokens[step].lemma == wanted:
                position = step
            else:
                ok = False
                break
        if ok:
            # A phrase split by other words ("Японского, Восточно-Китайского морей") is marked at its first
            # word only, so the other phrase sharing the noun is still found.
            contiguous = position - i == len(lemmas) - 1
            spans.append((token.start, tokens[position].end if contiguous else token.end))
    return spans


def contains_any(sentence: Sentence, words: list[str]) -> str | None:
    """The first of words found in the sentence (substring, for cue stems), or None."""
    for word in words:
        norm = normalise(word)
        if re.search(r"^[a-z0-9 .'-]+$", norm):
            if re.search(rf"(?<![a-z0-9]){re.escape(norm)}(?![a-z])", sentence.norm):
                return word
        elif norm in sentence.norm:
            return word
    return None
