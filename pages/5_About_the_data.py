"""Coverage, method, licence, how to cite and the change log, rendered from data/."""

import streamlit as st

from patrolmap import tables, ui
from patrolmap.about import citation, coverage
from patrolmap.cards import md_escape

dataset = ui.page_setup("About the data")
cov = coverage(dataset)
meta = dataset.meta or {}

st.title("About the data")
st.markdown(md_escape(meta.get("description", "")))
st.subheader("Coverage")
st.markdown(
    f"**{cov['n_events']}** events from **{cov['first']}** to **{cov['last']}**, "
    f"**{cov['n_sources']}** source citations, **{cov['n_places']}** gazetteer places. "
    f"Data version **{md_escape(cov['version'])}**, last reviewed **{md_escape(cov['last_reviewed'])}**."
)
st.dataframe([{"kind": k, "events": n} for k, n in cov["by_kind"].items()], hide_index=True)
included, excluded, not_found = tables.scope_sections(meta.get("scope"))
if included or excluded:
    st.subheader("Scope")
    st.markdown("**Included**")
    for line in included:
        st.markdown("- " + md_escape(line))
    if excluded:
        st.markdown("**Left out, and why**")
        st.dataframe(excluded, hide_index=True, width="stretch")
    for line in not_found:
        st.caption("Searched for and not found: " + md_escape(line))
st.subheader("Review of each record")
st.caption("Each record is checked against its sources; the date and what was checked are kept in the record.")
st.dataframe(tables.review_rows(dataset.events), hide_index=True, width="stretch")
if meta.get("method"):
    st.subheader("Method")
    for line in meta["method"]:
        st.markdown("- " + md_escape(line))
st.subheader("Licence")
st.markdown(md_escape(cov["licence"]))
st.subheader("How to cite")
st.code(citation(cov), language=None, wrap_lines=True)
if meta.get("changes"):
    st.subheader("Change log")
    st.dataframe(meta["changes"], hide_index=True, width="stretch")
if meta.get("resources"):
    st.subheader("Files and fields")
for resource in meta.get("resources") or []:
    with st.expander(md_escape(f"{resource.get('path', '')}: {resource.get('title', '')}")):
        st.dataframe((resource.get("schema") or {}).get("fields") or [], hide_index=True, width="stretch")
