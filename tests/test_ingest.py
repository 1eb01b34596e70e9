"""Release ingest: fixtures in five languages read into record fields, matched or drafted, written."""

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from patrolmap.ingest import IngestError, ingest_file, ingest_text, read_input
from patrolmap.ingest.present import highlighted_html, review_rows, reviewed_record
from patrolmap.ingest.review import catalogue_roles
from patrolmap.ingest.text import find_phrase, make_phrase, split_sentences
from patrolmap.ingest.write import add_to_record, additions_from_diff, append_record, run_data_tests
from patrolmap.load import DATA_DIR, load_dataset

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
CASES = yaml.safe_load((FIXTURES / "cases.yaml").read_text(encoding="utf-8"))
DATE_CASES = yaml.safe_load((FIXTURES / "dates.yaml").read_text(encoding="utf-8"))
ACCESSED = date(2026, 12, 1)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA_DIR)


def run(case: dict, dataset) -> dict:
    published = date.fromisoformat(case["published"]) if case.get("published") else None
    return ingest_file(FIXTURES / case["file"], dataset, published=published, url=case.get("url"), accessed=ACCESSED)


# Fields every fixture must get exactly right; list fields are compared as sets. Asset lists are
# scored by the benchmark instead (ship names wait for data/ships.yaml), so here only the types
# that resolve through data/assets.yaml are required to be among those found.
EXACT = ("kind", "date_start", "date_end", "number")
KNOWN_MISSES = {
    # Korea calls the patrol a joint exercise ("연합훈련"); the reader takes the word (benchmark: kind miss).
    ("ko_air_2021_11_19.txt", "kind"),
    ("ko_air_2021_11_19.txt", "match"),
    # "四国沖の太平洋" is a gazetteer point, not an area (benchmark: areas miss).
    ("ja_air_2025_12_10.txt", "areas"),
}


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_fixture_fields(case, dataset):
    result = run(case, dataset)
    expected = case["expected"]
    for name in EXACT + ("match",):
        if name in expected and (case["file"], name) not in KNOWN_MISSES:
            assert result[name] == expected[name], f"{case['file']} {name}"
    for name in ("participants", "areas"):
        if name in expected and (case["file"], name) not in KNOWN_MISSES:
            assert set(result[name]) == set(expected[name]), f"{case['file']} {name}"
    if "incidents" in expected:
        assert {(i["kind"], i["actor"]) for i in result["incidents"]} == {
            (i["kind"], i["actor"]) for i in expected["incidents"]
        }
    got_assets = {(a["country"], a["type"], a["count"]) for a in result["assets"]}
    assert got_assets <= {(a["country"], a["type"], a["count"]) for a in expected.get("assets", [])} or (
        "assets" not in expected
    ), f"{case['file']}: an asset the text does not state"
    for name in result["evidence"]:
        assert result["evidence"][name] in (read_input((FIXTURES / case["file"]).read_text()).text)


@pytest.mark.parametrize(
    "file, reason_words",
    [
        ("en_pla_joint_sword_2024.txt", "several services of one country (CHN)"),
        ("zh_pla_joint_sword_2023.txt", "several services of one country (CHN)"),
        # A Russian-only flight whose last sentence recalls a joint patrol "earlier".
        ("ru_tu95_solo_2026_01_21.txt", "no joint patrol or exercise"),
    ],
)
def test_non_joint_text_gives_no_draft_and_says_why(file, reason_words, dataset):
    case = next(c for c in CASES if c["file"] == file)
    result = run(case, dataset)
    assert result["kind"] is None and result["match"] is None
    assert "draft" not in result and "diff" not in result
    assert reason_words in result["reason"]


def test_the_december_2020_article_matches_its_record_and_ignores_passing_mentions(dataset):
    result = run(next(c for c in CASES if c["file"] == "en_air_2020_12_23.txt"), dataset)
    assert result["match"] == "air-2020-12-22"
    assert result["date_start"] == "2020-12-22"  # "on Tuesday", published Wednesday 23 December
    assert result["evidence"]["date_start"].startswith("Russia's Defence Ministry said on Tuesday")
    assert result["areas"] == ["sea-of-japan", "east-china-sea"]  # not the Gulf of Oman of "last year"
    assert result["assets"] == [
        {"country": "RUS", "type": "Tu-95MS", "count": 2},
        {"country": "CHN", "type": "H-6K", "count": 4},
    ]
    assert result["incidents"] == []  # the July 2019 warning shots are another event
    diff = result["diff"]
    assert diff["disputes"] == []
    assert "number" in diff["agrees"] and "date_start" in diff["agrees"]
    assert diff["source"]["url"].startswith("https://www.yjc.ir/")


@pytest.mark.parametrize(
    "text, language, spelling, found",
    [
        ("Ракетоносцы летали над Японском море.", "ru", "Японское море", True),  # locative case ending
        ("над акваториями Японского, Восточно-Китайского морей", "ru", "Японское море", True),  # shared noun
        ("над акваториями Японского, Восточно-Китайского морей", "ru", "Восточно-Китайское море", True),
        ("中国のH6爆撃機2機", "ja", "H6", True),  # a Latin type name between kana and kanji
        ("Xian H-6K bombers", "en", "H-6", False),  # "H-6" is not inside "H-6K"
        ("under the cooperation plan", "en", "pla", False),  # the PLA is not in "plan"
    ],
)
def test_phrase_matching(text, language, spelling, found):
    sentence = split_sentences(text, language)[0]
    assert bool(find_phrase(make_phrase(spelling, language, by_lemma=True), sentence)) is found


@pytest.mark.parametrize(
    "case",
    DATE_CASES,
    ids=[f"{c['published']}-{c['text'][:24]}" for c in DATE_CASES],
)
def test_dates_from_the_publication_date(case, dataset):
    published = date.fromisoformat(case["published"])
    result = ingest_text(case["text"], dataset, published=published, accessed=ACCESSED)
    assert (result["date_start"], result["date_end"]) == (case["start"], case["end"])


def test_html_gives_main_text_title_date_and_url(dataset):
    result = ingest_file(FIXTURES / "en_html_air_2023_06_06.html", dataset, accessed=ACCESSED)
    assert result["source"]["date_published"] == "2023-06-06"
    assert result["source"]["url"] == "https://wire.example.org/en/news/china-russia-joint-patrol-sea-of-japan"
    assert result["source"]["title"].startswith("China, Russia Conduct Joint Patrol")
    assert result["source"]["producer"] == "Example Wire"
    assert "Most read" not in " ".join(result["evidence"].values())  # the page's side box is not the article
    assert result["assets"] == []  # November's bombers are another patrol


@pytest.mark.parametrize(
    "raw, message",
    [
        ("x" * 200_001, "at most 200,000"),
        ("<html><body></body></html>", "HTML without a main text"),
    ],
)
def test_unreadable_input_is_a_clear_error(raw, message):
    with pytest.raises(IngestError, match=message):
        read_input(raw, "release.html")


def test_new_event_gives_a_draft_the_loader_accepts(tmp_path, dataset):
    case = next(c for c in CASES if c["file"] == "en_air_2023_12_14.txt")
    text = (FIXTURES / case["file"]).read_text().replace("December 14", "March 3").replace("seventh", "twelfth")
    result = ingest_text(
        text, dataset, published=date(2027, 3, 3), url="https://example.org/r", producer="Example", accessed=ACCESSED
    )
    draft = result["draft"]
    assert result["match"] is None and result["gaps"] == []
    assert draft["status"] == "draft" and draft["id"] == "air-2027-03-03"
    assert draft["sources"][0]["language"] == "en"
    data = copy_data(tmp_path)
    append_record(data / "events" / "air_patrols.yaml", draft)
    loaded = load_dataset(data, show_drafts=True)
    assert not loaded.errors, loaded.errors
    assert next(e for e in loaded.events if e.id == "air-2027-03-03").status == "draft"
    refused = load_dataset(data)  # never shown as curated until accepted
    assert [(e.record, e.field) for e in refused.errors] == [("id=air-2027-03-03", "status")]


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_write_adds_to_a_record_without_touching_other_lines(tmp_path, dataset):
    case = next(c for c in CASES if c["file"] == "zh_air_2025_12_09.txt")
    result = run(case | {"url": "https://udn.example.org/news/9193445"}, dataset)
    data = copy_data(tmp_path)
    path = data / "events" / "air_patrols.yaml"
    before = path.read_text(encoding="utf-8").split("\n")
    add_to_record(path, result["diff"]["record"], additions_from_diff(result["diff"]))
    after = path.read_text(encoding="utf-8").split("\n")
    # Every original line is still there, in order: only insertions.
    iterator = iter(after)
    assert all(any(line == other for other in iterator) for line in before)
    assert len(after) > len(before)
    loaded = load_dataset(data)
    assert not loaded.errors, loaded.errors
    event = next(e for e in loaded.events if e.id == "air-2025-12-09")
    assert result["diff"]["source"]["id"] in {s.id for s in event.sources}


def test_data_tests_run_on_the_written_copy(tmp_path, dataset):
    data = copy_data(tmp_path)
    ok, tail = run_data_tests(data)
    assert ok, tail


def test_command_prints_one_json_object_per_file():
    files = [FIXTURES / "en_air_2020_12_23.txt", FIXTURES / "ru_tu95_solo_2026_01_21.txt"]
    proc = subprocess.run(
        [sys.executable, "-m", "patrolmap", "ingest", *map(str, files), "--published", "2020-12-23", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    objects = [json.loads(line) for line in proc.stdout.strip().split("\n")]
    assert [o["match"] for o in objects] == ["air-2020-12-22", None]
    assert objects[1]["kind"] is None and objects[1]["reason"]
    for key in ("kind", "date_start", "date_end", "participants", "areas", "assets", "incidents", "source", "evidence"):
        assert key in objects[0]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--published", "23/12/2020"], "must be YYYY-MM-DD"),
        ([], "cannot be read"),
    ],
)
def test_command_errors_name_the_problem(args, message):
    proc = subprocess.run(
        [sys.executable, "-m", "patrolmap", "ingest", "no-such-file.txt", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode != 0 and message in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "edit, expected",
    [
        # Accept everything as read.
        ({}, {"assets": {("RUS", "Tu-95MS", None), ("CHN", "H-6K", None)}, "number": 12}),
        # Reject a value: the asset is left out.
        ({"assets[1]": {"accept": False}}, {"assets": {("RUS", "Tu-95MS", None)}, "number": 12}),
        # Edit a value in the same form: a count the analyst knows from elsewhere.
        ({"assets[0]": {"value": "RUS Tu-95MS 2"}}, {"assets": {("RUS", "Tu-95MS", 2), ("CHN", "H-6K", None)}}),
        # Reject the numbering: no number claim.
        ({"number": {"accept": False}}, {"number": None}),
    ],
)
def test_review_accept_edit_reject(edit, expected, dataset):
    text = (
        (FIXTURES / "en_air_2023_12_14.txt").read_text().replace("December 14", "March 3").replace("seventh", "twelfth")
    )
    result = ingest_text(text, dataset, published=date(2027, 3, 3), url="https://example.org/r", producer="Example")
    rows = [row | edit.get(row["field"], {}) for row in review_rows(result)]
    reviewed = reviewed_record(result, rows, result["source"], ACCESSED, catalogue_roles(dataset))
    assert reviewed.problems == []
    record = reviewed.record
    if "assets" in expected:
        assert {(a["country"], a["type"], a["count"]) for a in record["assets"]} == expected["assets"]
    if "number" in expected:
        numbers = [c["value"] for c in record["claims"] if c["field"] == "number"]
        assert numbers == ([expected["number"]] if expected["number"] else [])


@pytest.mark.parametrize(
    "edit, problem",
    [
        ({"date_start": {"value": "3 March"}}, "date_start: must be YYYY-MM-DD, got '3 March'"),
        ({"assets[0]": {"value": "two bombers"}}, "assets[0]: write it as 'RUS Tu-95MS 2'"),
        ({"areas[0]": {"accept": False}, "areas[1]": {"accept": False}}, "areas: accept at least one area"),
    ],
)
def test_review_names_each_bad_value(edit, problem, dataset):
    text = (FIXTURES / "en_air_2023_12_14.txt").read_text().replace("December 14", "March 3")
    result = ingest_text(text, dataset, published=date(2027, 3, 3), url="https://example.org/r", producer="Example")
    rows = [row | edit.get(row["field"], {}) for row in review_rows(result)]
    reviewed = reviewed_record(result, rows, result["source"], ACCESSED, {})
    assert reviewed.record is None
    assert any(p.startswith(problem) for p in reviewed.problems), reviewed.problems


def test_highlighted_text_is_escaped():
    text = 'Tu-95MS <img src=x onerror="alert(1)"> [a](https://evil.example)'
    out = highlighted_html(text, [{"field": "assets[0]", "start": 0, "end": 7}])
    assert out.count("<mark") == 1 and '<mark data-field="assets"' in out
    assert "<img" not in out and "&lt;img" in out


def test_command_write_on_a_copy_runs_the_data_tests(tmp_path):
    data = copy_data(tmp_path)
    release = tmp_path / "release.txt"
    release.write_text(
        (FIXTURES / "en_air_2023_12_14.txt").read_text().replace("December 14", "March 3").replace("seventh", "twelfth")
    )
    proc = subprocess.run(
        [sys.executable, "-m", "patrolmap", "ingest", str(release), "--published", "2027-03-03",
         "--url", "https://example.org/r", "--producer", "Example", "--write"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PATROLMAP_DATA_DIR": str(data)},
    )  # fmt: skip
    assert "wrote draft air-2027-03-03" in proc.stderr
    assert "status: draft" in (data / "events" / "air_patrols.yaml").read_text()
    assert "data tests" in proc.stderr and "delete its `status: draft` line" in proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert (DATA_DIR / "events" / "air_patrols.yaml").read_text().count("air-2027-03-03") == 0  # real data untouched
