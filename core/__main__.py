"""Command line: ``python -m core analyze CLIP [CLIP ...] [--height CM] [--speed M/S | --pace MIN/KM]
[--view V] [--capture-fps N]
[--out report.json] [--video annotated.mp4] [--media-dir DIR] [--quiet]``, and
``python -m core compare BEFORE.json AFTER.json [--json]`` (metric by metric, see
:mod:`core.compare`).

Several clips of one session (a side clip and a back or front clip) give one merged report
(:mod:`core.session`); the summary says which clip gave which measure.

Runs the same engine as the app, shows a progress bar on stderr and prints a readable summary.
Exit codes: 0 a scored report written, 3 a clip the capture gate refused (its reasons and how
to film it better are printed, and its report is written too), 2 the input could not be
analysed (friendly message, no traceback).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from . import profile  # noqa: E402
from .errors import FormCheckError  # noqa: E402
from .pipeline import VIEW_CHOICES, AnalysisOptions, analyze  # noqa: E402
from .report import dumps  # noqa: E402
from .session import analyze_session  # noqa: E402
from .summary import text_summary  # noqa: E402


def _bar(quiet: bool):
    """Progress on stderr: a redrawn bar on a terminal, one line per stage otherwise."""
    tty = sys.stderr.isatty()
    last = {"stage": None, "pct": -1}

    def cb(stage: str, frac: float) -> None:
        pct = int(frac * 100)
        if quiet or (pct == last["pct"] and stage == last["stage"]):
            return
        if tty:
            n = int(frac * 30)
            sys.stderr.write(f"\r[{'#' * n}{'.' * (30 - n)}] {pct:3d}%  {stage:<36}")
            if frac >= 1.0:
                sys.stderr.write("\n")
        elif stage != last["stage"]:
            sys.stderr.write(f"[{pct:3d}%] {stage}\n")
        sys.stderr.flush()
        last.update(stage=stage, pct=pct)

    return cb


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m core", description="FormCheck running-form analysis",
        epilog=f"analyze exits 0 with a scored report, {EXIT_NOT_SCORED} when the clip was read "
               "but could not be scored (the report says why and how to re-film), 2 when it "
               "could not be analysed at all.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("analyze", help="analyse a running clip (or several clips of one session)")
    a.add_argument("clip", nargs="+", help="the clip; or a side clip and a back or front clip "
                   "of the same run, merged into one report")
    a.add_argument("--height", type=float, help="runner height in cm (adds centimetres)")
    pace = a.add_mutually_exclusive_group()
    pace.add_argument("--speed", type=float, help="treadmill speed in m/s (adds stride length, "
                      "vertical ratio and your own cadence band)")
    pace.add_argument("--pace", help="pace in min/km, e.g. 5:30 or 5.5 (instead of --speed)")
    a.add_argument("--view", default="auto", choices=VIEW_CHOICES)
    a.add_argument("--capture-fps", type=float, help="real capture rate of a slow-motion clip")
    a.add_argument("--out", help="write the report JSON here")
    a.add_argument("--video", help="write the annotated H.264 mp4 here")
    a.add_argument("--media-dir", help="keep all media (evidence stills, video) in this folder")
    a.add_argument("--no-video", action="store_true", help="skip the annotated video (faster)")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    w = sub.add_parser("worker", help="run analysis jobs (Celery when FORMCHECK_BROKER_URL is "
                                      "set, else the embedded queue in the data folder)")
    w.add_argument("--embedded", action="store_true",
                   help="use the jobs table as the queue even if a broker is configured")
    w.add_argument("--parent", type=int, help="exit when this process (the app) is gone")
    w.add_argument("--concurrency", type=int, default=1,
                   help="Celery: jobs at once per worker (each uses every core for its clip)")
    w.add_argument("--once", action="store_true", help="embedded: stop when no job is queued or running")
    c = sub.add_parser("compare", help="compare two reports (before / after)")
    c.add_argument("before", help="report JSON of the earlier run")
    c.add_argument("after", help="report JSON of the later run")
    c.add_argument("--json", action="store_true", help="print the comparison as JSON")
    args = ap.parse_args(argv)
    if args.cmd == "worker":
        return worker(args)
    if args.cmd == "compare":
        return compare_cmd(args.before, args.after, args.json)

    try:  # where the results go, before the analysis (a missing folder failed after it)
        for flag, target in (("--out", args.out), ("--video", args.video)):
            _check_target(flag, target)
    except FormCheckError as e:
        print(f"Can't analyse this clip: {e.message}", file=sys.stderr)
        print(f"Tip: {e.hint}", file=sys.stderr)
        return 2
    media_dir = Path(args.media_dir) if args.media_dir else Path(tempfile.mkdtemp(prefix="formcheck_"))
    try:
        return _analyse(args, media_dir)
    finally:
        if not args.media_dir:
            shutil.rmtree(media_dir, ignore_errors=True)


def _check_target(flag: str, target: str | None) -> None:
    """An output file's folder must exist, and the file must not be a folder."""
    if target is None:
        return
    p = Path(target)
    if p.is_dir() or not p.absolute().parent.is_dir():
        raise FormCheckError("bad_option", f"{flag} {target}: "
                             + ("that is a folder." if p.is_dir() else "its folder does not exist."),
                             f"Give {flag} a file name in a folder that exists.")


def _analyse(args, media_dir: Path) -> int:
    """The analysis and its outputs (``main`` checked the output paths and removes a
    temporary media folder afterwards)."""
    try:
        speed, given = _speed(args.speed, args.pace)
        opts = AnalysisOptions(height_cm=args.height, view=args.view, capture_fps=args.capture_fps,
                               write_video=not args.no_video, speed_mps=speed, speed_given=given)
        if len(args.clip) == 1:
            report = analyze(args.clip[0], opts, media_dir, _bar(args.quiet))
        else:
            report = analyze_session(args.clip, opts, media_dir, _bar(args.quiet))
    except FormCheckError as e:
        sys.stderr.write("\n" if not args.quiet else "")
        print(f"Can't analyse this clip: {e.message}", file=sys.stderr)
        if e.hint:
            print(f"Tip: {e.hint}", file=sys.stderr)
        return 2
    except Exception as e:  # an engine bug must still not end in a traceback for the runner
        sys.stderr.write("\n" if not args.quiet else "")
        print("Can't analyse this clip: something went wrong on our side "
              f"({type(e).__name__}). Please try again or report it.", file=sys.stderr)
        if os.environ.get("FORMCHECK_DEBUG"):
            raise
        return 2
    try:
        if args.out:
            Path(args.out).write_text(dumps(report))
        if args.video and report["media"].get("video"):
            shutil.copyfile(media_dir / report["media"]["video"], args.video)
    except OSError as e:  # a full disk, no permission: the analysis is done, say why it is lost
        print(f"Can't save the results: {e.strerror or type(e).__name__} "
              f"({e.filename or args.out}).", file=sys.stderr)
        return 2
    print(text_summary(report))
    if args.out:
        print(f"\nReport: {args.out}")
    if args.video and report["media"].get("video"):
        print(f"Annotated video: {args.video}")
    if args.media_dir:
        print(f"Media: {media_dir}")
    # a refused clip (walking, slow motion, too few steps) has a report but no scores: a
    # script must be able to tell (fresh-eyes review: it exited 0 like a scored one)
    return EXIT_NOT_SCORED if report.get("status") == "refused" else 0


EXIT_NOT_SCORED = 3  # analyze: the clip was read, but the capture checks refused to score it


def _speed(speed: float | None, pace: str | None) -> tuple[float | None, str]:
    """(m/s, how it was given) from ``--speed`` or ``--pace`` ("5:30" or "5.5" min/km)."""
    if pace is None:
        return speed, "m/s"
    try:
        mins, _, secs = pace.strip().partition(":")
        minutes = float(mins) + (float(secs) / 60 if secs else 0.0)
        if secs and not 0 <= float(secs) < 60:
            raise ValueError
    except ValueError:
        raise FormCheckError("bad_option", f"'{pace}' is not a pace.",
                             "Give your pace in minutes per km, e.g. --pace 5:30 or --pace 5.5.")
    return profile.speed_from(minutes, "min/km"), "min/km"


def worker(args) -> int:
    from . import jobs

    if args.embedded or not jobs.broker_url():
        from .jobs.local import serve

        try:
            return serve(parent=args.parent, once=args.once)
        except KeyboardInterrupt:
            return 0
    from .jobs.celery_app import app

    app.worker_main(["worker", "--loglevel", "INFO", "--concurrency", str(args.concurrency),
                     "--pool", "prefork", "--without-gossip", "--without-mingle"])
    return 0


def compare_cmd(before: str, after: str, as_json: bool = False) -> int:
    """Print the comparison of two report files; exit 2 with a friendly message for a file
    that is missing or not a FormCheck report."""
    import json

    from .compare import compare, table_text
    from .report import load_report

    reports = []
    for path in (before, after):
        try:
            reports.append(load_report(Path(path).read_text(encoding="utf-8")))
        except FileNotFoundError:
            print(f"Can't compare: {path} does not exist.", file=sys.stderr)
            return 2
        except (OSError, UnicodeDecodeError, ValueError) as e:
            why = str(e) if "version" in str(e) else "not a FormCheck report JSON"
            print(f"Can't compare: {path} is {why}." if "version" not in why
                  else f"Can't compare: {path}: {why}.", file=sys.stderr)
            return 2
    try:
        result = compare(*reports)
    except Exception as e:  # a damaged report must not end in a traceback
        print(f"Can't compare these reports: they look damaged ({type(e).__name__}).",
              file=sys.stderr)
        if os.environ.get("FORMCHECK_DEBUG"):
            raise
        return 2
    print(json.dumps(result, indent=1) if as_json else table_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
