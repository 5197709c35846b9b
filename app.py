"""FormCheck: the Streamlit entry point (``streamlit run app.py``).

Pages: Analyze (home, at ``/``; ``/analyze`` sends a runner there), Report (also the
share-link page: ``/report?r=<share id>``), History, Method, and Live when ``pages/live.py``
exists (see ``ui/nav.py``).
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import nav, theme

PAGES = Path(__file__).resolve().parent / "pages"

st.set_page_config(page_title="FormCheck", page_icon=":material/directions_run:",
                   layout="centered", initial_sidebar_state="collapsed")
specs = nav.page_specs(PAGES)
# the home page is served at "/": its own name goes to the alias below (Streamlit keeps the
# default page's inferred path for its uniqueness check, hence url_path="home")
pages = [st.Page(PAGES / p.file, title=p.title, icon=p.icon, default=p.default,
                 url_path="home" if p.default else None) for p in specs]
home, home_spec = next((page, spec) for page, spec in zip(pages, specs) if spec.default)


def _to_home() -> None:
    """``/analyze`` (the home page's own name, e.g. typed or bookmarked) opens the home page
    at ``/`` instead of Streamlit's "Page not found"."""
    st.switch_page(home)


page = st.navigation(pages + [st.Page(_to_home, title=home_spec.title, url_path=nav.HOME_ALIAS,
                                      visibility="hidden")], position="top")
theme.inject_css()
page.run()
