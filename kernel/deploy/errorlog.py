"""gunicorn's logger, writing Apache's error-log format into the site's ErrorLog, and to
stderr as well, so an operator running in the foreground (or journald) sees the arbiter."""

import logging
import os
import sys

from gunicorn import glogging

NOTICE = 25         # Apache's notice: start, stop, signals; shown whatever LogLevel says
logging.addLevelName(NOTICE, "NOTICE")

LEVELS = {"emerg": logging.CRITICAL, "alert": logging.CRITICAL, "crit": logging.CRITICAL,
          "critical": logging.CRITICAL, "error": logging.ERROR, "warn": logging.WARNING,
          "warning": logging.WARNING, "notice": NOTICE, "info": logging.INFO,
          "debug": logging.DEBUG}


class _ApacheFormatter(logging.Formatter):
    """``[Tue Dec 01 22:13:27.123456 2026] [notice] [pid 42] message``, as kernel.logs writes."""

    def formatTime(self, record, datefmt=None):
        import time
        local = time.localtime(record.created)
        return "%s.%06d %s" % (time.strftime("%a %b %d %H:%M:%S", local),
                               int(record.created % 1 * 1000000), time.strftime("%Y", local))

    def format(self, record):
        text = super().format(record)
        level = record.levelname.lower().replace("warning", "warn").replace("critical", "crit")
        return text.replace("\0LEVEL\0", level, 1)


def log_target(path):
    """gunicorn's name for the error log: ``-`` for stderr, else a file whose folder exists."""
    if path in (None, "/dev/stderr", "stderr", "/dev/stdout", "stdout"):
        return "-"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a"):
            pass
    except OSError:
        return "-"
    return path


class ErrorLogger(glogging.Logger):
    LOG_LEVELS = LEVELS
    error_fmt = "[%(asctime)s] [\0LEVEL\0] [pid %(process)d] %(message)s"

    def setup(self, cfg):
        super().setup(cfg)
        if self.error_log.level > NOTICE:
            self.error_log.setLevel(NOTICE)
        formatter = _ApacheFormatter(self.error_fmt)
        for handler in self.error_log.handlers:
            if getattr(handler, "_gunicorn", False):
                handler.setFormatter(formatter)
        if cfg.errorlog != "-":
            echo = logging.StreamHandler(sys.stderr)
            echo.setFormatter(formatter)
            echo._gunicorn = True       # removed and made again by the next setup (reload)
            self.error_log.addHandler(echo)

    def notice(self, msg, *args, **kwargs):
        self.error_log.log(NOTICE, msg, *args, **kwargs)
