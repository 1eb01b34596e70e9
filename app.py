"""Home: what this is, what the data covers, how to cite it."""

import streamlit as st

from patrolmap import ui
from patrolmap.about import citation, coverage
from patrolmap.cards import md_escape

dataset = ui.page_setup("Home")
cov = coverage(dataset)

st.title("Russia–China joint military patrols")
st.markdown(
    "An open reference map of the joint strategic air patrols Russia and China have flown since July 2019, "
    "their joint naval patrols since 2021, and the drills they hold with Iran. Every event cites its "
    "sources; where the Russian, Chinese, Japanese, Korean or US accounts differ, each claim is kept with "
    "its source. Areas and routes are drawn from descriptions and are **approximate**."
)
cols = st.columns(4)
cols[0].metric("Events", cov["n_events"])
cols[1].metric("First", str(cov["first"] or "–"))
cols[2].metric("Latest", str(cov["last"] or "–"))
cols[3].metric("Sources cited", cov["n_sources"])
st.markdown(
    " · ".join(f"{kind}: **{n}**" for kind, n in cov["by_kind"].items())
    + f"  \nData version **{md_escape(cov['version'])}**, "
    f"last reviewed **{md_escape(cov['last_reviewed'])}**; "
    f"licence: {md_escape(cov['licence'])}."
)
st.page_link("pages/1_Map.py", label="Open the map", icon=":material/map:")
st.subheader("How to cite")
st.code(citation(cov), language=None, wrap_lines=True)
st.caption(
    "Works offline: maps, basemap and scripts are served by this app; nothing is fetched from the "
    "internet unless you choose online tiles or online geocoding."
)
