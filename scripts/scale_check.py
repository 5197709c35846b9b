"""The Python half of scripts/scale-check.sh (services and workers are started there).

Submits the shared clips at once through :func:`core.jobs.submit_clip` (the app's client API,
one browser token per clip), SIGKILLs the worker (its whole process group) that is running a
job mid-way, waits for every job to end, then checks each report in the store with its
media files. Prints ``scale check: N/N reports stored, 0 lost`` and exits 0 only then.
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core import jobs  # noqa: E402
from core.pipeline import AnalysisOptions  # noqa: E402
from core.store import open_media, open_store  # noqa: E402
from ui.analysis import clip_key, digest_file, options_dict  # noqa: E402

SHARED = REPO.parent / "shared"
CLIPS = [SHARED / "synthetic" / f"{n}.mp4" for n in (
    "syn_side_good_60", "syn_side_overstride_30", "syn_side_straightarms_30", "syn_back_30",
    "syn_front_30", "syn_sidel_lean_60")] + [
    SHARED / "clips" / "zzzhushi_male_side_treadmill.mp4",
    SHARED / "clips" / "jacky_run_inplace_front.mp4"]
TIMEOUT_S = float(os.environ.get("SCALE_TIMEOUT_S", "1500"))


def submit(clip: Path) -> tuple[str, str]:
    owner = secrets.token_urlsafe(24)
    opts = AnalysisOptions()
    job = jobs.submit_clip(clip.read_bytes(), clip.name, options_dict(opts),
                           clip_key(digest_file(clip), opts), owner=owner)
    return job.id, owner


def pgid_of_worker(worker: str, groups: list[int]) -> int | None:
    try:
        pid = int(worker.rsplit(":", 1)[1])
        pg = os.getpgid(pid)
    except (ValueError, IndexError, ProcessLookupError):
        return None
    return pg if pg in groups else None


def in_object_store(rep, rel: str) -> bool:
    """The media file is in the configured media store (S3 in the scale check), checked
    there directly, not through a local cache."""
    key = rep._key(rel)
    if key is None:
        return False
    if rep.media_store is None:
        return rep.media_file(rel) is not None
    return rep.media_store.exists(key)


def clip_removed(jid: str) -> bool:
    """The uploaded clip is gone once its job ended (local folder and object store)."""
    media = open_media()
    return not (jobs.clips_dir() / jid).exists() and not media.any_under(f"{jobs.CLIPS_KEY}/{jid}")


def backends() -> str:
    db = os.environ.get("FORMCHECK_DATABASE_URL", "SQLite in the data folder")
    return (f"reports in {db.split('@')[-1]}, media in "
            f"{os.environ.get('FORMCHECK_MEDIA_URL', 'the data folder')}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kill-one", nargs="+", type=int, default=[],
                    help="process groups of the workers: one is SIGKILLed mid-job")
    args = ap.parse_args()
    clips = [c for c in CLIPS if c.is_file()]
    if len(clips) < 8:
        print(f"scale check: only {len(clips)} shared clips found, need 8", file=sys.stderr)
        return 1
    t0 = time.monotonic()
    with ThreadPoolExecutor(len(clips)) as ex:  # all at once
        submitted = list(ex.map(submit, clips))
    print(f"scale check: {len(submitted)} jobs submitted at once ({backends()})")
    killed = None
    ids = [j for j, _ in submitted]
    while time.monotonic() - t0 < TIMEOUT_S:
        states = [jobs.status(j) for j in ids]
        if killed is None and args.kill_one:
            for s in states:
                if s.state == jobs.RUNNING and s.fraction >= 0.2 and s.worker:
                    pg = pgid_of_worker(s.worker, args.kill_one)
                    if pg is not None:
                        os.killpg(pg, signal.SIGKILL)
                        killed = (pg, s.id)
                        print(f"scale check: SIGKILLed worker {pg} mid-job "
                              f"({s.stage}, {s.fraction:.0%})")
                        break
        if all(s.state in (jobs.DONE, jobs.FAILED) for s in states):
            break
        time.sleep(0.5)
    took = time.monotonic() - t0
    store = open_store()
    stored = 0
    for (jid, owner), clip in zip(submitted, clips):
        s = jobs.status(jid)
        ok = False
        if s.state == jobs.DONE and s.report_id:
            rep = store.get(s.report_id, jobs.take_delete_key(jid))
            media = rep.report.get("media", {}) if rep else {}
            files = [media.get("thumbnail"), media.get("video"), *media.get("evidence", {}).values()]
            files = [f for f in files if f]
            ok = (rep is not None and store.find_clip(owner, s.clip_key) == s.report_id
                  and all(in_object_store(rep, f) for f in files) and clip_removed(jid))
            print(f"  {clip.name:<40} {rep.report['status'] if rep else '?':<8} "
                  f"attempts {s.attempts}  media files {len(files)}  {'ok' if ok else 'MISSING'}")
        else:
            print(f"  {clip.name:<40} {s.state}: {s.message or ''}")
        stored += ok
    if killed:
        k = jobs.status(killed[1])
        print(f"scale check: the killed worker's job ended {k.state} after {k.attempts} attempts")
    else:
        print("scale check: no worker was killed (no job seen mid-way)")
    n = len(submitted)
    print(f"scale check: {n} jobs in {took:.0f} s")
    print(f"scale check: {stored}/{n} reports stored, {n - stored} lost")
    return 0 if stored == n and killed else 1


if __name__ == "__main__":
    sys.exit(main())
