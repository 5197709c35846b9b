"""Analyze page: guide, uploader, friendly errors, and the upload -> saved report -> Report flow."""
from __future__ import annotations

import pytest
from streamlit import config as st_config

from conftest import SIDE_CLIP

ANALYZE = "pages/analyze.py"


def _texts(at) -> str:
    return "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.error, *at.info,
                                            *at.success, *at.warning, *at.title])


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_home_shows_guide_uploader_and_options(app, data_dir):
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Check your running form"
    text = _texts(at)
    for needle in ("Side view", "behind or in front", "hip height", "Whole body in frame",
                   "60 fps", "10–20 s"):
        assert needle in text
    # the run's clip, and an optional back or front clip of the same session (core.session)
    assert len(at.file_uploader) == 2
    for up in at.file_uploader:
        assert set(up.allowed_type) >= {".mp4", ".mov", ".m4v", ".webm", ".avi"}
    assert [s.label for s in at.selectbox] == ["Sex", "Running experience", "Camera view"]
    assert at.selectbox[2].options == ["Detect automatically", "Side (either direction)",
                                       "Side, running to the left", "Side, running to the right",
                                       "Front (running toward the camera)",
                                       "Back (running away from the camera)"]
    assert {n.label for n in at.number_input} == {"Your height (cm)", "Slow-motion capture rate (fps)"}
    assert _button(at, "Analyse my run").disabled  # nothing uploaded yet


def test_sample_button_is_on_with_the_shipped_sample(app, data_dir):
    from ui import analysis

    assert analysis.sample_available()  # assets/sample/ is committed
    at = app().run()
    assert not _button(at, "Try a sample clip").disabled


def test_sample_button_says_when_the_sample_is_missing(app, data_dir, monkeypatch):
    from ui import analysis

    monkeypatch.setattr(analysis, "sample_available", lambda: False)
    at = app().run()
    assert _button(at, "Try a sample clip").disabled
    assert "not available" in _texts(at)


def test_text_file_renamed_mp4_gives_friendly_error_and_app_keeps_working(app, data_dir):
    at = app().run()
    at.file_uploader[0].set_value(("notes.mp4", b"these are my running notes, not a video\n" * 50,
                                   "video/mp4"))
    at.run()
    _button(at, "Analyse my run").click()
    at.run()
    assert not at.exception
    assert at.error, "a friendly error is shown"
    msg = at.error[0].value
    assert "Traceback" not in msg and "Error" not in msg.split()[0]
    # its name says mp4: not told to "upload an mp4" (review, s20)
    assert "though its name ends in .mp4" in msg and "Upload an mp4" not in msg, msg
    assert at.title[0].value == "Check your running form"  # still on the page, still working
    at.run()
    assert not at.exception and len(at.file_uploader) == 2


def test_too_large_file_is_refused_before_analysis(app, data_dir):
    old = st_config.get_option("server.maxUploadSize")
    st_config.set_option("server.maxUploadSize", 1)
    try:
        at = app().run()
        at.file_uploader[0].set_value(("long.mp4", b"\0" * (2 * 1024 * 1024), "video/mp4"))
        at.run()
        _button(at, "Analyse my run").click()
        at.run()
    finally:
        st_config.set_option("server.maxUploadSize", old)
    assert not at.exception
    assert any("more than the 1 MB limit" in e.value for e in at.error)
    assert "Trim it" in _texts(at)


@pytest.mark.slow
def test_upload_saves_report_and_opens_it(app, store, side_analysis):
    # side_analysis warmed the per-clip cache: this upload must not re-run the engine.
    from ui import analysis

    calls = []
    real = analysis.pipeline.analyze
    analysis.pipeline.analyze = lambda *a, **k: calls.append(a) or real(*a, **k)
    try:
        at = app().run()
        at.file_uploader[0].set_value((SIDE_CLIP.name, SIDE_CLIP.read_bytes(), "video/mp4"))
        at.run()
        _button(at, "Analyse my run").click()
        at.run()
    finally:
        analysis.pipeline.analyze = real
    assert not calls, "a cached clip is not analysed again"
    assert not at.exception
    assert at.title[0].value == "Your running form"
    token = at.session_state["fc_browser_token"]
    saved = store.list(token)
    assert len(saved) == 1
    rid = saved[0].id
    assert at.session_state["fc_current"] == rid
    assert rid in at.session_state["fc_owned"]
    # Pressing Analyse again for the same clip, in the same browser (its token), opens the
    # same report instead of a copy. (A fresh AppTest of the Analyze page: the run that switched
    # to the report leaves AppTest's element tree holding Analyze widgets wherever the report
    # put nothing at the same place (a "limited" report's layout), and any further run reads
    # their state, which the page change dropped; a browser clears them at the run's end.)
    at = app(ANALYZE, fc_browser_token=token).run()
    at.file_uploader[0].set_value((SIDE_CLIP.name, SIDE_CLIP.read_bytes(), "video/mp4"))
    at.run()
    _button(at, "Analyse my run").click()
    at.run()
    assert at.title[0].value == "Your running form"
    assert any("analysed this clip with these options before" in i.value for i in at.info)
    assert at.session_state["fc_current"] == rid
    assert len(store.list(token)) == 1


@pytest.mark.slow
def test_try_a_sample_analyses_the_demo_clip(app, store):
    from ui import analysis

    assert analysis.sample_available()  # assets/sample/ is committed
    at = app().run()
    _button(at, "Try a sample clip").click()
    at.run(timeout=600)
    assert not at.exception
    assert at.title[0].value == "Sample report", [e.value for e in at.error]
    assert any("sample report" in i.value for i in at.info)
    # The sample is nobody's run: not in this browser's history, no owner controls.
    assert store.list(at.session_state["fc_browser_token"]) == []
    assert "Delete this report…" not in [b.label for b in at.button]
    assert not at.session_state["fc_current"]
    sample_id = at.session_state["fc_sample"]
    assert store.get_sample(sample_id).report["source"]["filename"] == "sample_good_side.mp4"
    # A second try, from another session, opens the same stored sample. (A fresh AppTest:
    # switching this one back keeps stale Analyze widgets in AppTest's element tree.)
    again = app().run()
    _button(again, "Try a sample clip").click()
    again.run(timeout=600)
    assert not again.exception
    assert again.session_state["fc_sample"] == sample_id
    assert store.list(again.session_state["fc_browser_token"]) == []


def test_height_in_feet_and_inches_converts_to_cm(app, data_dir):
    at = app().run()
    assert at.radio[0].label == "Your height in" and at.radio[0].value == "cm"
    at.radio[0].set_value("ft + in").run()
    assert not at.exception
    labels = [n.label for n in at.number_input]
    assert "Your height (cm)" not in labels
    feet = next(n for n in at.number_input if n.label == "Your height (feet)")
    inches = next(n for n in at.number_input if n.label == "and inches")
    feet.set_value(5)
    inches.set_value(10)
    at.run()
    # (5 * 12 + 10) in * 2.54 cm/in = 177.8 cm, the value handed to AnalysisOptions
    assert "5 ft 10 in = 177.8 cm" in [c.value for c in at.caption]
    assert not at.warning
    next(n for n in at.number_input if n.label == "and inches").set_value(0)
    next(n for n in at.number_input if n.label == "Your height (feet)").set_value(6)
    at.run()
    assert "6 ft 0 in = 182.9 cm" in [c.value for c in at.caption]
    # outside 100-230 cm: a friendly note, no height used, no traceback
    next(n for n in at.number_input if n.label == "Your height (feet)").set_value(3)
    at.run()
    assert not at.exception
    assert any("between 3 ft 4 in and 7 ft 6 in" in w.value for w in at.warning)
    assert not any(" = " in c.value and c.value.endswith(" cm") for c in at.caption)


@pytest.mark.slow
def test_a_reloaded_page_finds_its_analysis_again(app, store, side_analysis):
    """A page reloaded during an analysis (a phone reloading the tab) came back blank while
    the report appeared in History unannounced (review, 3 Dec): a new session of the same
    browser (its token) finds its queued job, follows it and opens the report as its owner.
    The job is queued in the real job table with no worker told; the page's own start of the
    embedded workers runs it."""
    import secrets

    from core import jobs
    from core.pipeline import AnalysisOptions
    from ui import analysis

    token = secrets.token_urlsafe(24)
    opts = AnalysisOptions()
    key = analysis.clip_key(analysis.digest_bytes(SIDE_CLIP.read_bytes()), opts)
    jid = jobs.job_id_for(key, token)
    job, added = jobs.table().submit(jid, clip_key=key, clip_path=str(SIDE_CLIP),
                                     filename=SIDE_CLIP.name, options=analysis.options_dict(opts),
                                     owner=token, sample=False)
    assert added and job.state == "queued"
    assert analysis.jobs.active_for(token).id == jid
    assert analysis.jobs.active_for(secrets.token_urlsafe(24)) is None  # another browser's
    at = app(ANALYZE, fc_browser_token=token).run(timeout=300)
    assert not at.exception
    assert at.title[0].value == "Your running form", [e.value for e in at.error]
    [saved] = store.list(token)
    assert at.session_state["fc_current"] == saved.id
    assert saved.id in at.session_state["fc_owned"]  # its report key handed to this browser
    assert jobs.active_for(token) is None
