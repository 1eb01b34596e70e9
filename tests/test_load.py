"""Loader: valid records load, each malformed record is rejected with file, record, field and value."""

import copy
from pathlib import Path

import pytest
import yaml

from conftest import PLACES, VALID_EVENT
from patrolmap.load import DataErrors, events_frame, load_dataset, parse_event, read_yaml_list


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
