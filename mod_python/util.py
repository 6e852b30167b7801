"""mod_python.util: form parsing and redirects (implemented in the kernel's library for plugins)."""

from kernel import (
    Field, FieldStorage, StringField, apply_fs_data, parse_qs, parse_qsl, redirect)

__all__ = ["Field", "FieldStorage", "StringField", "apply_fs_data", "parse_qs", "parse_qsl",
           "redirect"]
