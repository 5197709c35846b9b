"""Synthetic runner: a parametric kinematic model rendered to video with exact ground truth.

* :mod:`.model`: :class:`RunnerParams` (form parameters a coach recognises, body from a
  height) -> :class:`RunnerModel` / :func:`simulate` (3-D joints, stance flags, exact
  initial contacts and toe-offs, true metric values).
* :mod:`.render`: shaded figure on a treadmill, pinhole camera, :func:`write_clip` writes
  ``NAME.mp4`` (H.264, constant frame rate) plus ``NAME_truth.json`` / ``NAME_truth.npz``.
* :mod:`.camerapath`: :class:`CameraPath` (still, panning or following camera, hand
  shake, roll, zoom ramp, camera height, yaw off square) and :class:`Segment` (one pass of
  a cut-together clip).
* :mod:`.scene`: textured gym / outdoor surroundings a camera-motion estimator can track,
  overground running, :func:`write_scene_clip` (``write_clip(..., camera=, segments=,
  overground=, scene=)`` goes there; truth adds the per-frame camera and the cuts).
* :mod:`.presets`: named runners (good, overstrider, waist_bender, ...).
* :mod:`.verify`: MediaPipe pose against the truth (detection, landmark error, L/R labels).
* ``python -m core.synthetic``: command line (``list``, ``render``, ``verify``).

:func:`sample_clip_path` gives the demo clip (good form, side view).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .model import JOINTS, Body, GaitEvent, Motion, RunnerModel, RunnerParams, simulate
from .camerapath import CameraPath, Segment
from .presets import PRESETS, Preset
from .render import VIEW_FACING, Camera, ClipInfo, Renderer, truth_paths, write_clip

__all__ = [
    "JOINTS", "Body", "GaitEvent", "Motion", "RunnerModel", "RunnerParams", "simulate",
    "PRESETS", "Preset", "VIEW_FACING", "Camera", "ClipInfo", "Renderer", "truth_paths",
    "write_clip", "SAMPLE", "render_sample", "sample_clip_path", "CameraPath", "Segment",
]

REPO_SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "sample" / "sample_good_side.mp4"
SAMPLE = {"preset": "good", "fps": 60.0, "seconds": 8.0, "width": 640, "height": 480,
          "crf": 20}
"""How the demo clip is rendered (the committed one and the cached fallback alike)."""


def render_sample(path: str | Path) -> ClipInfo:
    """Render the demo clip (:data:`SAMPLE`) to ``path`` with its truth files."""
    preset = PRESETS[SAMPLE["preset"]]
    return write_clip(path, preset.params, view=preset.view, fps=SAMPLE["fps"],
                      seconds=SAMPLE["seconds"], width=SAMPLE["width"],
                      height=SAMPLE["height"], crf=SAMPLE["crf"])


def sample_clip_path() -> Path:
    """Path of the demo clip ``sample_good_side.mp4`` (truth files beside it).

    The copy in ``assets/sample/`` when present; otherwise the clip is rendered once into
    ``$XDG_CACHE_HOME/formcheck/`` (default ``~/.cache/formcheck/``) and reused.
    """
    if REPO_SAMPLE.exists() and all(p.exists() for p in truth_paths(REPO_SAMPLE)):
        return REPO_SAMPLE
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "formcheck"
    target = cache / REPO_SAMPLE.name
    if target.exists() and all(p.exists() for p in truth_paths(target)):
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:  # render aside, then move in place
        info = render_sample(Path(tmp) / REPO_SAMPLE.name)
        for src, dst in zip((*truth_paths(info.video), info.video),
                            (*truth_paths(target), target)):
            shutil.move(src, dst)  # the video last: its presence means the set is complete
    return target
