"""greenphase's kernel: the gevent server, the configuration language, the request object,
the phase pipeline and the plugin manager. Plugins import what they need from here."""

import pluggy

from .constants import DECLINED, DONE, OK
from .errors import SERVER_RETURN, ConfigError, HandlerFailure, PhaseError
from .hookspecs import PROJECT

hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["DECLINED", "DONE", "OK", "SERVER_RETURN", "ConfigError", "HandlerFailure",
           "PhaseError", "hookimpl"]
