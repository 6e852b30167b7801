"""Loading user code by file path: handler modules (``PythonHandler``) and published files.

* Modules are cached by absolute file path, so two sites' ``myscript.py`` are two modules.
* A module found in a directory that is not on ``sys.path`` (the directive's directory, a
  ``PythonPath`` addition) lives in ``sys.modules`` under a private package for that directory
  (``_greenphase_<hash>.myscript``), never under a bare name that another site could take.
  ``import helper`` inside it still finds ``helper.py`` in the same directories: such modules
  get an ``__import__`` that looks there first. Modules found on ``sys.path`` keep their real
  names (the interpreter shares those anyway).
* Autoreload: when a file's mtime changes, the module is executed again into a fresh module
  object (whoever holds the old one keeps a working module). ``check_interval`` (the
  ``PythonAutoReloadInterval`` directive, passed by the plugins): the file is stat'ed at most
  once per that many seconds of ``clock`` (0: on every call, mod_python's behaviour and the
  default of these functions).
* Each execution of a file is one :class:`Loaded` record (a module *generation*): a reload
  makes a new one, so ``record.current(...)`` tells a caller that remembered something
  derived from the module (a resolved handler) whether it still holds.
* One re-entrant lock (``threading.RLock``, which gevent patches into a greenlet lock) for
  all (re)loads makes concurrent first imports run a module's code once. One lock, not one
  per file: two greenlets loading A (which imports B) and B (which imports A) at the same
  moment would otherwise wait on each other forever. Loads are rare, so the cost is small.
* ``PythonPath``: as in mod_python, its directories reach ``sys.path`` (the user asked for
  them there); they are appended once and never removed, so two sites' paths coexist in the
  one interpreter (mod_python would give each virtual host its own). For handler code the
  loader still treats them as the site's own folders (private module names), so two sites'
  ``helpers.py`` found through their PythonPath stay apart. Nothing else changes ``sys.path``.
"""

import builtins
import hashlib
import importlib
import importlib.util
import os
import sys
import threading
import time
from importlib.machinery import PathFinder, SourceFileLoader

ROOT_PREFIX = "_greenphase_"


clock = time.monotonic   # when files were stat'ed (tests replace it to step time)


class Loaded:
    """One execution of the module file ``path``: ``module``, the file's ``mtime`` it ran
    from, and when (``clock``) the file was last found unchanged."""

    __slots__ = ("path", "module", "mtime", "checked")

    def __init__(self, path, module, mtime, checked):
        self.path = path
        self.module = module
        self.mtime = mtime
        self.checked = checked

    def current(self, autoreload=True, check_interval=0):
        """The module while this generation is the loaded one and its file is unchanged (with
        ``check_interval`` > 0, the file is stat'ed only when the last check is that many
        seconds old); None when it must be (re)loaded."""
        if _cache.get(self.path) is not self:
            return None
        if not autoreload:
            return self.module
        if check_interval:
            now = clock()
            if now - self.checked < check_interval:
                return self.module
            if _mtime(self.path) != self.mtime:
                return None
            self.checked = now
            return self.module
        return self.module if _mtime(self.path) == self.mtime else None


_cache = {}         # absolute path -> Loaded (the current generation)
_loading = {}       # absolute path -> Loaded whose code is running now (circular imports)
_load_lock = threading.RLock()
_found = {}         # (name, search dirs) -> (path, module name)
_roots = {}         # directory -> private package name
_scopes = {}        # private package name -> [directories its modules import from]
_scope_builtins = {}
_python_paths = {}  # PythonPath expression -> tuple of directories
_python_path_dirs = set()   # directories PythonPath put on sys.path: still private to the loader


# -- public API --------------------------------------------------------------------------

def python_path(expression):
    """Evaluate a ``PythonPath`` value (``"sys.path+['/x']"``) once; a tuple of directories."""
    dirs = _python_paths.get(expression)
    if dirs is None:
        value = eval(expression, {"sys": sys, "os": os, "__builtins__": builtins})  # noqa: S307
        if isinstance(value, str) or not all(isinstance(d, str) for d in value):
            raise TypeError("PythonPath must evaluate to a list of directory names, got %r"
                            % (value,))
        dirs = _python_paths[expression] = tuple(_absolute(d) for d in value)
        present = {_absolute(p) for p in sys.path}
        added = [d for d in dict.fromkeys(dirs) if d not in present]
        _python_path_dirs.update(added)
        sys.path.extend(added)
    return dirs


def import_handler_module(name, search_dirs=(), autoreload=True, log=None, check_interval=0):
    """The module ``name`` (dotted allowed) from the first of ``search_dirs``, then ``sys.path``,
    that holds it. ``log(message)`` is told when a module is (re)executed."""
    return loaded_handler_module(name, search_dirs, autoreload, log, check_interval).module


def loaded_handler_module(name, search_dirs=(), autoreload=True, log=None, check_interval=0):
    """``import_handler_module``'s :class:`Loaded` record (the module's current generation)."""
    key = (name, tuple(search_dirs))
    found = _found.get(key)
    if found is not None:
        loaded = _cache.get(found[0])
        if loaded is not None and loaded.current(autoreload, check_interval) is not None:
            return loaded
    found = _found[key] = _find(name, key[1])
    return _load(found[0], found[1], autoreload, log)


def load_file(path, autoreload=True, search_dirs=(), log=None, check_interval=0):
    """The module executed from the file ``path`` (any name, any extension); ``import``
    statements in it look in its own directory, then ``search_dirs``."""
    absolute = _absolute_files.get(path)       # the common case, without a call more
    if absolute is not None:
        loaded = _cache.get(absolute)
        if loaded is not None and loaded.current(autoreload, check_interval) is not None:
            return loaded.module
    return loaded_file(path, autoreload, search_dirs, log, check_interval).module


def loaded_file(path, autoreload=True, search_dirs=(), log=None, check_interval=0):
    """``load_file``'s :class:`Loaded` record (the module's current generation)."""
    path = _absolute_file(path)
    loaded = _cache.get(path)
    if loaded is not None and loaded.current(autoreload, check_interval) is not None:
        return loaded
    directory, base = os.path.split(path)
    stem, ext = os.path.splitext(base)
    if ext != ".py" or not stem.isidentifier():
        stem = "_%s_%s" % ("".join(c if c.isalnum() else "_" for c in stem),
                           hashlib.sha1(base.encode()).hexdigest()[:8])
    root = _root(directory, search_dirs)
    return _load(path, root + "." + stem, autoreload, log)


def scope_of(module_name):
    """The directories ``import`` searches for the private module ``module_name`` (else ())."""
    return tuple(_scopes.get(module_name.partition(".")[0], ()))


def scoped_builtins(directory, search_dirs=()):
    """Builtins for code run from a file in ``directory`` without being a module of its own
    (a CGI script executed per request): its ``import`` finds modules there, then in
    ``search_dirs``, as a handler module's does."""
    return _builtins_for(_root(directory, search_dirs))


# -- finding -----------------------------------------------------------------------------

def _absolute(directory):
    return os.path.abspath(directory or os.curdir)


_absolute_files = {}    # absolute file name as given -> normalised (no cwd involved)


def _absolute_file(path):
    """``_absolute`` for a file name, remembered when it is absolute already (the publisher
    asks for the same few files on every request)."""
    found = _absolute_files.get(path)
    if found is None:
        found = _absolute(path)
        if path.startswith("/"):
            if len(_absolute_files) >= 4096:
                _absolute_files.clear()
            _absolute_files[path] = found
    return found


def _find(name, search_dirs):
    on_sys_path = {_absolute(p) for p in sys.path} - _python_path_dirs
    seen = []
    for directory in (*search_dirs, *sys.path):
        directory = _absolute(directory)
        if directory in seen:
            continue
        seen.append(directory)
        path = _locate(name, directory)
        if path is None:
            continue
        if directory in on_sys_path:
            return path, name
        return path, _root(directory, search_dirs) + "." + name
    looked = [d for d in seen if d not in on_sys_path]
    hint = " (give the module name without '.py')" if name.endswith(".py") else ""
    raise ModuleNotFoundError("No module named %r%s; looked in %s and sys.path"
                              % (name, hint, ", ".join(looked) or "no extra directories"),
                              name=name)


def _locate(name, directory):
    """The file of module ``name`` under ``directory``, without running any code (None)."""
    paths = [directory]
    parts = name.split(".")
    for part in parts[:-1]:
        spec = PathFinder.find_spec(part, paths)
        if spec is None or spec.submodule_search_locations is None:
            return None
        paths = list(spec.submodule_search_locations)
    spec = PathFinder.find_spec(parts[-1], paths)
    if spec is None or not spec.has_location:   # absent, or a bare namespace directory
        return None
    return os.path.abspath(spec.origin)


def _root(directory, search_dirs=()):
    """The private package standing for ``directory`` (created on first use)."""
    directory = _absolute(directory)
    name = _roots.get(directory)
    if name is None:
        name = _roots[directory] = ROOT_PREFIX + hashlib.sha1(directory.encode()).hexdigest()[:16]
        _scopes[name] = [directory]
    scope = _scopes[name]
    extra = [d for d in map(_absolute, search_dirs) if d not in scope]
    if extra:
        # sys.path directories stay out: their modules keep their real, shared names.
        on_sys_path = {_absolute(p) for p in sys.path} - _python_path_dirs
        scope.extend(d for d in extra if d not in on_sys_path)
    if name not in sys.modules:
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [directory]
        sys.modules[name] = importlib.util.module_from_spec(spec)
    return name


# -- loading -----------------------------------------------------------------------------

def _mtime(path):
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _load(path, fullname, autoreload, log):
    """The current :class:`Loaded` record of ``path``, running the file when needed."""
    with _load_lock:
        if path in _loading:            # this greenlet is running it: a circular import
            return _loading[path]
        checked = clock()
        mtime = _mtime(path)            # before running: a change meanwhile reloads next time
        loaded = _cache.get(path)
        if loaded is not None and (not autoreload or loaded.mtime == mtime):
            loaded.checked = checked
            return loaded               # another greenlet loaded it while we waited
        module = _already_imported(fullname, path) if loaded is None else None
        if module is None:
            module = _execute(fullname, path)
            if log is not None:
                log("%s module %s" % ("Reimporting" if loaded else "Importing", path))
        loaded = _cache[path] = Loaded(path, module, mtime, checked)
        return loaded


def _already_imported(fullname, path):
    """A module the ordinary import system loaded from this very file."""
    module = sys.modules.get(fullname)
    origin = getattr(module, "__file__", None)
    if origin and os.path.abspath(origin) == path:
        return module
    return None


def _execute(fullname, path):
    """Run ``path`` as a fresh module ``fullname``; sys.modules keeps the old one on failure."""
    parent_name, _, leaf = fullname.rpartition(".")
    parent = importlib.import_module(parent_name) if parent_name else None
    package = os.path.basename(path).startswith("__init__.")
    loader = None if path.endswith(tuple(importlib.machinery.all_suffixes())) else \
        SourceFileLoader(fullname, path)
    spec = importlib.util.spec_from_file_location(
        fullname, path, loader=loader,
        submodule_search_locations=[os.path.dirname(path)] if package else None)
    module = importlib.util.module_from_spec(spec)
    if fullname.startswith(ROOT_PREFIX):
        module.__builtins__ = _builtins_for(fullname.partition(".")[0])
    previous = sys.modules.get(fullname)
    sys.modules[fullname] = module
    _loading[path] = Loaded(path, module, None, 0)     # not current: never remembered
    try:
        if isinstance(spec.loader, SourceFileLoader):
            # Compiled from the source every time: a bytecode cache keyed by whole seconds
            # and size could bring back the old code after a quick edit.
            code = compile(spec.loader.get_data(path), path, "exec", dont_inherit=True)
            exec(code, module.__dict__)  # noqa: S102
        else:
            spec.loader.exec_module(module)
    except BaseException:
        if previous is None:
            sys.modules.pop(fullname, None)
        else:
            sys.modules[fullname] = previous
        raise
    finally:
        del _loading[path]
    if parent is not None:
        setattr(parent, leaf, module)
    return module


# -- ``import`` inside private modules ---------------------------------------------------

def _builtins_for(root):
    """Builtins whose ``__import__`` looks in the root's directories before the usual way."""
    scoped = _scope_builtins.get(root)
    if scoped is None:
        scope = _scopes[root]

        def scoped_import(name, globals=None, locals=None, fromlist=(), level=0):
            if level == 0:
                directory = _local_directory(name, scope, fromlist)
                if directory is not None:
                    return _import_private(_root(directory, scope), name, fromlist)
            return builtins.__import__(name, globals, locals, fromlist, level)

        scoped = _scope_builtins[root] = dict(builtins.__dict__, __import__=scoped_import)
    return scoped


def _local_directory(name, scope, fromlist):
    """The first scope directory holding module ``name`` (None: import it the usual way).

    A name of the standard library, or of a module the process already imported, is never
    looked up locally: as with mod_python's sys.path, a stray json.py next to a handler
    does not replace ``json``."""
    top = name.partition(".")[0]
    if top in sys.stdlib_module_names or top in sys.builtin_module_names or top in sys.modules:
        return None
    for directory in scope:
        root = _roots.get(directory)
        if root is not None and root + "." + name in sys.modules:
            return directory
        if _locate(name, directory) is not None:
            return directory
        # ``from pkg import mod`` with pkg a bare directory there (a namespace package):
        # it counts only if nothing else has the name.
        if fromlist:
            spec = PathFinder.find_spec(top, [directory])
            if spec is not None and not spec.has_location and importlib.util.find_spec(top) is None:
                return directory
    return None


def _import_private(root, name, fromlist):
    module = builtins.__import__(root + "." + name, None, None, fromlist, 0)
    if fromlist:
        return module
    return sys.modules[root + "." + name.partition(".")[0]]


class _PrivateFinder:
    """Gives modules the import system finds inside a private package the scoped import."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if not fullname.startswith(ROOT_PREFIX) or "." not in fullname or path is None:
            return None
        spec = PathFinder.find_spec(fullname, path)
        if spec is not None and spec.has_location and spec.loader is not None:
            spec.loader = _ScopedLoader(spec.loader, fullname.partition(".")[0])
        return spec


class _ScopedLoader:
    def __init__(self, inner, root):
        self._inner = inner
        self._root = root

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        module.__builtins__ = _builtins_for(self._root)
        self._inner.exec_module(module)

    def __getattr__(self, name):        # get_source, get_filename... for tracebacks and tools
        return getattr(self._inner, name)


if _PrivateFinder not in sys.meta_path:
    sys.meta_path.insert(0, _PrivateFinder)
