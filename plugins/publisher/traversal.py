"""From URL to published object: the module file (semantics 5.2) and the attribute walk
with its security rules (5.4). Pure functions apart from the file-system look-ups."""

import os
import stat
import sys
import sysconfig
import types

from greenphase import SERVER_RETURN
from greenphase import constants as C

# Never published, never walked through: modules, classes and the builtin callables
# (a module attribute bound to ``d.keys`` must not answer).
_UNPUBLISHABLE = (types.ModuleType, type, types.BuiltinFunctionType, types.MethodWrapperType,
                  types.WrapperDescriptorType, types.MethodDescriptorType,
                  types.ClassMethodDescriptorType)


# Code that is not the site's: the standard library, installed packages, greenphase itself.
_SHARED_DIRS = tuple(sorted({sysconfig.get_paths()[key] + os.sep
                             for key in ("stdlib", "platstdlib", "purelib", "platlib")}))
_OWN_PACKAGES = {"kernel", "greenphase", "plugins", "mod_python", "builtins"}


MEMO_SIZE = 1024
_foreign = {}       # module name -> (the module in sys.modules then, answer)
_located = {}       # (filename, path_info, extensions) -> answer found from the kernel's stat
_split = {}         # object path -> its parts


def _foreign_code(module_name):
    module = sys.modules.get(module_name)
    known = _foreign.get(module_name)
    if known is not None and known[0] is module:
        return known[1]
    top = (module_name or "builtins").partition(".")[0]
    if top in _OWN_PACKAGES or top in sys.stdlib_module_names:
        answer = True
    else:
        answer = (getattr(module, "__file__", None) or "").startswith(_SHARED_DIRS)
    if len(_foreign) >= MEMO_SIZE:
        _foreign.clear()
    _foreign[module_name] = (module, answer)
    return answer


def publishable(obj):
    """Not a module, class or builtin, and, when callable, the site's own code: a function a
    page merely imported (``from shutil import rmtree``) is not published. (3.5 published it.)"""
    if isinstance(obj, _UNPUBLISHABLE):
        return False
    if isinstance(obj, (types.FunctionType, types.MethodType)):
        return not _foreign_code(getattr(getattr(obj, "__func__", obj), "__module__", None))
    if callable(obj):
        return not _foreign_code(type(obj).__module__)
    return True


def traversable(obj):
    """Only instances of user classes may be walked through: builtin types (functions,
    methods, str, dict, generators...) would lead to code objects, globals and modules, and
    standard-library objects to server state (``logging``'s manager, ``setLevel``...).
    (mod_python 3.5 walked through any non-builtin instance.)"""
    if not publishable(obj):
        return False
    home = (type(obj).__module__ or "builtins").partition(".")[0]
    return home != "builtins" and home not in sys.stdlib_module_names


def locate_module(filename, path_info, extensions, finfo=None):
    """(module file, object path) for a request, or None when there is no module file.

    ``extensions``: what may be stripped from the last file name segment to get the module
    name (``.py``, the ``AddHandler mod_python`` ones). A missing ``<name>.py`` falls back
    to ``index.py`` with ``<name>`` prepended to the object path. ``finfo``: the kernel's
    stat of ``filename``, which saves asking again; an answer it alone gave is remembered.
    """
    regular = finfo is not None and stat.S_ISREG(finfo.st_mode)
    if regular:
        key = (filename, path_info, tuple(extensions))
        found = _located.get(key)
        if found is not None:
            return found
    is_dir = stat.S_ISDIR(finfo.st_mode) if finfo is not None else os.path.isdir(filename)
    if filename.endswith("/") or is_dir:
        directory, name = filename.rstrip("/") or "/", "index"
    else:
        directory, name = os.path.split(filename)
        lowered = name.lower()
        for ext in extensions:
            if lowered.endswith(ext) and len(name) > len(ext):
                name = name[: -len(ext)]
                break
    path = path_info[1:] if path_info.startswith("/") else path_info
    if path.endswith("/"):
        path = path[:-1]
    module_file = os.path.join(directory, name + ".py")
    known = regular and module_file == filename
    if not known and not os.path.isfile(module_file):
        path = name + "/" + path if path else name
        module_file = os.path.join(directory, "index.py")
        if not os.path.isfile(module_file):
            return None
    found = os.path.normpath(module_file), path or "index"
    if known:
        if len(_located) >= MEMO_SIZE:
            _located.clear()
        _located[key] = found
    return found


def resolve(module, object_path, check=None, log=None):
    """Walk ``object_path`` (``/`` or ``.`` separated) from ``module``.

    ``check(obj)`` runs for the module and each object reached (the ``__auth__`` rules);
    ``log(message)`` is told why a request was refused. Raises SERVER_RETURN 403/404.
    """
    obj = module
    if check is not None:
        check(obj)
    for i, part in enumerate(split_path(object_path)):
        if part.startswith("_"):
            _refuse(log, object_path, C.HTTP_FORBIDDEN, "%r starts with an underscore" % part)
        if i and not traversable(obj):
            _refuse(log, object_path, C.HTTP_FORBIDDEN,
                    "cannot traverse a %s" % type(obj).__name__)
        try:
            obj = getattr(obj, part)
        except AttributeError:
            _refuse(log, object_path, C.HTTP_NOT_FOUND, "no object %r" % part)
        if check is not None:
            check(obj)
    if not publishable(obj):
        _refuse(log, object_path, C.HTTP_FORBIDDEN, "cannot publish a %s" % type(obj).__name__)
    return obj


def split_path(object_path):
    """``a/b.c`` -> (a, b, c), remembered (few paths, asked on every request)."""
    parts = _split.get(object_path)
    if parts is None:
        if len(_split) >= MEMO_SIZE:
            _split.clear()
        parts = _split[object_path] = tuple(object_path.replace("/", ".").split("."))
    return parts



def _refuse(log, object_path, status, why):
    if log is not None:
        log("publisher: %s: %s" % (object_path, why))
    raise SERVER_RETURN(status)
