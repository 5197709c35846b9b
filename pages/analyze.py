"""Analyze (home): filming guide, upload and options, progress, then off to the Report."""
from __future__ import annotations

import time

import streamlit as st

from core.errors import FormCheckError
from core.pipeline import VIEW_CHOICES, AnalysisOptions
from core.quality import CAPTURE_FPS_RANGE
from core.report import DISCLAIMER
from ui import analysis, guard, profile, session, text
from ui.format import megabytes
from ui.theme import esc


def filming_guide() -> None:
    with st.container(border=True):
        st.markdown("**How to film**")
        for icon, line in text.FILMING_GUIDE:
            st.markdown(f"{icon} {line}")


def options_form() -> AnalysisOptions:
    you = profile.about_you()
    with st.expander("Options (optional)", icon=":material/tune:",
                     expanded=bool(st.session_state.get(session.OPEN_OPTIONS))):
        view = st.selectbox("Camera view", VIEW_CHOICES,
                            format_func=lambda v: text.VIEW_CHOICES_LABELS.get(v, v),
                            help="Leave on automatic unless the report guessed the view wrong.")
        fps = st.number_input("Slow-motion capture rate (fps)", min_value=CAPTURE_FPS_RANGE[0],
                              max_value=CAPTURE_FPS_RANGE[1],
                              value=None, step=10, placeholder="only for slow-motion clips, e.g. 240",
                              help="Slow-motion videos play back slower than real time. Give "
                                   "the rate your phone filmed at so timings are real.")
    return AnalysisOptions(height_cm=you.height_cm, length_unit=you.length_unit, view=view,
                           capture_fps=float(fps) if fps else None, speed_mps=you.speed_mps,
                           speed_given=you.speed_given, sex=you.sex, experience=you.experience)


def upload_limit_mb() -> int:
    return int(st.get_option("server.maxUploadSize"))


JOB = "fc_job"  # the job this session waits for (survives a rerun of the page)
POLL_S = 0.5


def run_and_open(job) -> None:
    """Run ``job(progress)`` with a progress bar, save the report, open it."""
    bar = st.progress(0.0, text="Starting…")

    def progress(label: str, fraction: float) -> None:
        bar.progress(min(1.0, max(0.0, float(fraction))), text=f"{label}…")

    try:
        result = job(progress)
        bar.progress(1.0, text="Saving your report…")
        report_id = analysis.save(result)
    finally:
        bar.empty()
    analysis.open_saved(result, report_id)


def queue_text(job) -> str | None:
    """What a queued job's runner is told while it waits; None when it is next (it starts in
    a moment: "next in the queue" beside "Waiting for a free worker" suggested a wait that
    was not there, review 3 Dec)."""
    if job.position <= 0:
        return None
    ahead = "1 analysis" if job.position == 1 else f"{job.position} analyses"
    return f"Waiting for your turn: {ahead} ahead of yours (place {job.position + 1})…"


def wait_and_open(job_id: str) -> None:
    """Show the job's place in the queue, then its stage progress; open its report."""
    st.session_state[JOB] = job_id
    place = st.empty()
    bar = st.progress(0.0, text="Sending your clip…")
    try:
        while True:
            job = analysis.job_status(job_id)
            if job is None:
                raise FormCheckError("job_gone", "This analysis is no longer in the queue.",
                                     "Upload the clip again.")
            if job.state == "queued":
                if (waiting := queue_text(job)) is not None:
                    place.info(waiting, icon=":material/hourglass_top:")
                else:
                    place.empty()
                bar.progress(0.0, text="Starting…" if waiting is None else "Waiting for your turn…")
            elif job.state == "running":
                place.empty()
                bar.progress(min(1.0, max(0.0, job.fraction)), text=f"{job.stage}…")
            elif job.state == "failed":
                st.session_state.pop(JOB, None)
                raise FormCheckError(job.code or "failed", job.message or "This did not work.",
                                     job.hint or "")
            else:
                st.session_state.pop(JOB, None)
                bar.progress(1.0, text="Opening your report…")
                analysis.open_job(job)
                return
            time.sleep(POLL_S)
    finally:
        place.empty()
        bar.empty()


def analyse_upload(upload, options: AnalysisOptions) -> None:
    st.session_state.pop(session.OPEN_OPTIONS, None)
    limit = upload_limit_mb()
    if upload.size > limit * 1024 * 1024:
        raise FormCheckError(
            "too_large", f"This file is {megabytes(upload.size)}, more than the {limit} MB limit.",
            "Trim it to 10–20 s of running (your phone's gallery can trim clips) and upload again.")
    data = upload.getvalue()
    if (rid := analysis.find_saved(data, options)) is not None:
        session.flash("info", "You analysed this clip with these options before: here is "
                              "that report.")
        session.open_report(rid)
    key = analysis.clip_key(analysis.digest_bytes(data), options)
    if analysis.cached(key) is not None:  # already analysed in this process: no job needed
        run_and_open(lambda progress: analysis.analyse_upload(data, upload.name, options, progress))
        return
    wait_and_open(analysis.submit_upload(data, upload.name, options))


def analyse_session(uploads: list, options: AnalysisOptions) -> None:
    """A side clip and a back or front clip of one session: one job, one merged report."""
    st.session_state.pop(session.OPEN_OPTIONS, None)
    limit = upload_limit_mb()
    for up in uploads:
        if up.size > limit * 1024 * 1024:
            raise FormCheckError(
                "too_large", f"{up.name} is {megabytes(up.size)}, more than the {limit} MB limit.",
                "Trim it to 10–20 s of running (your phone's gallery can trim clips) and upload again.")
    datas = [up.getvalue() for up in uploads]
    if (rid := analysis.find_saved_session(datas, options)) is not None:
        session.flash("info", "You analysed these clips with these options before: here is "
                              "that report.")
        session.open_report(rid)
    files = [(d, up.name) for d, up in zip(datas, uploads)]
    if analysis.merge_cached(files, options) is not None:  # both clips analysed in this process
        run_and_open(lambda progress: analysis.merge_cached(files, options))
        return
    wait_and_open(analysis.submit_session(files, options))


def main() -> None:
    st.title("Check your running form")
    st.caption(text.TAGLINE)
    session.show_flash()
    analysis.resume_jobs()
    resumed = st.container()  # an analysis found again after a reload: above the guide, in view
    filming_guide()
    upload = st.file_uploader(
        "Upload a running clip", type=analysis.UPLOAD_TYPES, max_upload_size=upload_limit_mb(),
        help=f"MP4, MOV, M4V, WEBM or AVI, up to {upload_limit_mb()} MB. The clip is only kept "
             "while it is analysed; the report keeps pictures and an annotated video.")
    second = st.file_uploader(
        "Add a back or front clip (optional)", type=analysis.UPLOAD_TYPES,
        max_upload_size=upload_limit_mb(), key="fc_second_clip",
        help="A second clip of the same run, filmed from behind or in front: hips and step "
             "width come from it (arm crossover too from the front; from behind the body "
             "often hides the hands), landing, lean and arms from the side clip. Both are merged "
             "into one report.")
    if second is not None and upload is None:
        st.caption(":material/info: Add the side clip above too; a back or front clip alone "
                   "is analysed as one clip.")
    options = options_form()
    sample = analysis.sample_available()
    left, right = st.columns(2)
    go = left.button("Analyse my run", type="primary", icon=":material/directions_run:",
                     disabled=upload is None and second is None, width="stretch")
    try_sample = right.button("Try a sample clip", icon=":material/play_circle:",
                              disabled=not sample, width="stretch",
                              help="Analyse a computer-rendered runner to see what a report "
                                   "looks like.")
    if not sample:
        st.caption("The sample clip is not available in this installation yet.")
    if go and upload is not None and second is not None:
        with guard.friendly_errors("analysing your clips"):
            analyse_session([upload, second], options)
    elif go and (upload or second) is not None:
        with guard.friendly_errors("analysing your clip"):
            analyse_upload(upload or second, options)
    elif try_sample and sample:
        with guard.friendly_errors("analysing the sample clip"):
            wait_and_open(analysis.submit_sample(options))
    elif st.session_state.get(JOB):  # the page was rerun while this session's job runs
        with guard.friendly_errors("analysing your clip"):
            wait_and_open(st.session_state[JOB])
    elif (running := analysis.running_job()) is not None:
        # the page was reloaded (or a phone reloaded the tab) during an analysis: it came back
        # blank while the report appeared in History unannounced (review, 3 Dec)
        name = f" of {esc(running.filename, typography=False)}" if running.filename else ""
        with resumed:
            st.info(f"Your analysis{name} is still running: its report opens here when it "
                    "is ready.", icon=":material/autorenew:")
            with guard.friendly_errors("analysing your clip"):
                wait_and_open(running.id)
    st.caption(f":material/health_and_safety: {DISCLAIMER}")
    session.keep_browser_cookie()


with guard.friendly_errors():
    main()
