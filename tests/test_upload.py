"""Uploads: an analyst's CSV/YAML/GeoJSON is read beside the curated data; garbage is one clear error."""

import copy
import csv
import datetime
import json
import math
import pathlib
import random
from itertools import pairwise

import pytest
import yaml
from geopy.distance import geodesic

from conftest import PLACES, VALID_EVENT
from patrolmap import export, maps, upload
from patrolmap.cards import event_card
from patrolmap.load import DataError, parse_event
from patrolmap.upload import MAX_ERRORS, UPLOAD_PREFIX, parse_upload


def record(**changes):
    raw = copy.deepcopy(VALID_EVENT)
    raw.update(changes)
    return raw


def yaml_bytes(records) -> bytes:
    return yaml.safe_dump(records, allow_unicode=True).encode("utf-8")


def feature(geometry, **changes):
    return {"type": "Feature", "geometry": geometry, "properties": record(**changes)}


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


@pytest.fixture(autouse=True)
def no_writes(monkeypatch):
    """parse_upload reads bytes and returns records: it never writes a file (data/ stays as it is)."""

    def refuse(*args, **kwargs):
        raise AssertionError("parse_upload must not write files")

    monkeypatch.setattr(pathlib.Path, "write_text", refuse)
    monkeypatch.setattr(pathlib.Path, "write_bytes", refuse)


def test_yaml_upload_loads_with_prefixed_id():
    places = dict(PLACES)
    result = parse_upload("mine.yaml", yaml_bytes([record()]), places)
    assert result.errors == [] and result.format == "yaml"
    (event,) = result.events
    assert event.id == "upload-air-2019-07-23"
    assert event.origin == "upload" and event.file == "mine.yaml"
    assert event.route.waypoints == ("sea-of-japan", "tsushima-strait", "east-china-sea")
    assert places == PLACES  # the gazetteer passed in is not changed


def test_already_prefixed_id_is_kept():
    result = parse_upload("mine.yml", yaml_bytes([record(id="upload-air-2019-07-23")]), PLACES)
    assert [e.id for e in result.events] == ["upload-air-2019-07-23"]


def test_bad_rows_are_listed_and_valid_rows_still_load():
    rows = [
        record(),
        record(id="air-2019-07-24", date_start="23/07/2019"),
        record(id="air-2019-07-25", participants=["XXX"], areas=["atlantis"]),
        "just a string",
        record(id="air-2019-07-23"),  # same id as row 1
    ]
    result = parse_upload("mine.yaml", yaml_bytes(rows), PLACES)
    assert [e.id for e in result.events] == ["upload-air-2019-07-23"]
    found = {(e.record, e.field, repr(e.value)) for e in result.errors}
    assert ("row 2 (id=air-2019-07-24)", "date_start", "'23/07/2019'") in found
    assert ("row 3 (id=air-2019-07-25)", "participants", "'XXX'") in found
    assert ("row 3 (id=air-2019-07-25)", "areas", "'atlantis'") in found
    assert ("row 4", "(record)", "'just a string'") in found
    dup = [e for e in result.errors if e.record == "row 5 (id=air-2019-07-23)"]
    assert dup and dup[0].field == "id" and "row 1" in dup[0].expected
    assert all(e.file == "mine.yaml" and e.expected for e in result.errors)
    assert all("must be" in str(e) and "got" in str(e) for e in result.errors)


def test_collision_with_curated_id_is_an_error():
    curated = {"air-2019-07-23"}
    result = parse_upload("mine.yaml", yaml_bytes([record(), record(id="air-2020-01-01")]), PLACES, curated_ids=curated)
    assert [e.id for e in result.events] == ["upload-air-2020-01-01"]
    (error,) = result.errors
    assert (error.record, error.field, error.value) == ("row 1 (id=air-2019-07-23)", "id", "air-2019-07-23")
    assert "curated" in error.expected
    # Prefixed or not, an id equal to a curated one is refused.
    again = parse_upload("m.yaml", yaml_bytes([record(id="upload-x-1")]), PLACES, curated_ids={"upload-x-1"})
    assert again.events == [] and again.errors[0].field == "id"


def test_yaml_with_its_own_places():
    text = {
        "places": [
            {"id": "my-point", "name": "My point", "kind": "point", "lat": 30.0, "lon": 130.0},
            {"id": "sea-of-japan", "name": "Redefined", "kind": "sea", "lat": 1.0, "lon": 1.0},  # taken
            {"id": "bad", "name": "Bad", "kind": "point", "lat": 99, "lon": 0},
        ],
        "events": [record(areas=["my-point"])],
    }
    result = parse_upload("mine.yaml", yaml_bytes(text), PLACES)
    assert [e.id for e in result.events] == ["upload-air-2019-07-23"]
    assert list(result.places) == ["my-point"] and "Uploaded" in result.places["my-point"].note
    assert {(e.record, e.field) for e in result.errors} == {("places row 2", "id"), ("places row 3", "lat")}


def test_csv_round_trip_through_the_export():
    errors: list[DataError] = []
    event = parse_event(record(), "events/test.yaml", 0, PLACES, errors)
    assert errors == []
    content = export.events_csv([event], PLACES)
    result = parse_upload("export.csv", content, PLACES)
    assert result.errors == [] and result.format == "csv"
    (back,) = result.events
    assert back.id == UPLOAD_PREFIX + event.id and back.origin == "upload"
    assert (back.name, back.date_start, back.participants, back.areas) == (
        event.name,
        event.date_start,
        event.participants,
        event.areas,
    )
    assert back.route.waypoints == event.route.waypoints
    assert [s.url for s in back.sources] == [s.url for s in event.sources]


def test_csv_bad_rows_name_their_spreadsheet_row():
    errors: list[DataError] = []
    event = parse_event(record(), "events/test.yaml", 0, PLACES, errors)
    good = export.events_csv([event], PLACES).decode("utf-8-sig").splitlines()
    header, row = good[0], good[1]
    bad_date = row.replace("2019-07-23,2019-07-23", "2019-07-23,2019-07-01", 1)
    bad_country = row.replace("air-2019-07-23", "air-2019-08-01", 1).replace("RUS;CHN", "RUS;SU", 1)
    text = "\n".join([header, row.replace("air-2019-07-23", "air-2019-07-22", 1), bad_date, bad_country]) + "\n"
    result = parse_upload("mine.csv", text.encode(), PLACES)
    assert [e.id for e in result.events] == ["upload-air-2019-07-22"]
    found = {(e.record, e.field, e.value) for e in result.errors}
    assert ("row 3 (id=air-2019-07-23)", "date_end", "2019-07-01") in found
    assert ("row 4 (id=air-2019-08-01)", "participants", "SU") in found


def test_csv_row_with_too_many_cells():
    header = ",".join(export.CSV_COLUMNS)
    text = header + "\n" + ",".join(["x"] * (len(export.CSV_COLUMNS) + 3)) + "\n"
    result = parse_upload("mine.csv", text.encode(), PLACES)
    assert result.events == [] and result.errors[0].record.startswith("row 2")
    assert result.errors[0].field == "(columns)"


LINE = {"type": "LineString", "coordinates": [[129.0, 35.0], [128.0, 30.0], [190.0, 52.0]]}
SQUARE = {"type": "Polygon", "coordinates": [[[130, 30], [135, 30], [135, 35], [130, 35], [130, 30]]]}


def test_geojson_linestring_becomes_a_route_through_uploaded_places():
    no_route = record()
    del no_route["route"]
    props = {**no_route, "route": {"provenance": "map", "source": "a", "note": "drawn by me"}}
    content = collection({"type": "Feature", "geometry": LINE, "properties": props})
    result = parse_upload("route.geojson", content, PLACES)
    assert result.errors == [] and result.format == "geojson"
    (event,) = result.events
    ids = ["upload-air-2019-07-23-1", "upload-air-2019-07-23-2", "upload-air-2019-07-23-3"]
    assert list(event.route.waypoints) == ids == list(result.places)
    third = result.places[ids[2]]
    assert (third.lat, third.lon) == (52.0, -170.0)  # 190 wrapped back into -180..180
    assert all("approximate" in p.note and p.kind == "point" for p in result.places.values())
    # The map draws it from the merged gazetteer, with the upload colour.
    gj = maps.routes_geojson(result.events, {**PLACES, **result.places})
    assert gj["features"][0]["properties"]["style"]["color"] == maps.UPLOAD_COLOR
    assert len(gj["features"][0]["geometry"]["coordinates"]) == 3


def test_geojson_polygon_becomes_an_area_and_point_is_ignored():
    result = parse_upload(
        "areas.json",
        collection(
            feature(SQUARE),
            feature({"type": "Point", "coordinates": [130, 30]}, id="air-2019-08-01"),
            feature(None, id="air-2019-08-02"),
        ),
        PLACES,
    )
    assert result.errors == []
    assert [e.id for e in result.events] == ["upload-air-2019-07-23", "upload-air-2019-08-01", "upload-air-2019-08-02"]
    area = result.places["upload-air-2019-07-23-area-1"]
    assert area.kind == "region" and len(area.polygon) == 4
    assert result.events[0].areas[-1] == area.id
    shaded = maps.areas_geojson(result.events[:1], {**PLACES, **result.places})
    assert area.id in [f["properties"]["area_id"] for f in shaded["features"]]


@pytest.mark.parametrize(
    "geometry, field",
    [
        ({"type": "LineString", "coordinates": [[129, 35]]}, "geometry.coordinates"),  # one point
        ({"type": "LineString", "coordinates": [[129, 35], [129, 95]]}, "geometry.coordinates"),  # lat > 90
        ({"type": "LineString", "coordinates": [[129, 35], ["a", 30]]}, "geometry.coordinates"),
        ({"type": "LineString", "coordinates": [[129, 35], [True, 30]]}, "geometry.coordinates"),  # a bool is no number
        ({"type": "LineString", "coordinates": [[129, 35], [math.nan, 30]]}, "geometry.coordinates"),  # JSON NaN
        ({"type": "LineString", "coordinates": [[129, 35], [10**400, 30]]}, "geometry.coordinates"),  # beyond float
        ({"type": "LineString", "coordinates": [[129, 35], [130, 30, "high"]]}, "geometry.coordinates"),  # bad z
        ({"type": "LineString", "coordinates": [[129, 35], [[130, 30]]]}, "geometry.coordinates"),  # nested once more
        ({"type": "LineString", "coordinates": [[129, 35], {"lon": 130}]}, "geometry.coordinates"),
        ({"type": "Polygon", "coordinates": []}, "geometry.coordinates"),
        ({"type": "MultiPolygon", "coordinates": []}, "geometry.type"),
        ("not a geometry", "geometry"),
    ],
)
def test_geojson_bad_geometry_names_the_row(geometry, field):
    result = parse_upload("x.geojson", collection(feature(geometry), feature(None, id="air-2020-01-01")), PLACES)
    assert [e.id for e in result.events] == ["upload-air-2020-01-01"]
    (error,) = result.errors
    assert (error.record, error.field) == ("row 1", field)


def test_geojson_line_beyond_the_positions_read_is_an_error(monkeypatch):
    # Beyond MAX_POSITIONS nothing is read (a 2 MB file cannot hold more); below it a line is simplified.
    monkeypatch.setattr(upload, "MAX_POSITIONS", 600)
    line = {"type": "LineString", "coordinates": [[120 + i / 100, 30] for i in range(601)]}
    result = parse_upload("x.geojson", collection(feature(line), feature(None, id="air-2020-01-01")), PLACES)
    assert [e.id for e in result.events] == ["upload-air-2020-01-01"]
    (error,) = result.errors
    assert (error.record, error.field, error.value) == ("row 1", "geometry.coordinates", "601 positions")


def test_geojson_route_in_both_geometry_and_properties_is_refused():
    result = parse_upload("x.geojson", collection(feature(LINE)), PLACES)
    assert result.events == [] and result.errors[0].field == "route.waypoints"


def test_geojson_feature_without_properties():
    content = collection({"type": "Feature", "geometry": None}, feature(None))
    result = parse_upload("x.geojson", content, PLACES)
    assert len(result.events) == 1 and result.errors[0].record == "row 1"


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# (file name, content, field of the one error). Each is garbage as a whole: one error, no events.
GARBAGE = [
    ("big.yaml", b"- a: b\n" * 400_000, "(size)"),  # 2.8 MB
    ("binary.csv", b"id,kind\x00\x01\x02\x00", "(encoding)"),
    ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "(encoding)"),
    ("latin1.csv", "id,name\nair-1,Caf\u00e9\n".encode("latin-1"), "(encoding)"),
    ("empty.yaml", b"   \n", "(file)"),
    ("notes.txt", b"Dear analyst, here are my notes.", "(format)"),  # unknown extension, prose
    ("syntax.yaml", b"- id: [unclosed\n", "(YAML)"),
    ("mapping.yaml", b"id: air-2019-07-23\nkind: air_patrol\n", "(top level)"),
    ("scalar.yaml", b"hello\n", "(top level)"),
    ("python.yaml", b"- !!python/object/apply:os.system ['echo pwned']\n", "(YAML)"),  # unsafe tag
    ("bomb.yaml", b"a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", "(YAML)"),  # alias expansion
    ("list.geojson", b"[1, 2, 3]", "(top level)"),
    ("point.geojson", b'{"type": "Point", "coordinates": [1, 2]}', "(top level)"),
    ("broken.json", b'{"type": "FeatureCollection", "features": [', "(JSON)"),
    ("nofeatures.geojson", b'{"type": "FeatureCollection", "features": {}}', "features"),
    ("deep.json", nested(200_000), "(nesting)"),
    ("deep.geojson", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, None),  # recursion in the JSON parser
    ("deep.yaml", nested(50_000), None),
    ("columns.csv", b"foo,bar\n1,2\n", "(columns)"),
    ("hostile<img src=x onerror=alert(1)>.csv", b"\xff\xfe\xfa", "(encoding)"),
    ("ctrl.yaml", bytes(range(1, 32)) * 10, "(encoding)"),
]


@pytest.mark.parametrize("name, content, field", GARBAGE, ids=[g[0][:30] for g in GARBAGE])
def test_garbage_is_one_clear_error(name, content, field):
    result = parse_upload(name, content, PLACES)
    assert result.events == [] and result.places == {}
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    (error,) = result.errors
    assert error.record == "file" and error.expected
    if field:
        assert error.field == field, str(error)
    assert len(str(error)) < 400


def test_size_cap_message_and_argument():
    result = parse_upload("a.yaml", yaml_bytes([record()]), PLACES, max_bytes=100)
    assert "at most 100 bytes" in result.errors[0].expected


def test_hostile_file_name_is_reduced_to_a_short_base_name():
    result = parse_upload("../../etc/" + "x" * 300 + "\u202e.yaml", yaml_bytes([record()]), PLACES)
    assert result.events[0].file == ("x" * 300 + "?.yaml")[:120]
    assert "/" not in result.events[0].file


@pytest.mark.parametrize(
    "changes",
    [
        {"date_start": datetime.datetime(2019, 7, 23, 10, 0)},  # YAML reads an unquoted timestamp so
        {"sources": [{**VALID_EVENT["sources"][0], "url": "http://[::1"}]},  # urlparse raises ValueError
        {"route": {**VALID_EVENT["route"], "source": ["a"]}},  # unhashable source id
    ],
    ids=["datetime", "ipv6-url", "list-source"],
)
def test_values_that_make_the_loader_raise_become_errors(changes):
    result = parse_upload("mine.yaml", yaml_bytes([record(**changes), record(id="air-2020-01-01")]), PLACES)
    assert [e.id for e in result.events] == ["upload-air-2020-01-01"]
    assert result.errors and result.errors[0].record == "row 1 (id=air-2019-07-23)"


def test_huge_values_are_quoted_short():
    rows = [record(name=["x" * 10_000] * 100)]
    result = parse_upload("mine.yaml", yaml_bytes(rows), PLACES)
    assert result.events == []
    assert all(len(repr(e.value)) < 300 for e in result.errors)


def test_many_bad_rows_are_capped():
    rows = [record(id=f"air-2019-01-{i:04d}", date_start="bad") for i in range(MAX_ERRORS + 50)]
    result = parse_upload("mine.yaml", yaml_bytes(rows), PLACES)
    assert len(result.errors) == MAX_ERRORS + 1
    assert result.errors[-1].field == "(more)" and "50 more" in result.errors[-1].value


@pytest.mark.parametrize(
    "name, content, fmt, problems",
    [
        ("noext", yaml_bytes([record()]), "yaml", []),
        ("noext", collection(feature(None)), "geojson", []),
        # a JSON list is a YAML list; of no records, which is an error (issue 16, item 13)
        ("noext", b"[]", "yaml", [("file", "(records)")]),
    ],
)
def test_format_sniffed_without_extension(name, content, fmt, problems):
    result = parse_upload(name, content, PLACES)
    assert result.format == fmt and [(e.record, e.field) for e in result.errors] == problems


def test_sniffed_csv_without_extension():
    errors: list[DataError] = []
    event = parse_event(record(), "events/test.yaml", 0, PLACES, errors)
    content = export.events_csv([event], PLACES)
    result = parse_upload("download", content, PLACES)
    assert result.format == "csv" and len(result.events) == 1


# ---------------------------------------------------------------- broken uploads, each with its expectation

BROKEN_UPLOADS = pathlib.Path(__file__).parent / "fixtures" / "broken" / "uploads"


def broken_expectations() -> dict[str, tuple[set, int]]:
    """file -> ({(record, field)} it must report, events it must load), from expected.txt."""
    found: dict[str, tuple[set, int]] = {}
    for line in (BROKEN_UPLOADS / "expected.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, record, value = (part.strip() for part in line.split("|"))
        errors, loads = found.get(name, (set(), 0))
        if record == "loads":
            loads = int(value)
        else:
            errors = errors | {(record, value)}
        found[name] = (errors, loads)
    return found


BROKEN_CASES = broken_expectations()


def test_every_broken_upload_has_an_expectation():
    files = {p.name for p in BROKEN_UPLOADS.iterdir() if p.suffix in (".csv", ".yaml", ".geojson")}
    assert files == set(BROKEN_CASES)


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_broken_upload_names_every_problem_and_loads_the_rest(name):
    errors, loads = BROKEN_CASES[name]
    result = parse_upload(name, (BROKEN_UPLOADS / name).read_bytes(), PLACES)
    assert {(e.record, e.field) for e in result.errors} == errors
    assert len(result.events) == loads
    for error in result.errors:  # each says what was expected and what it got
        assert error.expected and error.value not in (None, "")
        assert "must be" in str(error) and "got" in str(error)


# ---------------------------------------------------------------- CSV quoting (issue 16: 5) and round trip (11)


def csv_of(*events) -> str:
    return export.events_csv(list(events), PLACES).decode("utf-8-sig")


def event_of(**changes):
    result = parse_upload("e.yaml", yaml_bytes([record(**changes)]), PLACES)
    assert result.errors == []
    return result.events[0]


@pytest.mark.parametrize(
    "bad_cell, column",
    [
        ('"12-inch guns', "summary"),
        ('"First patrol', "name"),
        ('"RUS|Tu-95MS|2|bomber', "assets"),
        ('"12-inch" guns', "summary"),  # text after the closing quote
        ('"a ""quoted"" word', "summary"),  # doubled quotes, but the cell itself never closes
    ],
)
def test_unclosed_quote_names_its_row_and_the_rest_load(bad_cell, column):
    events = [
        event_of(id=f"air-2020-02-{d:02d}", date_start=f"2020-02-{d:02d}", date_end=f"2020-02-{d:02d}")
        for d in (1, 2, 3, 4, 5)
    ]
    lines = csv_of(*events).split("\n")
    cells = next(csv.reader([lines[3]]))
    cells[export.CSV_COLUMNS.index(column)] = "\0"
    lines[3] = ",".join(f'"{c}"' if c != "\0" else c for c in cells).replace("\0", bad_cell)
    result = parse_upload("q.csv", "\n".join(lines).encode(), PLACES)
    assert [(e.record, e.field) for e in result.errors] == [("row 4", column)]
    assert [e.id for e in result.events] == [
        "upload-air-2020-02-01",
        "upload-air-2020-02-02",
        "upload-air-2020-02-04",
        "upload-air-2020-02-05",
    ]


@pytest.mark.parametrize(
    "summary",
    [
        'A "quoted" word, and a comma',
        "Two lines\nin one cell",
        "Many, many, commas, in, a, cell, that, spans\nlines, but, not, a, whole, row",
        '12" naval guns',
    ],
)
def test_valid_quoting_is_read_as_written(summary):
    event = event_of(summary=summary)
    result = parse_upload("ok.csv", csv_of(event, event_of(id="air-2020-03-01")).encode(), PLACES)
    assert result.errors == []
    assert result.events[0].summary == summary.replace("\n", " ") or result.events[0].summary == summary


TRICKY_VALUES = [
    "H-6K\\N",
    "a|b",
    "a;b",
    "a\\;b",
    "a\\|b",
    "a\\\\b",
    "ends with \\",
    "\\",
    "=cmd|' /C calc'!A0",
    "'quoted",
    "''=x",
]


@pytest.mark.parametrize("value", TRICKY_VALUES)
def test_csv_round_trip_is_lossless(value):
    source = {**VALID_EVENT["sources"][0], "title": value, "producer": value}
    event = event_of(
        name=value,
        summary=value,
        sources=[source, copy.deepcopy(VALID_EVENT["sources"][1])],
        assets=[{"country": "RUS", "type": value, "count": 2, "role": "bomber", "source": "a"}],
    )
    result = parse_upload("back.csv", export.events_csv([event], PLACES), PLACES)
    assert result.errors == []
    (back,) = result.events
    assert (back.name, back.summary) == (value.strip(), value.strip())
    assert [a.type for a in back.assets] == [value.strip()]
    assert [(s.title, s.producer) for s in back.sources][:1] == [(value.strip(), value.strip())]


# ---------------------------------------------------------------- geometry bounded on upload (issue 16: 9)


def huge_geojson(n_features: int = 20, vertices: int = 9_800) -> bytes:
    """Under 2 MB and ~196,000 vertices, like the upload that stalled the map: a random walk in
    short coordinates ("[4.5,6.7]"), so the bytes go to vertices."""
    rng = random.Random(9)
    features = []
    for n in range(n_features):
        lon, lat, coords = 5.0, 5.0, []
        for _ in range(vertices):  # one digit each side of the point: 10 bytes a vertex
            lon = min(9.9, max(1.0, lon + rng.choice((-0.1, 0.1))))
            lat = min(9.9, max(1.0, lat + rng.choice((-0.1, 0.1))))
            coords.append([round(lon, 1), round(lat, 1)])
        day = str(datetime.date(2020, 1, 1) + datetime.timedelta(days=n))
        line = {"type": "LineString", "coordinates": coords}
        route = {"provenance": "map", "source": "a"}
        features.append(feature(line, id=f"air-{day}", date_start=day, date_end=day, route=route))
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")).encode()


def test_huge_geojson_is_simplified_within_the_budget():
    content = huge_geojson()
    assert len(content) <= upload.MAX_BYTES
    result = parse_upload("big.geojson", content, PLACES)
    assert result.errors == [] and len(result.events) == 20
    vertices = sum(len(e.route.waypoints) for e in result.events)
    assert vertices <= upload.MAX_TOTAL_VERTICES
    assert len(result.places) == vertices
    assert len(result.notes) == 20
    assert result.notes[0].startswith("row 1 (id=air-2020-01-01): route simplified from 9,800 to")


def test_long_yaml_route_is_simplified_and_says_so():
    # 120,000 waypoints through three named places: the route keeps its ends and its shape.
    waypoints = ["sea-of-japan", "tsushima-strait", "east-china-sea"] * 40_000
    result = parse_upload(
        "route.yaml",
        yaml_bytes([record(route={**VALID_EVENT["route"], "waypoints": waypoints})]),
        PLACES,
        max_bytes=10**7,
    )
    assert result.errors == []
    (event,) = result.events
    assert 2 <= len(event.route.waypoints) <= upload.MAX_VERTICES
    assert event.route.waypoints[0] == "sea-of-japan" and event.route.waypoints[-1] == "east-china-sea"
    (note,) = result.notes
    assert "route simplified from 120,000 to" in note and "id=upload-air-2019-07-23" in note


def test_small_geometry_is_kept_exactly():
    coords = [[129, 35], [130, 36], [131, 35]]
    line = feature({"type": "LineString", "coordinates": coords}, route={"provenance": "map", "source": "a"})
    result = parse_upload("small.geojson", collection(line), PLACES)
    assert result.errors == [] and result.notes == [] and len(result.events[0].route.waypoints) == 3


@pytest.mark.parametrize(
    "counts, caps",
    [
        ([3, 10], [upload.MAX_VERTICES] * 2),  # within the budget: no change
        ([100_000, 100_000], [upload.MAX_VERTICES] * 2),  # each capped per line
        ([10] * 2000, [4] * 2000),  # many short lines share the budget, at least a closed ring each
    ],
)
def test_vertex_caps(counts, caps):
    assert upload.vertex_caps(counts) == caps


@pytest.mark.parametrize("n, cap", [(10, 20), (1000, 50), (1000, 4), (5000, 500)])
def test_simplified_indices_keep_ends_and_order(n, cap):
    points = [(i * 0.01, math.sin(i / 10)) for i in range(n)]
    kept = upload.simplified_indices(points, cap)
    assert kept[0] == 0 and kept[-1] == n - 1 and kept == sorted(set(kept))
    assert len(kept) <= max(cap, 2) and (n <= cap) == (len(kept) == n)


def zigzag(n: int) -> list[list[float]]:
    """n points east along 35N, each 0.01 degree up or down: far longer than its simplified line."""
    return [[129 + i * 3 / n, 35 + (0.01 if i % 2 else -0.01)] for i in range(n)]


@pytest.mark.parametrize(
    "line",
    [
        zigzag(5_000),
        [
            [179.0 + i / 1000, 50.0] if i < 1000 else [-180 + (i - 1000) / 1000, 50.0] for i in range(2_000)
        ],  # across 180
        [[170 + i / 100, 52 + math.sin(i / 30)] for i in range(3_000)],  # a smooth curve
    ],
)
def test_simplified_route_says_its_full_length(line):
    # The route is drawn with at most MAX_VERTICES points; its length is measured on every point
    # given, with the same geodesic as the map (geopy's, summed leg by leg, is the reference).
    content = collection(
        feature({"type": "LineString", "coordinates": line}, route={"provenance": "map", "source": "a"})
    )
    result = parse_upload("track.geojson", content, PLACES)
    assert result.errors == []
    (event,) = result.events
    assert len(event.route.waypoints) <= upload.MAX_VERTICES
    full = sum(geodesic((a[1], a[0]), (b[1], b[0])).km for a, b in pairwise(line))
    (note,) = result.notes
    assert f"route simplified from {len(line):,} to {len(event.route.waypoints):,} points for drawing" in note
    assert f"length computed on the full route: ~{full:,.0f} km" in note
    assert event.route.note.endswith(f"the full route measures ~{full:,.0f} km.")


def test_route_note_from_the_file_is_kept_before_the_simplification():
    route = {"provenance": "map", "source": "a", "note": "From the JSO's chart"}
    content = collection(feature({"type": "LineString", "coordinates": zigzag(2_000)}, route=route))
    (event,) = parse_upload("track.geojson", content, PLACES).events
    assert event.route.note.startswith("From the JSO's chart Simplified from 2,000 uploaded points to ")


def test_simplified_route_note_is_on_the_card():
    content = collection(
        feature({"type": "LineString", "coordinates": zigzag(2_000)}, route={"provenance": "map", "source": "a"})
    )
    result = parse_upload("track.geojson", content, PLACES)
    card = event_card(result.events[0], {**PLACES, **result.places})
    assert "Simplified from 2,000 uploaded points" in card.route["note"]


def test_hostile_coordinates_fixture_names_every_bad_line():
    # tests/fixtures/hostile/uploads: one good 3,000-point track, six lines whose coordinates are
    # true, NaN, a string z, nested once more, four values, and an integer of 401 digits.
    path = pathlib.Path(__file__).parent / "fixtures/hostile/uploads/track_and_bad_coordinates.geojson"
    result = parse_upload(path.name, path.read_bytes(), PLACES)
    assert [e.id for e in result.events] == ["upload-air-2021-01-01"]
    assert [(e.record, e.field) for e in result.errors] == [(f"row {n}", "geometry.coordinates") for n in range(2, 8)]
    (note,) = result.notes
    assert note.startswith("row 1 (id=air-2021-01-01): route simplified from 3,000 to ")
