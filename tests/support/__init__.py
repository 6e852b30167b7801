"""Helpers shared by greenphase's tests: server subprocess, raw HTTP, SMTP sink, browser."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
