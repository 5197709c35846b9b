"""User-facing errors of the engine.

Every failure a runner can cause (a bad file, a clip we cannot analyse) is raised as a
:class:`FormCheckError` carrying a short friendly ``message`` and a ``hint`` on what to do
next. The UI and the CLI show those two strings and never a traceback.

Quality problems that still allow a partial report (walking, slow motion, cropped body)
are *not* errors: they come back inside the report's ``quality`` block.
"""
from __future__ import annotations


class FormCheckError(Exception):
    """A problem with the input that the runner can fix.

    Attributes:
        code: stable machine-readable id (``not_video``, ``too_short`` ...).
        message: one friendly sentence saying what is wrong.
        hint: one sentence on how to fix it.
    """

    def __init__(self, code: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "hint": self.hint}

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.message} {self.hint}".strip()


FILMING_HINT = (
    "Film 10-20 s of steady running from the side, phone on a tripod at hip height, "
    "whole body in frame, good light."
)
