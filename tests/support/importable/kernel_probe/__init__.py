"""Plugins used by tests through `greenphase serve --plugin`."""
