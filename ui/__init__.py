"""Shared pieces of the FormCheck Streamlit front end (the pages in ``pages/`` stay thin).

``text``      wording shown on several pages (filming guide, labels, method texts).
``format``    small formatting helpers for numbers, bands and dates (no Streamlit calls).
``charts``    Altair charts built from a report dict (no Streamlit calls).
``analysis``  running the engine on an upload with a per-clip result cache.
``session``   the report store and what this browser session owns (ids, delete keys).
``guard``     friendly error display around page bodies.
``theme``     CSS and status colours.
``report_view`` / ``owner``  the sections of the Report page.
"""
