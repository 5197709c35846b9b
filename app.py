"""FormCheck: the Streamlit entry point (``streamlit run app.py``).

Pages: Analyze (home), Report (also the share-link page: ``/report?r=<share id>``), History,
Method, and Live when ``pages/live.py`` exists (see ``ui/nav.py``).
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import nav, theme

PAGES = Path(__file__).resolve().parent / "pages"

st.set_page_config(page_title="FormCheck", page_icon=":material/directions_run:",
                   layout="centered", initial_sidebar_state="collapsed")
page = st.navigation([st.Page(PAGES / p.file, title=p.title, icon=p.icon, default=p.default)
                      for p in nav.page_specs(PAGES)], position="top")
theme.inject_css()
page.run()
