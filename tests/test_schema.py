"""What is generated from patrolmap/schema.py stays generated: JSON Schemas, FORMAT.md's tables and
datapackage.yaml's fields match the record types, the data files validate against the JSON Schemas,
and the JSON Schema and the loader agree on what a record may hold."""

import copy
import importlib.util
import json
import re
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from radon.complexity import cc_visit

from conftest import PLACES, VALID_EVENT
from patrolmap import schema
from patrolmap.load import DATA_DIR, parse_event

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build_schema.py"


def load_script():
    spec = importlib.util.spec_from_file_location("build_schema", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


BUILD = load_script()
GENERATED = BUILD.generated_files()
# Each data file -> the JSON Schema its first line names for editors.
DATA_FILES = {
    **{p: "event" for p in sorted((DATA_DIR / "events").glob("*.yaml"))},
    **{p: "place" for p in sorted((DATA_DIR / "places").glob("*.yaml"))},
    DATA_DIR / "assets.yaml": "catalogue",
    DATA_DIR / "ships.yaml": "ship",
    DATA_DIR / "aliases.yaml": "alias",
}
DATA_FILES = {p: name for p, name in DATA_FILES.items() if p.exists()}


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((DATA_DIR / "schema" / f"{name}.schema.json").read_text()))


def schema_errors(name: str, records: list) -> list[str]:
    return [
        f"#{e.path[0] + 1 if e.path else '?'} {e.json_path}: {e.message[:200]}"
        for e in validator(name).iter_errors(records)
    ]


@pytest.mark.parametrize("path", sorted(GENERATED), ids=lambda p: str(p.relative_to(ROOT)))
def test_generated_file_is_up_to_date(path):
    assert path.exists(), f"run python scripts/build_schema.py to write {path.relative_to(ROOT)}"
    assert path.read_text(encoding="utf-8") == GENERATED[path], "run python scripts/build_schema.py"


@pytest.mark.parametrize("path", sorted(DATA_FILES), ids=lambda p: str(p.relative_to(ROOT)))
def test_data_file_validates_against_its_json_schema(path):
    name = DATA_FILES[path]
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    relative = ("../" if path.parent != DATA_DIR else "") + f"schema/{name}.schema.json"
    assert first_line == f"# yaml-language-server: $schema={relative}", "editors find the schema from this line"
    problems = schema_errors(name, yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    assert not problems, f"{len(problems)} problem(s) in {path.name}:\n" + "\n".join(problems)


def format_examples() -> dict[str, list]:
    """The YAML examples in FORMAT.md, by the record they show."""
    text = (DATA_DIR / "FORMAT.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    return {"event": yaml.safe_load(blocks[0]), "place": yaml.safe_load(blocks[1])}


@pytest.mark.parametrize("name", ["event", "place"])
def test_format_md_examples_follow_the_schema(name):
    assert schema_errors(name, format_examples()[name]) == []


def test_format_md_names_every_field_and_value():
    """The drift the issue found (roles transport/helicopter, place kind city, incident kind other) cannot return."""
    text = (DATA_DIR / "FORMAT.md").read_text(encoding="utf-8")
    words = [*schema.KINDS, *schema.ROLES, *schema.INCIDENT_KINDS, *schema.PROVENANCES, *schema.SOURCE_KINDS]
    words += [
        *schema.SOURCE_CARRIES,
        *schema.PLACE_KINDS,
        *schema.CLAIM_FIELDS,
        *schema.REVIEW_CHECKS,
        *schema.COUNTRIES,
    ]
    for model in (schema.Event, schema.Source, schema.Asset, schema.Incident, schema.Claim, schema.Route, schema.Place):
        words += [f for f in model.__pydantic_fields__ if f not in schema.LOADER_FIELDS]
    assert [w for w in words if f"`{w}`" not in text] == []


def test_datapackage_fields_cover_the_records():
    meta = yaml.safe_load((DATA_DIR / "datapackage.yaml").read_text(encoding="utf-8"))
    by_path = {r["path"]: r for r in meta["resources"]}
    events = by_path["data/events/*.yaml"]["schema"]["fields"]
    assert [f["name"] for f in events] == [f for f in schema.Event.__pydantic_fields__ if f not in schema.LOADER_FIELDS]
    kinds = next(f for f in by_path["data/places/*.yaml"]["schema"]["fields"] if f["name"] == "kind")
    assert "city" in kinds["description"]
    incidents = next(f for f in events if f["name"] == "incidents")
    assert "other" in incidents["description"].split("kind (")[1]


def changed(path: tuple, value: object) -> dict:
    record = copy.deepcopy(VALID_EVENT)
    *parents, last = path
    target = record
    for key in parents:
        target = target[key]
    target[last] = value
    return record


# (path, value): records both the JSON Schema and the loader reject.
BOTH_REJECT = [
    (("stray",), "x"),  # unknown key at the top
    (("claims", 0, "so it does not count"), None),  # the cut-short note's stray key
    (("sources", 0, "lang"), "en"),  # misspelt field
    (("kind",), "bombing_raid"),
    (("date_start",), "23/07/2019"),
    (("participants",), ["RU"]),
    (("assets", 0, "count"), 10_001),
    (("assets", 0, "count"), -1),
    (("claims", 0, "value"), "more than 10"),  # a number field with words
    (("claims", 0, "field"), "aircraft"),
    (("sources", 0, "language"), "english"),
    (("sources", 0, "url"), "javascript:alert(1)"),
    (("status",), "final"),
    (("reviewed",), {"date": "2026-11-27", "checked": ["everything"]}),
    (("incidents", 0, "responder"), "Korea"),
]


@pytest.mark.parametrize("path, value", BOTH_REJECT, ids=[".".join(map(str, p)) for p, _ in BOTH_REJECT])
def test_json_schema_and_loader_agree(path, value):
    record = changed(path, value)
    assert schema_errors("event", [VALID_EVENT]) == []
    assert schema_errors("event", [record]), "the JSON Schema accepted it"
    errors = []
    assert parse_event(record, "events/test.yaml", 0, PLACES, errors) is None, "the loader accepted it"


@pytest.mark.parametrize("path", ["patrolmap/schema.py", "patrolmap/load.py", "scripts/build_schema.py"])
def test_no_function_rates_d_or_worse(path):
    worst = [(b.name, b.complexity) for b in cc_visit((ROOT / path).read_text(encoding="utf-8")) if b.complexity > 20]
    assert worst == []


def event_with(incidents=(), countries=()):
    errors = []
    raw = copy.deepcopy(VALID_EVENT)
    raw["incidents"] = [
        {"kind": kind, "actor": actor, "description": "d", "source": "a", **({"responder": r} if r else {})}
        for kind, actor, r in incidents
    ]
    for source, country in zip(raw["sources"], countries, strict=False):
        source["statement_country"] = country
    event = parse_event(raw, "events/test.yaml", 0, PLACES, errors)
    assert errors == [], [str(e) for e in errors]
    return event


@pytest.mark.parametrize(
    "incidents, countries, expected",
    [
        ([("scramble", "JPN", None)], (), {"JPN"}),  # a response kind: the actor responded
        ([("adiz_entry", "RUS", "KOR")], (), {"KOR"}),  # a participant's act: the responder field
        ([("adiz_entry", "RUS", None)], (), set()),  # no responder given: nobody is invented
        ([], ("USA",), {"USA"}),  # a non-participant's statement: it reported
        ([], ("RUS", "CHN"), set()),  # the participants' own statements are not responses
        ([("scramble", "KOR", None), ("protest", "JPN", "JPN")], ("USA",), {"KOR", "JPN", "USA"}),
    ],
)
def test_responders(incidents, countries, expected):
    assert schema.responders(event_with(incidents, countries)) == expected
