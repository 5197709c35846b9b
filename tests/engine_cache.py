"""One real engine run per clip and options per test session (the pose pass is the slow part),
and one render per synthetic runner.

``report_for`` keeps a report in this process (``lru_cache``) and, when the run has a shared
pose-track cache folder (``FORMCHECK_POSE_CACHE``, made by ``tests/conftest.py`` for the
whole run), also as JSON in that folder's ``reports/``, keyed by the clip's SHA-256 and the
options, under a file lock: the other pytest-xdist worker reads it instead of analysing the
same clip again (a report is plain JSON types, so the copy reads back equal). The media
folder of that run (evidence stills, video) stays beside it until the run's end.

``rendered(preset, seconds, sound=None, **over)`` renders a synthetic runner
(:mod:`core.synthetic`, with a sound track when ``sound`` is a ``SoundSpec``) once per run in
the same way: into that folder's ``renders/``, keyed by everything that sets the clip, under a
file lock, so two test modules (or both workers) asking for the same runner share one render,
and ``report_for`` of its video shares one engine run.
"""
from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from core import pose_cache
from core.pipeline import AnalysisOptions, analyze
from core.synthetic.audio import SoundSpec

SHARED = Path(__file__).resolve().parents[2] / "shared"
CLIPS = SHARED / "clips"
SYNTH = SHARED / "synthetic"
# The good runner as test_audio.py and test_synthetic_e2e.py both use it (one render, one
# engine run): left landings 8 dB louder, the sound 80 ms behind the picture, 6 s at 60 fps.
GOOD_SOUND = SoundSpec(left_db=-14.0, right_db=-22.0, offset_s=0.08, seed=11)
GOOD_SOUND_SECONDS = 6.0


@contextmanager
def _locked(lock: Path):
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # the other worker may be making this now
        yield
    finally:
        os.close(fd)


@functools.lru_cache(maxsize=None)
def report_for(path: str, capture_fps: float | None = None, write_video: bool = False) -> dict:
    opts = AnalysisOptions(capture_fps=capture_fps, write_video=write_video)
    folder = pose_cache.cache_dir()
    if folder is None:
        return analyze(path, opts, tempfile.mkdtemp(prefix="fc_test_"))
    reports = folder / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    key = f"{pose_cache.file_digest(path)[:32]}-{capture_fps}-{int(write_video)}"
    done = reports / f"{key}.json"
    with _locked(reports / f"{key}.lock"):
        if done.is_file():
            return json.loads(done.read_text())
        report = analyze(path, opts, tempfile.mkdtemp(prefix=f"{key}-", dir=reports))
        tmp = done.with_suffix(".tmp")
        tmp.write_text(json.dumps(report))
        os.replace(tmp, done)
        return report


@functools.lru_cache(maxsize=None)
def rendered(preset: str, seconds: float, sound=None, **over) -> tuple[Path, dict]:
    """``(video, truth)`` of ``PRESETS[preset]`` (its view and frame rate) with the parameters
    ``over`` changed, ``seconds`` long, with ``sound``'s track when given: rendered once per
    run (see the module docstring). ``truth`` is the render's ``NAME_truth.json``."""
    from core.synthetic import PRESETS, write_clip
    from core.synthetic.audio import write_clip_with_sound

    p = PRESETS[preset]
    params = p.params.with_(**over) if over else p.params
    spec = repr((params, p.view, p.fps, float(seconds), sound))
    key = hashlib.sha256(spec.encode()).hexdigest()[:24]
    folder = pose_cache.cache_dir()
    root = Path(tempfile.mkdtemp(prefix="fc_render_")) if folder is None else folder / "renders"
    root.mkdir(parents=True, exist_ok=True)
    video = root / key / f"{preset}.mp4"
    with _locked(root / f"{key}.lock"):
        if not video.parent.is_dir():  # rendered aside, then moved in place whole
            tmp = Path(tempfile.mkdtemp(prefix=f"{key}-", dir=root))
            kw = dict(view=p.view, fps=p.fps, seconds=seconds)
            if sound is None:
                write_clip(tmp / video.name, params, **kw)
            else:
                write_clip_with_sound(tmp / video.name, params, sound, **kw)
            os.replace(tmp, video.parent)
        return video, json.loads(video.with_name(f"{preset}_truth.json").read_text())


_CLIPS: dict[str, Path] = {}


def rendered_clip(name: str, params, **kw) -> Path:
    """The video of ``core.synthetic.write_clip(<folder>/name, params, **kw)``, rendered once
    per run like :func:`rendered` (same folder, lock and keying by everything that sets the
    clip, file name included): two modules asking for the same runner share one render
    (test_session.py's and test_browser_session.py's 5 s side view, ~2.5 CPU s)."""
    from core.synthetic import write_clip

    spec = repr((name, params, sorted(kw.items())))
    if spec in _CLIPS:
        return _CLIPS[spec]
    key = "clip-" + hashlib.sha256(spec.encode()).hexdigest()[:24]
    folder = pose_cache.cache_dir()
    root = Path(tempfile.mkdtemp(prefix="fc_render_")) if folder is None else folder / "renders"
    root.mkdir(parents=True, exist_ok=True)
    video = root / key / name
    with _locked(root / f"{key}.lock"):
        if not video.parent.is_dir():  # rendered aside, then moved in place whole
            tmp = Path(tempfile.mkdtemp(prefix=f"{key}-", dir=root))
            write_clip(tmp / name, params, **kw)
            os.replace(tmp, video.parent)
    _CLIPS[spec] = video
    return video


def labels() -> dict[str, dict]:
    return {e["clip"]: e for e in json.loads((CLIPS / "labels.json").read_text())}


def metric(report: dict, mid: str) -> dict | None:
    return next((m for m in report["metrics"] if m["id"] == mid), None)
