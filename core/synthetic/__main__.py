"""Command line for the synthetic runner.

    python -m core.synthetic list
    python -m core.synthetic render --preset overstrider out.mp4 [--fps 60] [--seconds 6]
        [--view side|side_l|front|back] [--width W --height H] [--crf 23]
        [--follow none|pan|track] [--overground] [--scene room|gym|outdoor] [--roll DEG]
        [--yaw DEG] [--cam-height M] [--zoom X] [--shake-m M] [--shake-deg DEG] [--seed N]
    python -m core.synthetic verify out.mp4 [more.mp4 ...]   # MediaPipe vs truth
"""
from __future__ import annotations

import argparse
import json
import sys

from .camerapath import CameraPath
from .presets import PRESETS
from .render import VIEW_FACING, write_clip


def _list(_: argparse.Namespace) -> int:
    width = max(map(len, PRESETS))
    for p in PRESETS.values():
        print(f"{p.name:<{width}}  {p.view:<6} {p.fps:>5g} fps {p.seconds:>4g} s  "
              f"{p.description}")
    return 0


def _render(args: argparse.Namespace) -> int:
    preset = PRESETS[args.preset]
    cam = CameraPath(follow=args.follow, roll_deg=args.roll, yaw_deg=args.yaw,
                     height_m=args.cam_height, zoom=args.zoom, shake_m=args.shake_m,
                     shake_deg=args.shake_deg, seed=args.seed)
    extra = {} if cam.is_tripod and not args.overground and args.scene is None else dict(
        camera=cam, overground=args.overground, scene=args.scene)
    info = write_clip(args.out, preset.params, view=args.view or preset.view,
                      fps=args.fps or preset.fps, seconds=args.seconds or preset.seconds,
                      width=args.width, height=args.height, crf=args.crf, **extra)
    print(f"wrote {info.video} ({info.n_frames} frames, {info.fps:g} fps, "
          f"{info.width}x{info.height}, view {info.view}) in {info.seconds_to_render:.1f} s")
    print(f"wrote {info.truth_json}")
    print(f"wrote {info.truth_npz}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from .verify import verify_clip

    for path in args.videos:
        print(path, json.dumps({k: round(v, 2) for k, v in verify_clip(path).items()}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.synthetic",
                                     description="Synthetic runner clips with exact truth.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the presets").set_defaults(func=_list)
    r = sub.add_parser("render", help="render a preset to an mp4 plus truth files")
    r.add_argument("out", help="output .mp4 path (NAME_truth.json/.npz are written beside it)")
    r.add_argument("--preset", default="good", choices=sorted(PRESETS))
    r.add_argument("--view", choices=sorted(VIEW_FACING), help="default: the preset's")
    r.add_argument("--fps", type=float, help="default: the preset's")
    r.add_argument("--seconds", type=float, help="default: the preset's")
    r.add_argument("--width", type=int, default=640)
    r.add_argument("--height", type=int, default=480)
    r.add_argument("--crf", type=int, default=23, help="x264 quality (lower = larger file)")
    r.add_argument("--follow", default="none", choices=("none", "pan", "track"),
                   help="camera: still, panning from one place, or moving alongside")
    r.add_argument("--overground", action="store_true",
                   help="the runner travels over the ground (no treadmill)")
    r.add_argument("--scene", choices=("room", "gym", "outdoor"))
    r.add_argument("--roll", type=float, default=0.0, help="camera roll, deg")
    r.add_argument("--yaw", type=float, default=0.0, help="camera off square, deg")
    r.add_argument("--cam-height", type=float, help="camera height, m (default: hip height)")
    r.add_argument("--zoom", type=float, default=1.0, help="zoom ramp to this factor")
    r.add_argument("--shake-m", type=float, default=0.0, help="hand shake, m RMS")
    r.add_argument("--shake-deg", type=float, default=0.0, help="hand shake, deg RMS")
    r.add_argument("--seed", type=int, default=0)
    r.set_defaults(func=_render)
    v = sub.add_parser("verify", help="run MediaPipe pose over clips and compare with truth")
    v.add_argument("videos", nargs="+")
    v.set_defaults(func=_verify)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
