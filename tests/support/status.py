"""For the status plugin's tests: a site with the status page and a handler the tests
control (/app/slow waits until the test creates the file ``gate``, after writing
``started-<pid>-<n>``; /app/pid answers the worker's pid), and reading ``?auto``."""

import textwrap

APP = '''
import itertools
import os
import time
from mod_python import apache

STATE = {state!r}
_n = itertools.count()


def handler(req):
    req.content_type = "text/plain"
    if req.uri == "/app/slow":
        open(os.path.join(STATE, "started-%d-%d" % (os.getpid(), next(_n))), "w").close()
        while not os.path.exists(os.path.join(STATE, "gate")):
            time.sleep(0.01)        # gevent's sleep: the worker serves others meanwhile
        req.write("slow done")
    else:
        req.write(str(os.getpid()))
    return apache.OK
'''

CONFIG = '''
DocumentRoot "{root}/htdocs"
<Directory "{root}/htdocs/app">
    SetHandler mod_python
    PythonHandler app
    PythonAutoReload Off
</Directory>
<Location /server-status>
    SetHandler server-status
    {access}
</Location>
{extra}
'''


class StatusSite:
    def __init__(self, root):
        self.root = root
        self.state = root / "state"
        for folder in ("htdocs/app", "state"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        (root / "htdocs" / "app" / "app.py").write_text(APP.format(state=str(self.state)))

    def config(self, access="Require local", extra=""):
        return CONFIG.format(root=self.root, access=access, extra=textwrap.dedent(extra))

    def started(self):
        return sorted(p.name for p in self.state.glob("started-*"))

    def open_gate(self):
        (self.state / "gate").touch()


def auto_fields(text):
    """``?auto`` lines as a dict (the first line, the server name, under ``""``)."""
    lines = text.splitlines()
    fields = {"": lines[0]}
    for line in lines[1:]:
        key, sep, value = line.partition(": ")
        assert sep, "not a 'Key: value' line: %r" % line
        fields[key] = value
    return fields
