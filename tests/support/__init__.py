"""Helpers shared by greenphase's tests: server subprocess, raw HTTP, SMTP sink, browser."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TUTORIAL_CONFIG = REPO / "examples" / "tutorial" / "site.conf"
TUTORIAL_SMTP_PORT = 8025       # fixed in examples/tutorial/htdocs/feedback/form.py
