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
    by_lemma = language == "ru"

    extra_places = lexicon.get("places") or {}
    for place_id, place in dataset.places.items():
        kind = field_of(place, "kind", "")
        vocab.place_kind[place_id] = kind
        spellings = {field_of(place, "name", ""), *(field_of(place, "aliases") or ()), *_names(place)}
        spellings |= set(extra_places.get(place_id) or ())
        for spelling in sorted(s for s in spellings if s):
            vocab.places.append(Entry(make_phrase(spelling, language, by_lemma), place_id, kind))

    extra_types = lexicon.get("types") or {}
    for item in dataset.catalogue:
        type_name = field_of(item, "type")
        if not isinstance(type_name, str):
            continue
        vocab.type_country[type_name] = field_of(item, "country") or ""
        vocab.type_role[type_name] = field_of(item, "role") or "other"
        vocab.type_category[type_name] = field_of(item, "category") or ""
        spellings = {type_name, *(field_of(item, "aliases") or ()), *_names(item)}
        spellings |= set(extra_types.get(type_name) or ())
        for spelling in sorted(str(s) for s in spellings if s):
            if "(" in spelling:  # catch-all labels ("... (type not reported)") are not written in releases
                continue
            vocab.types.append(Entry(make_phrase(spelling, language), type_name, vocab.type_country[type_name]))
    for ship in dataset_ships(dataset):
        ship_type = field_of(ship, "type")
        if ship_type not in vocab.type_country:
            continue
        spellings = {field_of(ship, "name", ""), *(field_of(ship, "aliases") or ()), *_names(ship)}
        for spelling in sorted(s for s in spellings if s):
            country = field_of(ship, "country") or vocab.type_country[ship_type]
            vocab.types.append(Entry(make_phrase(spelling, language), ship_type, country, field_of(ship, "name", "")))
    # Longest spelling first, so "Xian H-6K" wins over "H-6" and "East China Sea" over "China Sea".
    vocab.places.sort(key=lambda e: -e.phrase.length)
    vocab.types.sort(key=lambda e: -e.phrase.length)

    for kind, by_language in (lexicon.get("kinds") or {}).items():
        phrases = [make_phrase(p, language, by_lemma) for p in by_language.get(language) or []]
        if kind == "exercise":
            # Drill names from data/aliases.yaml ("Maritime Security Belt", "CHIRU-2022") name exercises.
            for drill in dataset.aliases or []:
                for name in [field_of(drill, "canonical"), *(field_of(drill, "aliases") or [])]:
                    if isinstance(name, str) and name:
                        phrases.append(make_phrase(name, language, by_lemma))
        vocab.kinds.append((kind, sorted(phrases, key=lambda p: -p.length)))

    vocab.numbers = {str(k): int(v) for k, v in ((lexicon.get("numbers") or {}).get(language) or {}).items()}
    vocab.ordinals = {str(k): int(v) for k, v in ((lexicon.get("ordinals") or {}).get(language) or {}).items()}
    return vocab
