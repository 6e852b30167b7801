"""Helpers shared by greenphase's tests: server subprocess, raw HTTP, SMTP sink, browser."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TUTORIAL_CONFIG = REPO / "examples" / "tutorial" / "site.conf"
# The tutorial's feedback form mails through the SMTP server this variable names (run.py
# and the tests point it at a sink on a free port).
TUTORIAL_SMTP_ENV = "TUTORIAL_SMTP_SERVER"
