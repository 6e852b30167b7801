"""mod_python.httpdconf: build an Apache-style configuration from Python objects.

``str()`` of an object is configuration text, ``repr()`` the Python that rebuilds it::

    config = Container(Listen("127.0.0.1:8080"),
                       Directory("/srv/app", SetHandler("mod_python"),
                                 PythonHandler("mod_python.publisher")))
    print(config)

greenphase reads what this prints (``greenphase serve --config FILE``). ``Container(...,
only_if="expr")`` is left out when the Python expression is false, as in 3.5 (it is
evaluated: give only trusted text). :func:`write_basic_config` writes a small
``httpd_conf.py`` for greenphase; it leaves out ``LoadModule`` lines (greenphase has no
modules to load; it would only warn about them).
"""

import os
import sys

import mod_python  # noqa: F401  (``only_if`` expressions may name it, as in 3.5)
import mod_python.version  # noqa: F401


class Directive:
    """One line: ``Name value``."""

    def __init__(self, name, val, flipslash=1):
        self.name = name
        self.val = val
        self.indent = 0
        self.flipslash = flipslash

    def _slashes(self, text):
        return text.replace("\\", "/") if self.flipslash else text

    def __repr__(self):
        return self._slashes(" " * self.indent + "%s(%r)" % (self.name, self.val))

    def __str__(self):
        return self._slashes(" " * self.indent + "%s %s\n" % (self.name, self.val))


class Comment:
    """``# text`` lines."""

    def __init__(self, comment):
        self.comment = comment
        self.indent = 0

    def __repr__(self):
        pad = " " * self.indent
        lines = self.comment.splitlines() or [""]
        text = pad + "Comment(%r" % (lines[0] + "\n")
        for line in lines[1:]:
            text += "\n        " + pad + repr(line + "\n")
        return text + ")"

    def __str__(self):
        pad = " " * self.indent
        return "".join(pad + "# %s\n" % line for line in self.comment.splitlines())


class ContainerTag:
    """A ``<Tag attr> ... </Tag>`` section."""

    def __init__(self, tag, attr, args, flipslash=1):
        self.tag = tag
        self.attr = attr
        self.args = args
        self.indent = 0
        self.flipslash = flipslash

    def _slashes(self, text):
        return text.replace("\\", "/") if self.flipslash else text

    def __repr__(self):
        pad = " " * self.indent
        text = self._slashes(pad + "%s(%r," % (self.tag, self.attr))
        for arg in self.args:
            arg.indent = self.indent + 4
            text += "\n%r," % arg
        return text + "\n" + pad + ")"

    def __str__(self):
        pad = " " * self.indent
        text = self._slashes(pad + "<%s %s>\n" % (self.tag, self.attr))
        for arg in self.args:
            arg.indent = self.indent + 2
            text += str(arg)
        return text + pad + "</%s>\n" % self.tag


class Container:
    """A group of directives, sections and comments (no text of its own)."""

    def __init__(self, *args, **kwargs):
        self.args = list(args)
        self.indent = 0
        self.only_if = kwargs.get("only_if")

    def append(self, value):
        if not isinstance(value, (Directive, Container, ContainerTag, Comment)):
            raise TypeError("appended value must be an instance of Directive, Container, "
                            "ContainerTag or Comment")
        self.args.append(value)

    def __repr__(self):
        pad = " " * self.indent
        text = pad + "Container("
        for arg in self.args:
            arg.indent = self.indent + 4
            text += "\n%r," % arg
        tail = "    only_if=%r)" % self.only_if if self.only_if else ")"
        return text + "\n" + pad + tail

    def __str__(self):
        if self.only_if and not eval(self.only_if):  # noqa: S307 (3.5's documented feature)
            return ""
        out = ""
        for arg in self.args:
            arg.indent = self.indent
            out += str(arg)
        return out


def _directive(name, flipslash=1):
    def __init__(self, val):
        Directive.__init__(self, name, val, flipslash)
    return type(name, (Directive,), {"__init__": __init__, "__doc__": "``%s value``" % name})


def _section(name):
    def __init__(self, dir, *args):
        ContainerTag.__init__(self, name, dir, args)
    return type(name, (ContainerTag,), {"__init__": __init__, "__doc__": "``<%s ...>``" % name})


DIRECTIVES = (
    "AddHandler", "AddOutputFilter", "AddType", "AuthBasicAuthoritative", "AuthBasicProvider",
    "AuthType", "AuthName", "CustomLog", "DirectoryIndex", "DocumentRoot", "ErrorLog",
    "KeepAliveTimeout", "Listen", "LoadModule", "LogLevel", "MaxConnectionsPerChild",
    "MaxClients", "MaxRequestsPerChild", "MaxSpareServers", "MaxSpareThreads",
    "MaxThreadsPerChild", "MinSpareThreads", "Mutex", "NameVirtualHost", "NumServers",
    "Options", "PidFile", "PythonAuthenHandler", "PythonAuthzHandler", "PythonCleanupHandler",
    "PythonConnectionHandler", "PythonDebug", "PythonHandler", "PythonAccessHandler",
    "PythonPostReadRequestHandler", "PythonTransHandler", "PythonFixupHandler",
    "PythonImport", "PythonPath", "PythonOutputFilter", "PythonOption", "Require",
    "SetHandler", "ServerAdmin", "ServerName", "ServerPath", "ServerRoot", "StartServers",
    "StartThreads", "ThreadsPerChild", "Timeout", "TypesConfig", "PythonInterpPerDirectory",
    "PythonInterpPerDirective",
)
SECTIONS = ("Directory", "Files", "IfModule", "Location", "VirtualHost")

for _name in DIRECTIVES:
    globals()[_name] = _directive(_name)
for _name in SECTIONS:
    globals()[_name] = _section(_name)
LogFormat = _directive("LogFormat", flipslash=0)     # its backslashes are escapes


class LockFile(Directive):
    """Apache 2.2's LockFile; written commented out, as 3.5 did for Apache 2.4."""

    def __init__(self, val):
        Directive.__init__(self, "#LockFile", val)


def quote_if_space(text):
    """``"text"`` when it has a space (for paths in directive values)."""
    return '"%s"' % text if " " in text else text


def write_basic_config(server_root, listen="0.0.0.0:8888", conf="conf", logs="logs",
                       htdocs="public", pythonhandler="mod_python.publisher",
                       pythonpath=[], pythonoptions=[], mp_comments=[],
                       conf_name="httpd_conf.py", createdirs=True, replace_config=False):
    """Write ``server_root/conf/httpd_conf.py``, a Python file that prints a configuration
    serving ``htdocs`` with ``pythonhandler``; returns its path (None if it exists)."""
    conf_path = os.path.join(server_root, conf, conf_name)
    if os.path.exists(conf_path) and not replace_config:
        print("Error: %r already exists, aborting." % conf_path, file=sys.stderr)
        return None
    if createdirs:
        for name in (server_root, os.path.join(server_root, htdocs),
                     os.path.join(server_root, conf), os.path.join(server_root, logs)):
            os.makedirs(name, exist_ok=True)
    main = Container(Comment("\nMain configuration options:\n\n"),
                     ServerRoot(quote_if_space(server_root)),
                     CustomLog("%s common" % quote_if_space(os.path.join(logs, "access_log"))),
                     ErrorLog(quote_if_space(os.path.join(logs, "error_log"))),
                     LogLevel("warn"),
                     ServerName("127.0.0.1"),
                     Listen(listen),
                     DocumentRoot(quote_if_space(os.path.join(server_root, htdocs))))
    mp = Container(Comment("\nmod_python-specific options:\n\n"),
                   SetHandler("mod_python"),
                   Comment("PythonDebug On"),
                   PythonHandler(pythonhandler))
    if pythonpath:
        mp.append(PythonPath('"sys.path+[%s]"' % "".join(repr(p) + "," for p in pythonpath)))
    for option in pythonoptions:
        mp.append(PythonOption(option))
    for comment in mp_comments:
        mp.append(Comment(comment))
    config = Container(Comment("\nThis config was auto-generated, do not edit!\n\n"), main, mp)
    text = ("#!%s\n\n# Generated by mod_python.httpdconf; run it to print the configuration:\n"
            "#   python %s > site.conf\n\nfrom mod_python.httpdconf import *\n\nconfig = %r"
            "\n\nprint(config)\n" % (sys.executable, conf_name, config))
    with open(conf_path, "w") as f:
        f.write(text)
    return conf_path
