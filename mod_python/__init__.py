"""mod_python compatibility face: only user code imports this.

Every module of mod_python 3.5's package is here (``apache``, ``util``, ``publisher``,
``psp``, ``Session``, ``Cookie``, ``cache``, ``wsgi``, ``cgihandler``, ``python22``,
``httpdconf``, ``testhandler``, ``version``, ``_apache``); the README's module table says what
each does here.
"""

__all__ = ["apache", "cgihandler", "psp", "publisher", "util", "python22", "version"]

from . import version  # noqa: E402

mp_version = version.version

# As in 3.5, ``import mod_python`` makes ``mod_python.apache`` available too.
from . import apache  # noqa: E402,F401
