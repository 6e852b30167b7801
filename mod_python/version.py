"""mod_python.version: the version constants mod_python's build wrote, with greenphase's
meaning.

``version`` is the mod_python API this face implements ("3.5.0"), so code that checks it
takes its 3.5 paths; ``greenphase_version`` is the server's own. There is no httpd build
behind greenphase, so the build-time constants name greenphase and the running Python
instead: ``HTTPD`` is the ``greenphase`` command, ``HTTPD_VERSION`` starts with the Apache
version whose configuration language greenphase speaks ("2.4", so 3.5's own
``HTTPD_VERSION[0:3] == '2.4'`` tests hold) followed by greenphase's version,
``APR_VERSION`` is empty (no APR), ``PYTHON_BIN`` the interpreter serving the site;
``LIBEXECDIR``, ``SYSCONFDIR``, ``TEST_MOD_PYTHON_SO`` and ``TESTHOME`` (paths of an Apache
installation and of mod_python's own test suite) are empty.
"""

import shutil
import sys
from importlib.metadata import PackageNotFoundError, version as _dist_version

version = "3.5.0"
mp_version = version

try:
    greenphase_version = _dist_version("greenphase")
except PackageNotFoundError:      # running from a source tree that was not installed
    greenphase_version = "0+unknown"

HTTPD = shutil.which("greenphase") or "greenphase"
HTTPD_VERSION = "2.4 (greenphase %s)" % greenphase_version
APR_VERSION = ""
LIBEXECDIR = ""
SYSCONFDIR = ""
TEST_MOD_PYTHON_SO = ""
TESTHOME = ""
PYTHON_BIN = sys.executable
