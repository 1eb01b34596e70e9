"""Loader: valid records load, each malformed record is rejected with file, record, field and value."""

import copy
from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import PLACES, VALID_EVENT
from patrolmap.load import DataError, DataErrors, events_frame, load_dataset, parse_event, read_yaml_list, type_index
from patrolmap.schema import MISSING


def mutate(path, value):
    """VALID_EVENT with the field at dotted path (list indexes as ints) set, or deleted for DELETE."""
    record = copy.deepcopy(VALID_EVENT)
    *parents, last = path
    target = record
    for key in parents:
        target = target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return record


DELETE = object()

# (path to change, new value, field named in the error)
MALFORMED = [
    (("date_start",), "23/07/2019", "date_start"),
    (("date_start",), "2019-02-30", "date_start"),  # shaped like a date, not a real one
    (("date_start",), DELETE, "date_start"),
    (("date_end",), "2019-07-01", "date_end"),  # end before start
    (("date_end",), 20190723, "date_end"),  # number, not a date
    (("id",), DELETE, "id"),
    (("id",), "Air 2019!", "id"),
    (("kind",), "bombing_raid", "kind"),
    (("kind",), None, "kind"),
    (("name",), "", "name"),
    (("name",), ["a", "list"], "name"),
    (("participants",), [], "participants"),
    (("participants",), ["RU", "CHN"], "participants"),  # two-letter code
    (("participants",), ["XXX"], "participants"),
    (("participants",), [False], "participants"),  # YAML's NO read as a boolean
    (("participants",), "RUS", "participants"),  # a string, not a list
    (("areas",), ["atlantis"], "areas"),  # unknown place
    (("areas",), [], "areas"),
    (("route", "waypoints"), ["sea-of-japan", "nowhere"], "route.waypoints"),
    (("route", "waypoints"), ["sea-of-japan"], "route.waypoints"),
    (("route", "provenance"), "guess", "provenance"),
    (("route", "source"), "zz", "route.source"),  # cites no source of the record
    (("assets", 0, "count"), -2, "assets.count"),
    (("assets", 0, "count"), "two", "assets.count"),
    (("assets", 0, "count"), 1.5, "assets.count"),
    (("assets", 0, "role"), "pilot", "role"),
    (("assets", 0, "country"), "SU", "assets.country"),
    (("assets", 0), "Tu-95MS x2", "assets"),  # string instead of mapping
    (("incidents", 0, "kind"), "dogfight", "kind"),
    (("incidents", 0, "place"), "mars", "incidents.place"),
    (("incidents", 0, "date"), "yesterday", "date"),
    (("sources",), [], "sources"),  # missing sources
    (("sources",), DELETE, "sources"),
    (("sources", 0, "url"), "javascript:alert(1)", "sources.url"),
    (("sources", 0, "url"), "ftp://example.org/file", "sources.url"),
    (("sources", 0, "url"), "not a url", "sources.url"),
    (("sources", 0, "producer"), None, "producer"),
    (("sources", 1, "id"), "a", "sources.id"),  # duplicate source id
    (("sources", 0, "kind"), "blog", "kind"),
    (("disputes",), [], "disputes"),  # claims differ but no dispute listed
    (("duration_hours",), -3, "duration_hours"),
    (("summary",), 42, "summary"),
    (("summary",), "x" * 6000, "summary"),
]


@pytest.mark.parametrize(
    "path, value, field", MALFORMED, ids=[f"{'.'.join(map(str, p))}={v!r:.20}" for p, v, _ in MALFORMED]
)
def test_malformed_record_is_named(path, value, field):
    errors = []
    record = mutate(path, value)
    assert parse_event(record, "events/test.yaml", 0, PLACES, errors) is None
    assert errors, "a malformed record must produce an error"
    assert any(field in e.field for e in errors), [str(e) for e in errors]
    text = str(errors[0])
    assert text.startswith("events/test.yaml ")
    assert "must be" in text and "got" in text


def test_valid_record_loads(valid_event):
    errors = []
    event = parse_event(valid_event, "events/test.yaml", 0, PLACES, errors)
    assert errors == []
    assert event.participants == ("RUS", "CHN")
    assert event.route.waypoints[1] == "tsushima-strait"
    assert event.sources[1].date_published is None


def write_dataset(tmp_path: Path, events_text: str) -> Path:
    (tmp_path / "places").mkdir()
    (tmp_path / "events").mkdir()
    places = [
        {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "lat": p.lat,
            "lon": p.lon,
            **({"polygon": [list(x) for x in p.polygon]} if p.polygon else {}),
        }
        for p in PLACES.values()
    ]
    (tmp_path / "places" / "core.yaml").write_text(yaml.safe_dump(places))
    (tmp_path / "events" / "a.yaml").write_text(events_text)
    return tmp_path


def test_valid_records_still_load_beside_bad_ones(tmp_path):
    good = copy.deepcopy(VALID_EVENT)
    bad = mutate(("date_start",), "July 2019")
    bad["id"] = "air-2019-07-24"
    dup = copy.deepcopy(VALID_EVENT)
    root = write_dataset(tmp_path, yaml.safe_dump([good, bad, dup]))
    dataset = load_dataset(root)
    assert [e.id for e in dataset.events] == ["air-2019-07-23"]
    messages = [str(e) for e in dataset.errors]
    assert any("id=air-2019-07-24: date_start" in m and "'July 2019'" in m for m in messages), messages
    assert any("id=air-2019-07-23: id must be unique" in m for m in messages), messages
    with pytest.raises(DataErrors) as info:
        load_dataset(root, strict=True)
    assert len(info.value.errors) == 2


@pytest.mark.parametrize(
    "text, expected",
    [
        ("- id: [unclosed\n", "valid YAML"),  # syntax error
        ("id: not-a-list\n", "a list of records"),
        ("- just a string\n", "a mapping of fields"),
        ("- {id: air-2019-07-23, 2019: patrol}\n", "a mapping with text keys"),  # an unquoted number as a key
    ],
)
def test_broken_files_are_reported(tmp_path, text, expected):
    root = write_dataset(tmp_path, text)
    dataset = load_dataset(root)
    assert dataset.events == []
    assert any(expected in str(e) for e in dataset.errors), [str(e) for e in dataset.errors]
    assert all(e.file.endswith("a.yaml") for e in dataset.errors)


def test_binary_file_is_reported(tmp_path):
    root = write_dataset(tmp_path, "")
    (root / "events" / "a.yaml").write_bytes(b"\xff\xfe\x00garbage\x00")
    errors = []
    assert read_yaml_list(root / "events" / "a.yaml", errors) == []
    assert errors and errors[0].field in ("(encoding)", "(YAML)")


def test_events_frame_has_one_row_per_event(valid_event):
    event = parse_event(valid_event, "f", 0, PLACES, [])
    frame = events_frame([event])
    assert list(frame["id"]) == ["air-2019-07-23"]
    assert frame.loc[0, "aircraft"] == 4
    assert frame.loc[0, "ships"] is None or frame["ships"].isna().all()
    assert frame.loc[0, "disputed"] == "aircraft_total"


# Record format v0.2: (path to change, new value, field named in the error)
MALFORMED_V02 = [
    (("stray",), "x", "stray"),  # unknown key at the top
    (("claims", 0, "frigate Hengshui"), None, "claims.frigate Hengshui"),  # a note cut short by a comma
    (("sources", 0, "lang"), "en", "sources.lang"),  # misspelt field
    (("route", "via"), ["dokdo"], "route.via"),
    (("file",), "other.yaml", "file"),  # set by the loader, never by a file
    (("sources", 0, "url"), DELETE, "sources.url"),  # a required nested field missing
    (("assets", 0, "count"), 10_001, "assets.count"),  # a serial number, not a count
    (("duration_hours",), float("nan"), "duration_hours"),
    (("duration_hours",), float("inf"), "duration_hours"),
    (("claims", 0, "value"), "more than 10", "claims.value"),  # words in a number field
    (("claims", 0, "value"), True, "claims.value"),  # YAML's yes
    (("claims", 0, "field"), "aircraft", "claims.field"),
    (("claims", 0), {"field": "date_start", "value": "early July", "source": "a"}, "claims.value"),
    (("claims", 0), {"field": "areas", "value": "western Pacific", "source": "a"}, "claims.value"),
    (("claims", 0), {"field": "other", "value": 5, "source": "a"}, "claims.value"),
    (("sources", 0, "language"), "english", "sources.language"),
    (("sources", 0, "carries"), "gossip", "sources.carries"),
    (("sources", 0, "carries"), "statement", "sources.statement_by"),  # whose statement?
    (("sources", 0, "statement_country"), "UK", "sources.statement_country"),
    (("incidents", 0, "responder"), "Korea", "incidents.responder"),
    (("assets", 0, "name"), 5, "assets.name"),
    (("status",), "final", "status"),
    (("reviewed",), {"date": "2026-13-01", "checked": []}, "reviewed.date"),
    (("reviewed",), {"date": "2026-11-27", "checked": ["everything"]}, "reviewed.checked"),
    (("reviewed",), {"date": "2026-11-27", "by": "me"}, "reviewed.by"),
]


@pytest.mark.parametrize(
    "path, value, field", MALFORMED_V02, ids=[f"{'.'.join(map(str, p))}={v!r:.20}" for p, v, _ in MALFORMED_V02]
)
def test_v02_malformed_record_is_named(path, value, field):
    errors = []
    assert parse_event(mutate(path, value), "events/test.yaml", 0, PLACES, errors) is None
    assert [e.field for e in errors] == [field], [str(e) for e in errors]
    text = str(errors[0])
    assert text.startswith("events/test.yaml id=air-2019-07-23: ")
    assert "must be" in text and "got" in text


def test_unknown_key_names_file_record_and_key(tmp_path):
    # An unquoted comma inside a flow mapping ends the note; the rest becomes a key of its own.
    text = yaml.safe_dump([VALID_EVENT]).replace(
        "- field: aircraft_total\n    source: b\n",
        "- {field: aircraft_total, value: 5, source: b, note: one Russian frigate, frigate Hengshui}\n"
        "  - field: aircraft_total\n    source: b\n",
        1,
    )
    root = write_dataset(tmp_path, text)
    dataset = load_dataset(root)
    assert dataset.events == []
    messages = [str(e) for e in dataset.errors]
    assert messages == [
        f"{root.name}/events/a.yaml id=air-2019-07-23: unknown field 'claims.frigate Hengshui': "
        "field names must be one of field, value, source, note, got 'frigate Hengshui'"
    ]


def test_v02_record_loads_with_every_new_field(valid_event):
    valid_event["sources"][0].update(
        language="ru", carries="statement", statement_by="Russian Ministry of Defence", statement_country="RUS"
    )
    valid_event["sources"][1].update(title=None, note="headline not in stored copy", language="en", carries="report")
    valid_event["assets"][0]["name"] = "Example name"
    valid_event["incidents"][0].update(kind="airspace_violation", actor="RUS", responder="KOR")
    valid_event["claims"].append({"field": "date_start", "value": "2019-07-23", "source": "a"})
    valid_event["claims"].append({"field": "areas", "value": ["sea-of-japan"], "source": "a"})
    valid_event["reviewed"] = {"date": "2026-11-27", "checked": ["dates", "sources"]}
    errors = []
    event = parse_event(valid_event, "events/test.yaml", 0, PLACES, errors)
    assert errors == [], [str(e) for e in errors]
    assert event.sources[0].statement_by == "Russian Ministry of Defence" and event.sources[0].language == "ru"
    assert event.sources[1].title == "" and event.sources[1].carries == "report"
    assert event.assets[0].name == "Example name" and event.assets[1].name == ""
    assert event.incidents[0].responder == "KOR"
    assert event.reviewed.checked == ("dates", "sources")
    assert event.status is None and event.origin == "curated" and event.file == "events/test.yaml"
    assert isinstance(event.disputes[0], tuple) and isinstance(event.date_start, date)


@pytest.mark.parametrize("show_drafts, loaded", [(False, []), (True, ["air-2019-07-23"])])
def test_draft_is_refused_unless_shown(tmp_path, show_drafts, loaded):
    root = write_dataset(tmp_path, yaml.safe_dump([{**VALID_EVENT, "status": "draft"}]))
    dataset = load_dataset(root, show_drafts=show_drafts)
    assert [e.id for e in dataset.events] == loaded
    if show_drafts:
        assert dataset.events[0].status == "draft" and dataset.errors == []
    else:
        assert [(e.record, e.field, e.value) for e in dataset.errors] == [("id=air-2019-07-23", "status", "draft")]
        assert "show_drafts=True" in str(dataset.errors[0])


CATALOGUE_ENTRY = {
    "type": "Tu-95MS",
    "name": "Tupolev Tu-95MS",
    "aliases": ["Tu-95"],
    "country": "RUS",
    "role": "bomber",
    "category": "aircraft",
    "source": {"title": "A page", "url": "https://example.org/a", "producer": "P", "date_accessed": "2026-11-27"},
}
SHIP = {
    "name": "Example",
    "type": "Tu-95MS",
    "country": "RUS",
    "pennant": "123",
    "names": {"ru": "Пример"},
    "source": {"producer": "P", "title": "T", "url": "https://example.org/s", "date_accessed": "2026-11-27"},
}
ALIAS_LABEL = "canonical=Joint Sea"
ALIAS = {"canonical": "Joint Sea", "aliases": ["Maritime Interaction"], "source": "https://example.org/j"}


# (file, record, change, record label, field named): the catalogue, ships and aliases are typed records too.
TYPED_FILES = [
    ("assets.yaml", CATALOGUE_ENTRY, {"role": "pilot"}, "type=Tu-95MS", "role"),
    ("assets.yaml", CATALOGUE_ENTRY, {"country": "SU"}, "type=Tu-95MS", "country"),
    ("assets.yaml", CATALOGUE_ENTRY, {"colour": "grey"}, "type=Tu-95MS", "colour"),
    ("assets.yaml", CATALOGUE_ENTRY, {"names": {"russian": "Ту-95МС"}}, "type=Tu-95MS", "names"),
    ("ships.yaml", SHIP, {"pennant": 123}, "name=Example", "pennant"),  # unquoted: YAML reads a number
    ("ships.yaml", SHIP, {"source": {**SHIP["source"], "url": "ftp://x"}}, "name=Example", "source.url"),
    ("aliases.yaml", ALIAS, {"aliases": []}, ALIAS_LABEL, "aliases"),
    (
        "aliases.yaml",
        ALIAS,
        {"alias_sources": {"Maritime Interaction": "not a url"}},
        "canonical=Joint Sea",
        "alias_sources.Maritime Interaction",
    ),
]


@pytest.mark.parametrize("name, good, change, label, field", TYPED_FILES)
def test_typed_side_files_name_their_errors(tmp_path, name, good, change, label, field):
    root = write_dataset(tmp_path, "")
    (root / name).write_text(yaml.safe_dump([good, {**good, **change}], allow_unicode=True), encoding="utf-8")
    dataset = load_dataset(root)
    loaded = {"assets.yaml": dataset.catalogue, "ships.yaml": dataset.ships, "aliases.yaml": dataset.aliases}[name]
    assert len(loaded) == 1
    assert [(e.file, e.record, e.field) for e in dataset.errors] == [(f"{root.name}/{name}", label, field)]


def test_side_files_load_as_typed_records(tmp_path):
    root = write_dataset(tmp_path, "")
    assert load_dataset(root).ships == []  # ships.yaml is optional
    for name, record in [("assets.yaml", CATALOGUE_ENTRY), ("ships.yaml", SHIP), ("aliases.yaml", ALIAS)]:
        (root / name).write_text(yaml.safe_dump([record], allow_unicode=True), encoding="utf-8")
    dataset = load_dataset(root)
    assert dataset.errors == []
    assert dataset.catalogue[0].source.date_accessed == date(2026, 11, 27)
    assert dataset.ships[0].names == {"ru": "Пример"} and dataset.ships[0].pennant == "123"
    assert dataset.aliases[0].aliases == ("Maritime Interaction",)
    assert type_index(dataset.catalogue) == {"Tu-95MS": "Tu-95MS", "Tu-95": "Tu-95MS"}


def test_strict_mode_raises_once_with_every_problem(tmp_path):
    bad = [mutate(("kind",), "raid"), {**mutate(("stray",), 1), "id": "air-2019-07-24"}]
    root = write_dataset(tmp_path, yaml.safe_dump(bad))
    with pytest.raises(DataErrors) as info:
        load_dataset(root, strict=True)
    assert [e.field for e in info.value.errors] == ["kind", "stray"]
    assert str(info.value).startswith("2 problem(s) in the data:")


@pytest.mark.parametrize(
    "value, shown",
    [
        (True, "true"),
        (None, "null"),
        (float("nan"), "NaN"),
        (float("-inf"), "-Infinity"),
        ("two", '"two"'),
        ([1, "x"], '[1, "x"]'),
        ({"a": None}, '{"a": null}'),
        (2**70, "1180591620717411303424"),
        (date(2024, 1, 2), '"2024-01-02"'),
        (MISSING, "(not in the record)"),
    ],
)
def test_a_problem_shows_its_value_as_the_files_spell_it(value, shown):
    assert DataError("f.yaml", "id=x", "field", value, "something").value_text == shown
