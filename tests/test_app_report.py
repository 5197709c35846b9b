"""Report page: owner view, share link (read-only view), delete, not-found, refused clip."""
from __future__ import annotations

import re
import secrets

import pytest

from core.coaching import strength_for_reader
from core.spec import AREA_LABELS, AREAS
from ui import text

REPORT = "pages/report.py"
NOT_FOUND = "could not be found"
NOT_HERE = text.NOT_HERE

pytestmark = pytest.mark.slow  # needs the engine's reports (run once per session)


def _texts(at) -> str:
    return "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.error, *at.info,
                                            *at.success, *at.warning, *at.title, *at.header,
                                            *at.subheader, *at.code]).replace("\\", "")


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def _labels(at) -> list[str]:
    return [b.label for b in at.button]


def _charts(at) -> list:
    return at.get("vega_lite_chart")


def _owner(app, store, analysis):
    saved = store.save(analysis.report, analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    return at, saved


def test_owner_view_shows_scores_fixes_metrics_charts_media(app, store, side_analysis):
    at, _ = _owner(app, store, side_analysis)
    report = side_analysis.report
    text = _texts(at)
    assert at.title[0].value == "Your running form"
    assert side_analysis.report["source"]["filename"] in text
    # Overall + three focus-area cards, each with score and top metric.
    f = report["findings"]
    assert f"{f['overall_score']}<small>/100</small>" in text
    for area in f["areas"]:
        assert AREA_LABELS[area["area"]] in text
        if area["score"] is not None:
            assert f">{area['score']}<small>/100</small>" in text
    # The top fixes (at most 3) with what we saw, cue, drill and dose.
    assert 1 <= len(f["fixes"]) <= 3
    for fx in f["fixes"]:
        assert f"{fx['rank']}. {fx['title']}" in [s.value for s in at.subheader]
        assert "Dose:" in text and "Cue:" in text and "What we saw." in text
    # a counted dose is the plan's first week, and says the plan builds it up (review, s20:
    # "3 x 3 min ... for 3 weeks" here, 4 x 3 and 5 x 3 in the plan)
    counted = [fx for fx in f["fixes"] if (fx.get("drill") or {}).get("dose", "")[:1].isdigit()]
    if counted:  # said once, on the first such card; the others say "to start"
        assert text.count("to start: the 3-week plan builds it up week by week") == 1
    assert "for 3 weeks to start" not in text
    # the low-confidence opening too: once, the later cards keep their badge (review, 2 Dec)
    from core.findings import LOW_CONFIDENCE_WHY

    low = [fx for fx in f["fixes"] + f["more_fixes"] if fx["why"].startswith(LOW_CONFIDENCE_WHY)]
    assert text.count(LOW_CONFIDENCE_WHY.strip()) == min(1, len(low))
    # Metric cards grouped by area, with band, confidence and left/right.
    assert [t.label.split(" (")[0] for t in at.tabs][:3] == [AREA_LABELS[a] for a in AREAS]
    for m in report["metrics"]:
        assert m["label"] in text
    assert "confidence" in text and "Good: " in text
    # left / right only where both legs are seen well: this clip's far (right) leg is not, so
    # no card compares them (core.metrics.base.Context.sides_shown covers every per-side value)
    both = [m for m in report["metrics"] if m.get("left") is not None and m.get("right") is not None]
    if both:
        assert "Left " in text and "Right " in text
    else:
        assert "Left and right are not compared" in text and " · Right " not in text
    # a per-landing metric counts its landings as steps (a stride is two of them)
    m = next(m for m in report["metrics"] if m["id"] == "overstride")
    assert f"{m['n']} steps" in text and f"{m['n']} strides" not in text
    # Charts: joint angles, three per-stride charts, cadence.
    assert len(_charts(at)) >= 5
    # Evidence stills (fixes + frame viewer) and the annotated video.
    assert len(at.get("image")) >= len(f["fixes"]) + 1
    assert len(at.get("video")) == 1
    assert len(at.get("select_slider")) == 1
    # Downloads: JSON, per-stride CSV, video.
    assert [d.label.split(" (")[0] for d in at.get("download_button")] == ["Report", "Strides", "Video"]
    # Owner controls, no raw dicts on screen.
    assert "Create share link" in _labels(at) and "Delete this report…" in _labels(at)
    assert not at.json and not at.get("exception")
    assert "{'" not in text and '{"' not in text
    # a measure that needs the runner's speed says where to give it (not the CLI's flags)
    nm = {n["id"]: n["reason"] for n in report["not_measured"]}
    assert "stride_length" in nm and "--speed" not in nm["stride_length"]
    assert "Give it under **About you**" in text


def test_frame_viewer_and_chart_switch(app, store, side_analysis):
    at, _ = _owner(app, store, side_analysis)
    slider = at.select_slider[0]
    options = slider.options
    assert len(options) >= 2
    # it opens on the first fix's moment, not on the clip's first still
    ev = side_analysis.report["media"]["evidence"]
    first = next(fx["evidence_key"] for fx in side_analysis.report["findings"]["fixes"]
                 if fx.get("evidence_key") in ev)
    assert slider.value == first, (slider.value, first)
    # the good-form reference stills have their own section, not the measured moments
    assert any(k.startswith("reference_") for k in side_analysis.report["media"]["evidence"])
    assert not any("reference" in str(o).lower() for o in options), options
    slider.set_value(options[-1] if isinstance(options[-1], str) else slider.options[-1]).run()
    assert not at.exception
    control = at.get("button_group")[0]
    assert control is not None
    assert len(_charts(at)) >= 5


def test_stop_sharing_names_the_comparison_partner_still_shared(app, store, side_analysis):
    """A comparison link shares both of its reports. "Stop sharing" on one ended the
    comparison but left the other report public while saying "Sharing stopped" (review,
    3 Dec): the panel names the report still shared and stops it on request."""
    from core.compare_share import partners, share_comparison
    from core.store import Proof

    owner = secrets.token_urlsafe(24)
    mine = Proof(owner=owner)
    a = store.save(side_analysis.report, side_analysis.media_dir, owner=owner)
    b = store.save({**side_analysis.report, "source": {
        **side_analysis.report["source"], "filename": "second-run.mp4"}},
        side_analysis.media_dir, owner=owner)
    assert share_comparison(store, a.id, b.id, mine, mine)
    assert partners(store, a.id) == [b.id] and partners(store, b.id) == [a.id]
    at = app(REPORT, fc_current=a.id, fc_browser_token=owner).run()
    assert not at.exception
    _button(at, "Stop sharing").click()
    at.run()
    assert not at.exception
    assert any("Sharing stopped" in s.value for s in at.success)
    still = [w.value for w in at.warning if "Still shared" in w.value]
    assert len(still) == 1 and "second-run.mp4" in still[0], [w.value for w in at.warning]
    assert store.get(b.id, mine).share is not None  # named, not stopped behind the runner's back
    _button(at, "Stop sharing that one too").click()
    at.run()
    assert not at.exception
    assert store.get(b.id, mine).share is None and store.get(a.id, mine).share is None
    assert any("Also stopped: second-run.mp4" in s.value for s in at.success)
    assert not any("Still shared" in w.value for w in at.warning)
    # a report whose comparison partner is not shared any more says nothing more
    _button(at, "Create share link").click()
    at.run()
    _button(at, "Stop sharing").click()
    at.run()
    assert any("Sharing stopped" in s.value for s in at.success)
    assert not any("Still shared" in w.value for w in at.warning)


def test_share_then_view_read_only_then_delete_kills_link(app, store, side_analysis):
    at, saved = _owner(app, store, side_analysis)
    _button(at, "Create share link").click()
    at.run()
    assert not at.exception
    links = [c.value for c in at.code if "?r=" in c.value]
    assert len(links) == 1
    share_id = re.search(r"\?r=([A-Za-z0-9_-]+)", links[0]).group(1)
    assert share_id != saved.id and saved.id not in links[0]
    assert links[0].endswith(f"report?r={share_id}")

    viewer = app(REPORT, query={"r": share_id}).run()
    assert not viewer.exception
    vtext = _texts(viewer)
    assert viewer.title[0].value == "Shared running-form report"
    assert "read-only" in vtext
    assert side_analysis.report["source"]["filename"] not in vtext  # no file name for viewers
    assert not any(lbl in _labels(viewer) for lbl in ("Create share link", "Delete this report…"))
    assert not viewer.text_input and saved.delete_key not in vtext
    assert len(_charts(viewer)) >= 1
    assert not viewer.get("video")  # shared without the video by default
    # the good-form reference speaks to its reader: the runner, or a share link's viewer
    otext = _texts(at)
    assert "Good form for you" in [h.value for h in at.header] and "Beside you:" in otext
    assert "White line: below the hips" in otext  # a side view: the line and arrow are drawn
    assert "Good form for this runner" in [h.value for h in viewer.header]
    assert "Beside the runner:" in vtext and "Beside you" not in vtext
    if side_analysis.report["findings"]["fixes"]:  # the fixes are the runner's, not the reader's
        assert "The runner's top fixes" in [h.value for h in viewer.header]
        assert "Your top fixes" in [h.value for h in at.header]
    # the fixes' pointers to the good-form pictures too ("landing under your hips ... for
    # them" on a shared page: review, 3 Dec)
    # (the fix's own title speaks to the runner, as every fix title on the page)
    pointers = [t.split("):", 1)[-1] for t in vtext.split("\n") if "looks like for them" in t]
    assert all("your" not in t.lower() and " you" not in t for t in pointers), pointers
    if any(f["id"] == "overstriding" for f in side_analysis.report["findings"]["fixes"]):
        assert "is what landing under their hips looks like for them" in vtext
    # what works, in the reader's words too ("What's working for the runner" over "Your
    # cadence is ...": review, 3 Dec)
    strengths = side_analysis.report["findings"]["strengths"]
    assert strengths, "the shared side clip has strengths to show"
    for s in strengths:
        assert strength_for_reader(s) in vtext and s not in vtext, s
        assert s in otext  # the runner's own page keeps "Your ..."
    # and the measures' values and notes ("2 % above your relaxed position", "Against your
    # own most relaxed frames" under "The runner's top fixes": review, 3 Dec)
    notes = [c.value for c in viewer.caption if c.value.startswith(":material/info:")]
    values = [m.value for m in viewer.markdown if 'class="fc-value' in m.value]
    assert notes and values
    assert not [t for t in notes + values if re.search(r"\byour\b", t, re.I)], notes + values
    if any(re.search(r"\byour\b", m.get("caveat") or "", re.I)
           for m in side_analysis.report["metrics"]):
        assert any("the runner's" in t for t in notes)

    # "Stop sharing" says so where the link was (it only vanished: review, s20); a new link
    _button(at, "Stop sharing").click()
    at.run()
    assert not [c for c in at.code if "?r=" in c.value]
    assert any("Sharing stopped" in s.value for s in at.success)
    assert any(NOT_FOUND in w.value for w in app(REPORT, query={"r": share_id}).run().warning)
    _button(at, "Create share link").click()
    at.run()
    assert not any("Sharing stopped" in s.value for s in at.success)
    share_id = re.search(r"\?r=([A-Za-z0-9_-]+)",
                         next(c.value for c in at.code if "?r=" in c.value)).group(1)

    _button(at, "Delete this report…").click()
    at.run()
    _button(at, "Yes, delete it").click()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Check your running form"
    assert any("deleted" in s.value for s in at.success)
    assert store.get(saved.id, saved.delete_key) is None

    dead = app(REPORT, query={"r": share_id}).run()
    assert not dead.exception
    assert any(NOT_FOUND in w.value for w in dead.warning)
    assert not _charts(dead)


@pytest.mark.parametrize("bad", ["", "nope", "../../etc/passwd", "' OR 1=1 --", None])
def test_unknown_or_malformed_share_id_is_not_found(app, store, side_analysis, bad):
    store.save(side_analysis.report, side_analysis.media_dir)  # something that must not leak
    rid = bad if bad is not None else secrets.token_urlsafe(24)
    at = app(REPORT, query={"r": rid}).run()
    assert not at.exception
    text = _texts(at)
    assert any(NOT_FOUND in w.value for w in at.warning)
    assert not _charts(at) and not at.get("image")
    assert not re.search(r"[A-Za-z0-9_-]{32}", text.replace(rid, "")), "no ids of other reports"


@pytest.mark.parametrize("exists", [True, False])
def test_an_owners_address_in_another_browser_says_reports_are_private(
        app, store, side_analysis, exists):
    """/report?id=<id> opened in another browser or device: the runner's own report must not
    look lost (fresh-eyes review), and a stranger must not learn whether the id exists: the
    same words either way, and nothing of the report."""
    saved = store.save(side_analysis.report, side_analysis.media_dir,
                       owner=secrets.token_urlsafe(24))
    rid = saved.id if exists else secrets.token_urlsafe(24)
    at = app(REPORT, query={"id": rid}, fc_browser_token=secrets.token_urlsafe(24)).run()
    assert not at.exception
    assert [w.value for w in at.warning] == [NOT_HERE]
    assert "private" in NOT_HERE and "report key" in NOT_HERE and "share link" in NOT_HERE
    # the reasons lead, deletion first (review, 3 Dec: the owner's own deleted report read
    # "cannot be opened in this browser ... opens only in the browser that made it")
    assert NOT_HERE.index("deleted") < NOT_HERE.index("another browser") < 80
    assert not _charts(at) and not at.get("image") and not at.code
    assert side_analysis.report["source"]["filename"] not in _texts(at)


def test_no_report_open_points_to_analyze_and_history(app, data_dir):
    at = app(REPORT).run()
    assert not at.exception
    assert any("No report is open yet" in i.value for i in at.info)


def test_refused_clip_shows_reasons_and_how_to_refilm(app, store, refused_analysis):
    at, _ = _owner(app, store, refused_analysis)
    q = refused_analysis.report["quality"]
    text = _texts(at)
    assert any("could not score this clip" in w.value for w in at.warning)
    failed = [c for c in q["checks"] if not c["passed"] and c["severity"] == "fail"]
    assert failed
    for c in failed:
        assert c["label"] in text
        # said in its card, not again in the headline above it (the capture-quality list,
        # folded at the bottom, lists every check)
        assert not any(c["detail"] in w.value for w in at.warning), c["detail"]
    # the heading only over tips the cards did not already give (it once stood over nothing)
    more = [t for t in q["tips"] if t not in {c["how_to_fix"] for c in failed}]
    assert ("Also for the next clip" in [s.value for s in at.subheader]) == bool(more)
    assert "The full filming guide" in [e.label for e in at.expander]
    assert "/100" not in text and not _charts(at)  # no scores for a refused clip
    assert "Create share link" not in _labels(at) and "Delete this report…" in _labels(at)
    # a walking clip is not led to a frame rate (no button); the engine's afterthought ("if
    # this is running shown in slow motion, enter the real capture frame rate") says where,
    # in a caption that starts with that condition (UX review, 4 Dec)
    assert not [b for b in at.button if "capture rate" in b.label]
    where = [c.value for c in at.caption if "Slow-motion capture rate (fps)" in c.value]
    asks = any("capture frame rate" in (c.get("how_to_fix") or "") for c in failed)
    assert len(where) == int(asks) and all(w.startswith("If it was slow motion") for w in where)
    # the walker turns round: the header does not say "running to the right"
    turned = any(c["id"] == "direction" and not c["passed"] for c in q["checks"])
    assert "running to the" not in " ".join(c.value for c in at.caption)
    assert ("changing direction" in " ".join(c.value for c in at.caption)) == turned


def test_a_slow_motion_refusal_says_where_the_capture_rate_goes(app, store, refused_analysis):
    """The engine's tip ("enter the real capture frame rate", also the CLI's) names no page:
    the report links to Analyze and names the option (fresh-eyes review). The walking clip's
    real report, with its rhythm check as a slow-motion clip's (core.quality's words)."""
    import copy
    from types import SimpleNamespace

    report = copy.deepcopy(refused_analysis.report)
    rate = next(c for c in report["quality"]["checks"] if c["id"] == "rate")
    rate.update(passed=False, severity="fail", label="Running rhythm",
                detail="The steps come at 18 per minute of video: far too slow for real time. "
                       "This looks like a slow-motion clip.",
                how_to_fix="Enter the real capture frame rate (e.g. 240 for a 240 fps "
                           "slow-motion clip) so we can convert the timing, or upload a "
                           "normal-speed clip.")
    # the steps check asks for the rate too (a long slow-motion clip fails both): the page
    # gives that advice once, and the capture panel's title does not repeat the reasons
    steps = next(c for c in report["quality"]["checks"] if c["id"] == "steps")
    steps.update(passed=False, severity="fail", label="Steps found",
                 detail="Only 3 clear foot contacts in 32 s of video.",
                 how_to_fix="If this is a slow-motion clip, enter the real capture frame rate "
                            "(e.g. 240 for 240 fps) so we can convert the timing; if not, film "
                            "the runner side-on.")
    at, _ = _owner(app, store, SimpleNamespace(report=report,
                                               media_dir=refused_analysis.media_dir))
    # a short button (the whole path as a link label was cut off on a phone: review, 3 Dec),
    # the path in a caption under it
    again = [b for b in at.button if "capture rate" in b.label]
    assert [b.label for b in again] == ["Set the capture rate and analyse it again"]
    assert any("\"Slow-motion capture rate (fps)\"" in c.value for c in at.caption)
    said = " ".join(m.value for m in at.markdown)
    assert said.count("capture frame rate") == 1, said
    # the cause before its symptom: "this looks like a slow-motion clip" above "3 clear foot
    # contacts" (review, 3 Dec; the checks are stored steps first)
    assert said.index("**Running rhythm**") < said.index("**Steps found**")
    assert [e.label for e in (*at.expander, *at.status)  # with an icon: a "Status" block
            if e.label.startswith("Capture quality")] == ["Capture quality — every check we ran"]
    # it opens Analyze with the options unfolded and says what to do there
    again[0].click()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Check your running form"
    assert any("enter its rate" in i.value for i in at.info)
    options = next(e for e in (*at.expander, *at.status) if e.label == "Options (optional)")
    assert options.proto.expanded


def test_a_walking_refusal_leads_with_running_not_the_capture_rate(app, store, refused_analysis):
    """The walking clip's rhythm advice mentions slow motion only as an afterthought: its page
    does not put the capture-rate link first (browser review, s20)."""
    from types import SimpleNamespace

    rate = next(c for c in refused_analysis.report["quality"]["checks"] if c["id"] == "rate")
    assert not rate["passed"] and "walking rhythm" in rate["detail"]
    at, _ = _owner(app, store, refused_analysis)
    assert not [b for b in at.button if "capture rate" in b.label]
    assert "film yourself running" in " ".join(m.value for m in at.markdown)


def test_a_report_stored_before_says_low_confidence_once_in_the_new_words(app, store,
                                                                          side_analysis):
    """Reports stored before 3 Dec open their low-confidence fixes with "Measured with low
    confidence from this clip, ..." (wrong over a session of two clips): the page says the
    sentence of today once, over every card, as for a new report."""
    import copy
    from types import SimpleNamespace

    from core.findings import LOW_CONFIDENCE_WHY, LOW_CONFIDENCE_WHY_BEFORE

    report = copy.deepcopy(side_analysis.report)
    fixes = report["findings"]["fixes"]
    for fx in fixes:
        fx["why"] = LOW_CONFIDENCE_WHY_BEFORE + fx["why"].removeprefix(LOW_CONFIDENCE_WHY)
    at, _ = _owner(app, store, SimpleNamespace(report=report, media_dir=side_analysis.media_dir))
    text = _texts(at)
    assert fixes and text.count(LOW_CONFIDENCE_WHY.strip()) == 1
    assert LOW_CONFIDENCE_WHY_BEFORE.strip() not in text


def test_a_refusal_for_a_turned_runner_reads_no_view(app, store, refused_analysis):
    """A runner lying turned in the picture (45 deg off any quarter turn, which the engine
    does not turn upright) is refused for the turn alone; the header read "Side view, facing
    left (high confidence)" above it (review, 3 Dec). The checks as core.quality.assess
    leaves them: the runner found, and the turn."""
    import copy
    from types import SimpleNamespace

    report = copy.deepcopy(refused_analysis.report)
    report["view"].update(view="side", facing="left", confidence="high")
    person = next(c for c in report["quality"]["checks"] if c["id"] == "person")
    report["quality"]["checks"] = [person, {
        "id": "upright", "label": "Picture upright", "passed": False, "severity": "fail",
        "detail": "The runner lies along the picture (turned about 135°): the video seems to "
                  "be rotated, so no angle in it can be read against the ground.",
        "how_to_fix": "Rotate the clip so the runner stands upright.", "value": 135.0}]
    at, _ = _owner(app, store, SimpleNamespace(report=report,
                                               media_dir=refused_analysis.media_dir))
    head = next(c.value for c in at.caption if " fps" in c.value)
    assert "View not read (the runner is turned in the picture)" in head, head
    assert "Side view" not in head and "confidence" not in head and "facing" not in head


def test_a_refusal_for_its_stretches_says_the_reason_once(app, store, refused_analysis):
    """A recording refused for too short a steady stretch said its reason above the page's
    warning and again in its "What went wrong" card (review, 3 Dec): once, in the card; the
    stretches' table stays."""
    import copy
    from types import SimpleNamespace

    why = ("The runner leaves the picture, splitting the clip into short pieces; the longest "
           "continuous stretch at a steady pace has 4 steps (at least 6 needed).")
    report = copy.deepcopy(refused_analysis.report)
    item = {"start_s": 0.0, "end_s": 4.0, "kind": "start", "reason": "start", "steps": 4,
            "cadence_spm": 168.0, "steady": True, "analysed": False, "basis": "contacts"}
    report["segments"] = {"whole": False, "analysed_start_s": None, "analysed_end_s": None,
                          "items": [item, dict(item, start_s=4.0, end_s=9.0, kind="gap")],
                          "note": why}
    person = next(c for c in report["quality"]["checks"] if c["id"] == "person")
    report["quality"]["checks"] = [person, {
        "id": "cuts", "label": "Continuous stretches", "passed": False, "severity": "fail",
        "detail": why, "how_to_fix": "Record again while running steadily.", "value": 2}]
    at, _ = _owner(app, store, SimpleNamespace(report=report,
                                               media_dir=refused_analysis.media_dir))
    said = [m.value for m in at.markdown if "The runner leaves the picture" in m.value]
    # the card, and the closed "every check we ran" list at the foot; not a line above
    assert said[0].startswith("**Continuous stretches**"), said
    assert not [t for t in said if t.startswith(":material/content_cut:")], said
    assert any(e.label.startswith("The clip's 2 continuous stretches") for e in
               (*at.expander, *at.status)), [e.label for e in at.expander]


def test_report_opens_only_for_its_owner(app, store, side_analysis):
    owner_token, stranger_token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    saved = store.save(side_analysis.report, side_analysis.media_dir, owner=owner_token)
    # A session that is not the owner gets "not found" even with the report id in hand.
    at = app(REPORT, fc_current=saved.id, fc_browser_token=stranger_token).run()
    assert not at.exception
    assert any(NOT_FOUND in w.value for w in at.warning)
    assert not _charts(at) and not at.get("image") and not at.code
    assert side_analysis.report["source"]["filename"] not in _texts(at)
    # The owner's browser opens it with its controls; its token is proof enough to share.
    at = app(REPORT, fc_current=saved.id, fc_browser_token=owner_token).run()
    assert not at.exception and at.title[0].value == "Your running form"
    assert not at.text_input  # no key to type: this browser owns the report
    _button(at, "Create share link").click()
    at.run()
    assert store.get(saved.id, saved.delete_key).share is not None


def test_a_link_reader_keeps_the_shared_report_through_the_navigation(app, store,
                                                                      side_analysis):
    """A share link's reader pressed "Report" (or "Plan") in the top navigation and read "No
    report is open yet ... open one from your history", the link gone from the address
    (review, 3 Dec): this session's last link reopens, read-only, its address given back;
    an owner's report opened after it takes its place."""
    owner_token = secrets.token_urlsafe(24)
    saved = store.save(side_analysis.report, side_analysis.media_dir, owner=owner_token)
    share_id = store.share(saved.id, saved.delete_key, blur_faces=True)
    reader = app(REPORT, query={"r": share_id}).run()
    assert reader.title[0].value == "Shared running-form report"
    reader.query_params.clear()  # the navigation's "Report": no query
    reader.switch_page(REPORT).run()
    assert not reader.exception
    assert reader.title[0].value == "Shared running-form report"
    assert share_id in str(reader.query_params.get("r"))  # the link back in the address
    assert "Create share link" not in _labels(reader)  # still read-only
    reader.query_params.clear()  # the navigation's "Plan"
    reader.switch_page("pages/plan.py").run()
    assert not reader.exception
    assert reader.title[0].value == "A 3-week plan from this report"
    assert "No report is open" not in _texts(reader)
    # the reader's own report, opened after it, is what the pages open next
    mine = secrets.token_urlsafe(24)
    own = store.save(side_analysis.report, side_analysis.media_dir, owner=mine)
    reader.session_state["fc_browser_token"] = mine
    reader.query_params.clear()
    reader.query_params["id"] = own.id
    reader.switch_page(REPORT).run()
    assert reader.title[0].value == "Your running form"
    reader.query_params.clear()
    reader.switch_page(REPORT).run()
    assert reader.title[0].value == "Your running form"


def test_distances_in_the_unit_the_runner_gave_their_height_in(app, store, side_analysis):
    import copy

    from ui.format import length

    report = copy.deepcopy(side_analysis.report)
    m = next(m for m in report["metrics"] if m["id"] == "overstride")
    m["value_cm"] = 12.7  # as if a height had been given: 12.7 cm = 5.0 in
    report["options"]["length_unit"] = "in"
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert "≈ 5.0 in foot ahead of the hips" in captions and "≈ 13 cm" not in " ".join(captions)
    assert length(12.7, "cm") == "13 cm" and length(30.48, "in") == "12 in"


def test_a_verdict_near_its_line_says_so_on_its_card(app, store, side_analysis):
    """A metric judged watch within its reading error of the good range (as the engine marks
    it, core.spec.MetricSpec.near_line) shows its verdict with a "Near the line" badge and the
    sentence that says why; a metric without the mark shows neither. (The treadmill clip's
    own report marks some metrics too: each of them shows both as well.)"""
    import copy

    from core.findings import fix_near_line, harsher_line_note
    from core.spec import BY_ID

    report = copy.deepcopy(side_analysis.report)
    m = next(m for m in report["metrics"] if m["id"] == "cadence")
    assert not m.get("near_line") and m["status"] == "good"
    m.update(value=163.8, display="164 steps/min", status="watch", band_good="165-185 steps/min",
             near_line=BY_ID["cadence"].near_line(163.8, 1.5).__dict__)
    fps = report["source"]["fps_measured"]
    # either side of a line: toward a milder verdict (the engine's mark) or, for a "worth a
    # look", toward "work on it" (core.findings.harsher_line_note, said from the reading)
    marked = [o["id"] for o in report["metrics"]
              if o.get("near_line") or harsher_line_note(o, fps)]
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    # the metric cards' badges (a fix card whose every rated measure is near its line has
    # one too, beside its confidence: core.findings.fix_near_line)
    badges = [e.value for e in at.markdown if "Near the line]" in e.value
              and e.value.startswith("**")]
    assert len(badges) == len(marked) and any("Cadence" in b for b in badges), (badges, marked)
    by = {m["id"]: m for m in report["metrics"]}
    fixes = report["findings"]["fixes"] + report["findings"]["more_fixes"]
    fix_badges = [e.value for e in at.markdown if "Near the line]" in e.value
                  and e.value.startswith(":")]
    assert len(fix_badges) == sum(fix_near_line(fx, by) for fx in fixes)
    sentences = [t for t in (c.value.replace("\\", "") for c in at.caption)
                 if "Near the line:" in t]
    assert len(sentences) == len(marked)
    assert any("Near the line: 164 steps/min, and the good range starts at 165 steps/min. This "
               "measure reads within 1.5 steps/min of the truth on 4 in 5 of our test videos, "
               "so this may be fine." in c for c in sentences), sentences
    unmarked = next(o for o in report["metrics"] if o["status"] == "good")
    assert not any(unmarked["label"] in b for b in badges)


def test_a_worth_a_look_on_the_work_on_it_line_says_so(app, store, side_analysis):
    """Trunk lean 0° beside "work on it: < 0" read "worth a look" with no mark (browser
    review, 2 Dec): its card now carries the "Near the line" badge and says that the reading
    may be one to work on; the verdict stays "worth a look"."""
    import copy

    report = copy.deepcopy(side_analysis.report)
    m = next(m for m in report["metrics"] if m["id"] == "trunk_lean")
    m.update(value=0.2, display="0°", status="watch", near_line=None)
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    card = [e.value for e in at.markdown if e.value.startswith("**Trunk lean**")]
    assert card and "Near the line]" in card[0] and "Worth a look" in card[0], card
    said = [t for t in (c.value.replace("\\", "") for c in at.caption)
            if "Near the line: 0°" in t]
    assert said and ('"work on it" is under 0°' in said[0]
                     and "so it may be one to work on" in said[0]), said
    # its fix (too upright, among the other fixes) says it too, in place of the fix card's
    # accuracy line: once on the metric's card, once on the fix's
    assert [f["id"] for f in report["findings"]["more_fixes"]].count("too_upright") == 1
    assert len(said) == 2, said
    assert not any("Trunk lean reads within" in c.value for c in at.caption)


def test_a_worth_a_look_between_both_lines_says_so_once(app, store, side_analysis):
    """A knee bend of 51 deg (good to 50, "work on it" over 58, read within 9.5 deg): its
    fix card said "so it may be one to work on" at the top and "so this may be fine" in What
    we saw (review, 3 Dec). Now one sentence names both lines, on the card and on the fix,
    and What we saw no longer says the other half."""
    import copy

    from core.findings import near_line_note

    report = copy.deepcopy(side_analysis.report)
    m = next(m for m in report["metrics"] if m["id"] == "knee_flexion_mid")
    m.update(value=51.0, display="51°", status="watch",
             near_line={"edge": 50.0, "error": 9.5, "milder": "good"})
    fx = copy.deepcopy((report["findings"]["fixes"] + report["findings"]["more_fixes"])[0])
    fx.update(id="knee_mid_high", title="Stay taller over the landing leg", severity="watch",
              area="feet", metrics=["knee_flexion_mid"], rank=9,
              seen="Knee bend in midstance: 51° (good: 38–50°). " + near_line_note(m))
    report["findings"]["more_fixes"].append(fx)
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    said = [t for t in (c.value.replace("\\", "") for c in at.caption)
            if "Between two lines: 51°" in t]
    # on the metric's card and on the fix's (the fix's measure card beside it too)
    assert len(said) >= 2 and all("may be fine, or one to work on" in t for t in said), said
    assert not any("Near the line: 51°" in c.value for c in at.caption)
    seen = [e.value for e in at.markdown if e.value.startswith("**What we saw.**")
            and "51°" in e.value]
    assert len(seen) == 1 and "may be fine" not in seen[0], seen


def test_the_sample_report_has_its_own_address(app, store, side_analysis):
    """The sample (nobody's report) opens from /report?sample=<id> in a fresh session (a
    reload); an owned report's id there opens nothing, and no owner controls show."""
    sample = store.save(side_analysis.report, side_analysis.media_dir, sample=True)
    at = app(REPORT, query={"sample": sample.id}).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Sample report"
    assert at.session_state["fc_sample"] == sample.id
    assert not _button_labels_with(at, "Delete")
    owned = store.save(side_analysis.report, side_analysis.media_dir)
    at = app(REPORT, query={"sample": owned.id}).run()
    assert not at.exception and "could not be found" in _texts(at)


def _button_labels_with(at, word: str) -> list[str]:
    return [b.label for b in at.button if word in b.label]


def test_a_new_report_says_what_changed_since_the_last_one(app, store, side_analysis):
    """ "Since your last report": the owner's newer report follows the previous report's
    top fixes; the first report, a share link's reader and another browser see none of it."""
    import copy

    owner_token = secrets.token_urlsafe(24)
    earlier = copy.deepcopy(side_analysis.report)
    earlier["source"]["filename"] = "last_month.mp4"  # another run (not the same footage)
    earlier["findings"]["overall_score"] = 60
    first = store.save(earlier, side_analysis.media_dir, owner=owner_token)
    now = store.save(side_analysis.report, side_analysis.media_dir, owner=owner_token)
    top = earlier["findings"]["fixes"][0]

    at = app(REPORT, fc_current=now.id, fc_browser_token=owner_token).run()
    assert not at.exception
    texts = _texts(at)
    assert "**Since your last report**" in texts and "last_month.mp4" in texts
    assert top["title"] in texts and "about the same (within the measuring noise)" in texts
    overall = side_analysis.report["findings"]["overall_score"]
    assert f"Overall score 60 → {overall} ({overall - 60:+d})" in texts
    _button(at, "Compare in full").click()
    at.run()
    assert not at.exception and at.session_state["fc_compare"] == [first.id, now.id]

    # the first report has nothing before it; a share link's reader sees no history
    at = app(REPORT, fc_current=first.id, fc_browser_token=owner_token).run()
    assert not at.exception and "Since your last report" not in _texts(at)
    share_id = store.share(now.id, now.delete_key)
    viewer = app(REPORT, query={"r": share_id}, fc_browser_token=owner_token).run()
    assert not viewer.exception and viewer.title[0].value == "Shared running-form report"
    assert "Since your last report" not in _texts(viewer) and "last_month.mp4" not in _texts(viewer)


def test_a_report_whose_only_problem_is_tentative_says_no_clear_fix(app, store, side_analysis):
    """Every measure good but one "work on it" read with low confidence near its line (a
    panning render's hip extension: review, 2 Dec): no top fix, "No clear fix in this clip",
    and its advice under "More to check" with why it is only to check."""
    import copy
    import dataclasses

    from core.findings import build_findings
    from core.report import MetricResult, to_jsonable
    from core.spec import BY_ID

    report = copy.deepcopy(side_analysis.report)
    fields = {f.name for f in dataclasses.fields(MetricResult)}
    ms = []
    for m in report["metrics"]:
        if m["id"] == "hip_extension":
            m.update(value=0.0, display="0°", status="fix", confidence="low",
                     near_line=BY_ID["hip_extension"].near_line(0.0, 7.0).__dict__)
        elif m["status"] in ("watch", "fix"):
            m.update(status="good", near_line=None)
        ms.append(MetricResult(**{k: v for k, v in m.items() if k in fields}))
    report["findings"] = to_jsonable(build_findings(ms))
    assert report["findings"]["fixes"] == [] and len(report["findings"]["more_fixes"]) == 1
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    texts = _texts(at)
    assert "No clear fix in this clip" in texts and "Nothing stands out" not in texts
    assert "Your top fixes" not in texts
    # an expander with an icon is a "Status" block to AppTest
    labels = [e.label for e in (*at.expander, *at.status)]
    assert "More to check (1)" in labels, labels
    assert "check it on your next clip before you work on it" in texts
    links = [getattr(e, "label", None) or e.proto.label for e in at.get("page_link")]
    assert "A 3-week plan to keep your form" in links and not any("these fixes" in str(x)
                                                                 for x in links), links


def test_good_form_for_you_never_models_a_fix_its_drawing_misses(app, store, side_analysis):
    """"Good form for you" ties each fix to the phase that shows it, unless the drawn runner's
    own measure for it is outside its good range (media.reference.outside): then it says the
    drawing is no model for that fix, with its value (review, 2 Dec: 'what a hip that extends
    behind you looks like' over a drawing at 8.5 deg, good from 10)."""
    import copy

    report = copy.deepcopy(side_analysis.report)
    fixes = report["findings"]["fixes"]
    fx = next(f for f in fixes if f["id"] == "overstriding")
    report["media"]["reference"]["outside"] = {"overstride": 9.4}
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    texts = _texts(at)
    assert (f"**{fx['title']}** (fix {fx['rank']}): the drawn runner is no model for this one "
            "(its own overstride reads 9") in texts
    assert "is what landing under your hips looks like" not in texts
    # without the mark (or in an older report without the field) the fix points to its phase
    del report["media"]["reference"]["outside"]
    # a later fix of another moment says where to find it: the picture opens on the first
    # fix's moment ("the midstance below" under a landing: review, s20)
    lean = dict(fx, id="too_upright", title="Add a slight forward lean", rank=len(fixes) + 1)
    fixes.append(lean)
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert "is what landing under your hips looks like for you" in _texts(at)
    assert (f"**Add a slight forward lean** (fix {lean['rank']}): the midstance (pick "
            "\u201cMidstance\u201d under Moment below) is what a slight forward lean looks like "
            "for you.") in _texts(at)


def test_a_report_without_good_form_stills_says_why(app, store, side_analysis):
    """A scored report whose good-form stills could not be made says so where the section
    would be (it went missing without a word when the drawing failed: browser review s20)."""
    import copy

    from core import reference

    report = copy.deepcopy(side_analysis.report)
    media = report["media"]
    for ph in reference.PHASES:
        media["evidence"].pop(reference.REFERENCE_KEY.format(phase=ph), None)
    media["reference"] = None
    media["reference_note"] = reference.FAILED_NOTE
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Good form for you" in [h.value for h in at.header]
    assert reference.FAILED_NOTE in _texts(at)
    # a report from before the note (no stills, no note) shows no empty section
    del media["reference_note"]
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert "Good form for you" not in [h.value for h in at.header]


def test_every_judged_measure_with_a_bench_says_how_close_it_reads(app, store, side_analysis):
    """Only measures near their line said how close they read to the truth, so the top fix's
    overstride (its most important number) had none (review, 2 Dec). Every judged card whose
    metric a bench checks now says it (at the clip's frame rate), once: the near-the-line
    sentence already carries it; a fix card says it for its measures."""
    from core.metrics import BY_ID as REG

    report = side_analysis.report
    fps = report["source"]["fps_measured"]
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value.replace("\\", "") for c in at.caption]
    card = [t for t in captions if t.startswith(":material/straighten: This measure reads within")]
    benched = [m for m in report["metrics"] if m["status"] in ("good", "watch", "fix")
               and REG[m["id"]].error_at(fps) is not None and not m.get("near_line")]
    assert benched and len(card) == len(benched), (card, [m["id"] for m in benched])
    over = REG["overstride"].error_at(fps)
    assert any(f"reads within {over:g} % of leg of the truth" in t for t in card)
    by = {m["id"]: m for m in report["metrics"]}
    fixes = report["findings"]["fixes"] + report["findings"]["more_fixes"]
    with_bench = [fx for fx in fixes if any(REG[m].error_at(fps) is not None
                                            and not by[m].get("near_line") for m in fx["metrics"])]
    lines = [t for t in captions if t.startswith(":material/straighten:") and "reads within" in t
             and "This measure" not in t and "Near the line" not in t]
    assert with_bench and len(lines) == len(with_bench), (lines, [fx["id"] for fx in with_bench])
    # and a judged measure no bench checks says so, on its card and its fix's (review, 2 Dec)
    unbenched = [m for m in report["metrics"] if m["status"] in ("good", "watch", "fix")
                 and REG[m["id"]].error_at(fps) is None
                 and not (m.get("extra") or {}).get("reading_error")]
    assert unbenched
    assert sum("No accuracy figure yet: we have not checked this measure" in t
               for t in captions) == len(unbenched)
    silent = [fx for fx in fixes if any(m["id"] in fx["metrics"] for m in unbenched)]
    assert sum("no accuracy figure yet: we have not checked" in t for t in captions) == \
        len(silent)
    # the overstriding fix: overstride first, then its other benched measures (foot strike)
    strike = REG["foot_strike"].error_at(fps)
    assert lines[0] == (f":material/straighten: Overstride reads within {over:g} % of leg and "
                        f"foot strike within {strike:g}° of the truth on 4 in 5 of our test "
                        "videos.")


def test_feet_and_inches_mean_inches_in_every_text(app, store, side_analysis):
    """A runner who gave their height in feet + inches read "≈ 7.7 in" on the overstride card
    and "(20 cm)" in its fix and on the area card (review, 2 Dec). Every text quoting a length
    now says it in inches (feet for a step), the stored report and its download stay in cm."""
    import copy

    from ui.format import in_runners_units

    report = copy.deepcopy(side_analysis.report)
    report["options"]["length_unit"] = "in"
    m = next(m for m in report["metrics"] if m["id"] == "overstride")
    fx = next(f for f in report["findings"]["fixes"] if "overstride" in f["metrics"])
    assert m["display"] in fx["seen"]
    m["value_cm"] = 20.0
    old = m["display"]
    m["display"] = m["display"].split(" (")[0] + " (20 cm)"
    fx["seen"] = fx["seen"].replace(old, m["display"])
    ratio = {"id": "vertical_ratio", "label": "Vertical ratio", "area": "hips", "unit": "%",
             "value": 12.0, "display": "12.0 % (11.8 cm up and down per 0.99 m step)",
             "status": "fix", "confidence": "high"}
    report["metrics"].append(ratio)
    shown = in_runners_units(report)
    ms = {x["id"]: x for x in shown["metrics"]}
    assert ms["overstride"]["display"].endswith("(7.9 in)")
    assert ms["vertical_ratio"]["display"] == "12.0 % (4.6 in up and down per 3.2 ft step)"
    assert "(7.9 in)" in next(f for f in shown["findings"]["fixes"]
                              if "overstride" in f["metrics"])["seen"]
    assert "(20 cm)" in m["display"]  # the report itself is unchanged
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    page = " ".join(e.value for e in (*at.markdown, *at.caption))
    assert "(20 cm)" not in page and "7.9 in" in page
    assert "0.99 m step" not in page


def test_the_speed_is_quoted_as_the_runner_gave_it(app, store, side_analysis):
    """A runner who typed 10 km/h read "your own band at 2.78 m/s" (review, 2 Dec): the page
    quotes their speed in their unit; the stored report keeps m/s."""
    import copy

    from ui.format import in_runners_units

    report = copy.deepcopy(side_analysis.report)
    report["profile"] = {"speed_mps": 10 / 3.6, "speed_given": "km/h"}
    cad = next(m for m in report["metrics"] if m["id"] == "cadence")
    cad["band_good"] = "162-182 steps/min, your own band at 2.78 m/s"
    cad["caveat"] = "From the speed you gave (2.78 m/s)."
    shown = {m["id"]: m for m in in_runners_units(report)["metrics"]}["cadence"]
    assert shown["band_good"].endswith("your own band at 10.0 km/h")
    assert shown["caveat"] == "From the speed you gave (10.0 km/h)."
    assert cad["band_good"].endswith("2.78 m/s")
    report["profile"]["speed_given"] = "min/km"
    shown = {m["id"]: m for m in in_runners_units(report)["metrics"]}["cadence"]
    assert shown["band_good"].endswith("at 6:00 min/km")
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    page = _texts(at)
    assert "6:00 min/km" in page and "2.78 m/s" not in page


def test_a_limit_of_the_clip_is_said_once_with_its_tip(app, store, side_analysis):
    """The camera angle's paragraph came three times, word for word: the banner, "How to
    film it better" and "Capture quality" (review, 2 Dec). The banner says it; the filming
    notes give its tip; the capture panel points to them."""
    import copy

    report = copy.deepcopy(side_analysis.report)
    angle = next(c for c in report["quality"]["checks"] if c["id"] == "angle")
    detail, tip = angle["detail"], angle["how_to_fix"]
    assert not angle["passed"] and angle["severity"] == "warn"
    assert report["status"] == "limited" and detail.rstrip(".") in report["quality"]["summary"]
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    text = _texts(at)
    assert text.count(detail.rstrip(".")) == 1, text
    assert text.count(tip) == 1, [t for t in text.split("\n") if tip[:30] in t]
    assert "**Camera angle** — said above, with its tip, among the filming notes." in text


def test_an_information_card_is_not_given_a_good_band(app, store, side_analysis):
    """"Flight time Info ... Good: informational" read as a verdict (review, 2 Dec): a
    measure shown for information says so instead of a good band."""
    at, _ = _owner(app, store, side_analysis)
    info = [m for m in side_analysis.report["metrics"] if m["status"] == "info"]
    assert info, "the treadmill clip's report shows flight time for information"
    text = _texts(at)
    assert "Good: informational" not in text and "Good: shown, not judged" not in text
    assert text.count("Shown for information, not judged") == len(info)


def test_the_bounce_fix_shows_the_hips_rise_and_fall_not_a_still(app, store, side_analysis):
    """"Run forward, not up" showed one ordinary frame, which cannot show a bounce (review,
    2 Dec): its card shows the hips' height over the clip instead."""
    import copy

    report = copy.deepcopy(side_analysis.report)
    assert "hip_height" in report["series"]["channels"]
    fx = report["findings"]["fixes"][0]
    report["findings"]["fixes"][0] = {**fx, "id": "bounce", "title": "Run forward, not up",
                                      "metrics": ["vertical_oscillation"],
                                      "evidence_key": "vertical_oscillation"}
    saved = store.save(report, side_analysis.media_dir)
    at = app(REPORT, fc_current=saved.id, fc_owned={saved.id: saved.delete_key}).run()
    assert not at.exception, [e.value for e in at.exception]
    text = _texts(at)
    assert "Your hips' height over the clip (% of leg length)" in text
    plain = store.save(side_analysis.report, side_analysis.media_dir)
    before = app(REPORT, fc_current=plain.id, fc_owned={plain.id: plain.delete_key}).run()
    assert len(_charts(at)) == len(_charts(before)) + 1  # the hips' height, in the fix card
