"""The words the reader looks for, from the dataset's own vocabularies first (gazetteer names and
aliases, the type catalogue, drill-name aliases, ship names) and the ingest lexicon for the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from patrolmap.ingest.text import Phrase, make_phrase
from patrolmap.load import DATA_DIR, read_yaml_list

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")
LANGUAGES = ("en", "ru", "zh", "ja", "ko")
AREA_KINDS = ("sea", "region")
STRAIT_KINDS = ("strait",)


@lru_cache(maxsize=1)
def read_lexicon() -> dict:
    return yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))


def field_of(item: object, name: str, default=None):
    """A field of a typed record or of a plain mapping (the catalogue is either, by loader version)."""
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


@dataclass(frozen=True)
class Entry:
    """One spelling of one thing: a place id, a catalogue type, a kind, a drill."""

    phrase: Phrase
    value: str
    extra: str = ""  # a place's kind, a type's country
    name: str = ""  # an individual ship's name (data/ships.yaml), when the spelling names one ship


@dataclass
class Vocabulary:
    language: str
    places: list[Entry] = field(default_factory=list)
    types: list[Entry] = field(default_factory=list)
    kinds: list[tuple[str, list[Phrase]]] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)
    ordinals: dict[str, int] = field(default_factory=dict)
    type_country: dict[str, str] = field(default_factory=dict)
    type_role: dict[str, str] = field(default_factory=dict)
    type_category: dict[str, str] = field(default_factory=dict)
    place_kind: dict[str, str] = field(default_factory=dict)
    lexicon: dict = field(default_factory=dict)

    def words(self, section: str) -> list[str]:
        return list((self.lexicon.get(section) or {}).get(self.language) or [])

    def countries(self) -> dict[str, list[str]]:
        return (self.lexicon.get("countries") or {}).get(self.language) or {}


def _names(item: object) -> list[str]:
    names = field_of(item, "names") or {}
    if not isinstance(names, dict):
        names = {k: getattr(names, k) for k in LANGUAGES if getattr(names, k, None)}
    return [str(v) for v in names.values() if v]


def dataset_ships(dataset) -> list:
    """data/ships.yaml through the loader when it exposes ships (format v0.2), else read from the data dir."""
    ships = getattr(dataset, "ships", None)
    if ships is not None:
        return list(ships.values()) if isinstance(ships, dict) else list(ships)
    path = Path(DATA_DIR) / "ships.yaml"
    return read_yaml_list(path, []) if path.exists() else []


def build_vocabulary(dataset, language: str) -> Vocabulary:
    """Every spelling of every place, type and kind the dataset and the lexicon know, for one language."""
    lexicon = read_lexicon()
    vocab = Vocabulary(language, lexicon=lexicon)
    _add_places(vocab, dataset.places, lexicon.get("places") or {})
    _add_types(vocab, dataset.catalogue, lexicon.get("types") or {})
    _add_ships(vocab, dataset_ships(dataset))
    # Longest spelling first, so "Xian H-6K" wins over "H-6" and "East China Sea" over "China Sea".
    vocab.places.sort(key=lambda e: -e.phrase.length)
    vocab.types.sort(key=lambda e: -e.phrase.length)
    drills = _drill_names(dataset.aliases or [])
    for kind, by_language in (lexicon.get("kinds") or {}).items():
        vocab.kinds.append((kind, _kind_phrases(kind, by_language, drills, language)))
    vocab.numbers = _number_words(lexicon, "numbers", language)
    vocab.ordinals = _number_words(lexicon, "ordinals", language)
    return vocab


def _spellings(item: object, first: str, *more) -> list[str]:
    """Every non-empty spelling of a record: first (its name or type), aliases, names in other
    languages, and more (the lexicon's)."""
    found = {first, *(field_of(item, "aliases") or ()), *_names(item), *more}
    return sorted(str(s) for s in found if s)


def _add_places(vocab: Vocabulary, places: dict, lexicon_places: dict) -> None:
    by_lemma = vocab.language == "ru"
    for place_id, place in places.items():
        kind = field_of(place, "kind", "")
        vocab.place_kind[place_id] = kind
        for spelling in _spellings(place, field_of(place, "name", ""), *(lexicon_places.get(place_id) or ())):
            vocab.places.append(Entry(make_phrase(spelling, vocab.language, by_lemma), place_id, kind))


def _add_types(vocab: Vocabulary, catalogue, lexicon_types: dict) -> None:
    for item in catalogue:
        type_name = field_of(item, "type")
        if not isinstance(type_name, str):
            continue
        vocab.type_country[type_name] = field_of(item, "country") or ""
        vocab.type_role[type_name] = field_of(item, "role") or "other"
        vocab.type_category[type_name] = field_of(item, "category") or ""
        spellings = _spellings(item, type_name, *(lexicon_types.get(type_name) or ()))
        # catch-all labels ("... (type not reported)") are not written in releases
        for spelling in (s for s in spellings if "(" not in s):
            vocab.types.append(Entry(make_phrase(spelling, vocab.language), type_name, vocab.type_country[type_name]))


def _add_ships(vocab: Vocabulary, ships: list) -> None:
    """Individual ships' names, each spelling reading as the ship's catalogued type."""
    for ship in ships:
        ship_type = field_of(ship, "type")
        if ship_type not in vocab.type_country:
            continue
        country = field_of(ship, "country") or vocab.type_country[ship_type]
        name = field_of(ship, "name", "")
        for spelling in _spellings(ship, name):
            vocab.types.append(Entry(make_phrase(spelling, vocab.language), ship_type, country, name))


def _drill_names(aliases) -> list[str]:
    """Drill names from data/aliases.yaml ("Maritime Security Belt", "CHIRU-2022"): they name exercises."""
    names = []
    for drill in aliases:
        names += [
            n for n in [field_of(drill, "canonical"), *(field_of(drill, "aliases") or [])] if isinstance(n, str) and n
        ]
    return names


def _kind_phrases(kind: str, by_language: dict, drills: list[str], language: str) -> list[Phrase]:
    """The phrases that name one kind of activity, longest first."""
    by_lemma = language == "ru"
    words = list(by_language.get(language) or []) + (drills if kind == "exercise" else [])
    return sorted((make_phrase(w, language, by_lemma) for w in words), key=lambda p: -p.length)


def _number_words(lexicon: dict, section: str, language: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in ((lexicon.get(section) or {}).get(language) or {}).items()}
