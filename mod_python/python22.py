"""mod_python.python22: compatibility shims for Python 2.2, empty on Python 3.

Old handler files start with ``from mod_python import python22``; it imports and does nothing.
"""
