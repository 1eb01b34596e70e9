"""Add from a release: paste a ministry release or news article (or upload saved HTML), review each
value read from it beside the text, and download the draft record as YAML. Offline; nothing is saved.
The text is untrusted: it is shown escaped, never as Markdown."""

from datetime import date

import streamlit as st

from patrolmap import ui
from patrolmap.cards import md_escape
from patrolmap.ingest import IngestError, ingest_text, read_input
from patrolmap.ingest.present import REVIEW_COLUMNS, highlighted_html, record_yaml, review_rows, reviewed_record
from patrolmap.ingest.review import catalogue_roles
from patrolmap.load import parse_event

MAX_UPLOAD_BYTES = 2_000_000

dataset = ui.page_setup("Add from a release")
st.title("Add from a release")
st.caption(
    "A defence-ministry release or news report in English, Russian, Chinese, Japanese or Korean becomes a draft "
    "record (status: draft) or, when it is about a record already in data/, a list of what it adds and where it "
    "disagrees. Each value is marked where it was found; accept, edit or reject it, then download the YAML."
)

left, right = st.columns(2)
with left:
    pasted = st.text_area("Text of the release or article", height=220, key="w_release_text")
    uploaded = st.file_uploader("…or a page saved from the browser (HTML or text)", type=["html", "htm", "txt"])
with right:
    published_text = st.text_input(
        "Publication date (YYYY-MM-DD)",
        key="w_release_published",
        help="Weekdays and relative dates in the text are read from it; without it, from the page or today.",
    )
    url = st.text_input("URL of the page", key="w_release_url", placeholder="https://...")
    producer = st.text_input("Published by", key="w_release_producer", placeholder="e.g. TASS, Xinhua, Kyodo")
    title = st.text_input("Headline (optional)", key="w_release_title")

published = None
if published_text.strip():
    try:
        published = date.fromisoformat(published_text.strip())
    except ValueError:
        st.error(f"Publication date must be YYYY-MM-DD, got {md_escape(published_text.strip())}")
        st.stop()

raw, name = pasted, "pasted text"
if uploaded is not None:
    content = uploaded.getvalue()
    if len(content) > MAX_UPLOAD_BYTES:
        st.error(f"{md_escape(uploaded.name)}: {len(content):,} bytes; at most {MAX_UPLOAD_BYTES:,}.")
        st.stop()
    raw, name = content.decode("utf-8", errors="replace"), uploaded.name

if not raw.strip():
    st.info("Paste a text or upload a saved page to begin.")
    st.stop()

try:
    reading = read_input(raw, name)
    result = ingest_text(
        raw,
        dataset,
        published=published,
        url=url.strip() or None,
        title=title.strip() or None,
        producer=producer.strip() or None,
        name=name,
    )
except IngestError as exc:
    st.error(md_escape(str(exc)))
    st.stop()

source = dict(result["source"])
if result["reason"]:
    st.warning("No draft: " + md_escape(result["reason"]))
if result["match"]:
    st.success(f"This text is about the record {result['match']}: nothing in it is overwritten.")

text_column, review_column = st.columns([1, 1])
with text_column:
    st.subheader("The text, with what was read from it")
    st.html(highlighted_html(reading.text, result["spans"]))
    st.caption(
        f"Language: {source['language']} · published: {source['date_published'] or 'not given (today used as base)'}"
    )

with review_column:
    st.subheader("Review each value")
    rows = review_rows(result)
    edited = st.data_editor(
        rows,
        key="w_release_review",
        hide_index=True,
        width="stretch",
        column_order=REVIEW_COLUMNS,
        disabled=["field", "found in"],
        column_config={
            "accept": st.column_config.CheckboxColumn("accept", help="Untick to reject the value"),
            "value": st.column_config.TextColumn(
                "value", help="Edit in the same form: 'RUS Tu-95MS 2', 'scramble JPN'"
            ),
            "found in": st.column_config.TextColumn("found in", width="large"),
        },
    )

if result.get("diff"):
    diff = result["diff"]
    st.subheader(f"What this text adds to {diff['record']}")
    st.dataframe([{"adds": str(a)} for a in diff["adds"]] or [{"adds": "nothing new"}], hide_index=True)
    if diff["disputes"]:
        st.subheader("Where it disagrees (disputes to record)")
        st.dataframe(diff["disputes"], hide_index=True)
    st.download_button(
        "Download the additions (YAML)",
        data=record_yaml({"id": diff["record"], "add": {"sources": [diff["source"]]}, "diff": diff}),
        file_name=f"{diff['record']}-additions.yaml",
        mime="application/x-yaml",
    )
elif result["kind"]:
    source.update({"url": url.strip() or source.get("url"), "producer": producer.strip() or source.get("producer")})
    edited_rows = edited.to_dict("records") if hasattr(edited, "to_dict") else list(edited)
    reviewed = reviewed_record(result, edited_rows, source, date.today(), catalogue_roles(dataset))
    if reviewed.problems:
        st.subheader("Before the draft can be downloaded")
        st.dataframe([{"problem": p} for p in reviewed.problems], hide_index=True, width="stretch")
    else:
        errors = []
        parse_event(reviewed.record, "draft.yaml", 0, dataset.places, errors)
        if errors:
            st.subheader("The loader would refuse this draft")
            st.dataframe([{"field": e.field, "value": e.value_text, "expected": e.expected} for e in errors])
        else:
            yaml_text = record_yaml(reviewed.record)
            st.subheader(f"Draft {reviewed.record['id']} (status: draft)")
            st.code(yaml_text, language="yaml")
            st.download_button(
                "Download the draft (YAML)",
                data=yaml_text,
                file_name=f"{reviewed.record['id']}.yaml",
                mime="application/x-yaml",
                key="w_release_download",
            )
