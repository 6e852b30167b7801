"""mod_python's filter object and the stages that call a Python filter function.

As mod_python calls them: the function is called once per brigade (each piece the handler
writes, or flushes, is one), ``filter.read()`` returns what that brigade holds (``b''`` when
it is used up, ``None`` once the end of the stream has come), what the function writes is
passed on when it flushes, closes or returns. ``filter.close()`` passes the end of stream on;
a filter that raised is disabled (data passes through) and, with ``PythonDebug On``, its
traceback goes into the stream.
"""

import traceback

from greenphase import constants as C, loader

_search_dirs = {}


def load_function(req, spec, is_input):
    """The function named by ``module[::function]`` (default ``inputfilter``/``outputfilter``)."""
    module_name, _, function = spec.handler.partition("::")
    function = function or ("inputfilter" if is_input else "outputfilter")
    config = req.dir_config
    key = (spec.directory, config["PythonPath"])
    dirs = _search_dirs.get(key)
    if dirs is None:
        dirs = [spec.directory] if spec.directory else []
        if config["PythonPath"]:
            dirs += [d for d in loader.python_path(config["PythonPath"]) if d not in dirs]
        dirs = _search_dirs[key] = tuple(dirs)
    module = loader.import_handler_module(module_name, dirs,
                                          autoreload=config["PythonAutoReload"],
                                          check_interval=config["PythonAutoReloadInterval"] or 0)
    obj = module
    for part in function.split("."):
        obj = getattr(obj, part)
    return obj


def _as_bytes(data):
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError("Argument to write() must be a string or bytes, not %s" % type(data).__name__)


class Filter:
    """The object a filter function receives (mod_python's ``mp_filter``)."""

    def __init__(self, req, name, handler, directory, is_input):
        self.req = req
        self.name = name
        self.handler = handler
        self.dir = directory
        self.is_input = is_input
        self.closed = False
        self.softspace = 0
        self._in = b""              # what the current brigade still holds
        self._eos = False           # the end of stream is in the current brigade
        self._source = None         # input filters: the upstream pull()
        self._out = []
        self._next = None           # output filters: the downstream stage
        self.disabled = False

    # -- reading ---------------------------------------------------------------------------
    def _fill(self):
        """Input filters read from upstream on demand (Apache's ap_get_brigade)."""
        if self.is_input and not self._in and not self._eos:
            piece = self._source()
            if piece is None:
                self._eos = True
            else:
                self._in = piece

    def read(self, length=-1):
        if self.closed:
            raise ValueError("I/O operation on closed filter")
        self._fill()
        if not self._in:
            return None if self._eos else b""
        if length is None or length < 0:
            data, self._in = self._in, b""
        else:
            data, self._in = self._in[:length], self._in[length:]
        return data

    def readline(self, length=-1):
        if self.closed:
            raise ValueError("I/O operation on closed filter")
        self._fill()
        if not self._in:
            return None if self._eos else b""
        end = self._in.find(b"\n")
        cut = len(self._in) if end < 0 else end + 1
        if length is not None and 0 <= length < cut:
            cut = length
        data, self._in = self._in[:cut], self._in[cut:]
        return data

    # -- writing ---------------------------------------------------------------------------
    def write(self, data):
        if self.closed:
            raise ValueError("I/O operation on closed filter")
        data = _as_bytes(data)
        if data:
            self._out.append(data)

    def _pass(self, flush):
        data = b"".join(self._out)
        self._out.clear()
        if not self.is_input and (data or flush):
            self._next.write(data, flush)
        return data

    def flush(self):
        if not self.is_input:
            self._pass(True)

    def close(self):
        if self.closed:
            return
        if not self.is_input:
            self._pass(False)
            self._next.close()
        self.closed = True

    def pass_on(self):
        """Pass what the brigade holds on unchanged."""
        if self.is_input:
            self._fill()
            if self._in:
                self._out.append(self._in)
                self._in = b""
        elif self._in:
            self._next.write(self._in, False)
            self._in = b""

    def disable(self):
        """From now on data passes through without calling the function."""
        self.disabled = True

    def __repr__(self):
        return "<mp_filter %s (%s)>" % (self.name, "input" if self.is_input else "output")


def _call(fobj, function):
    """Call the filter function; an exception disables it (data passes through)."""
    try:
        function(fobj)
        return True
    except Exception:
        req = fobj.req
        text = traceback.format_exc()
        req.log_error("filter %s (%s) raised:\n%s" % (fobj.name, fobj.handler, text.rstrip()),
                      C.APLOG_ERR)
        fobj.disabled = True
        if req.dir_config["PythonDebug"]:
            fobj._out.append(("\nMod_python error: \"PythonFilter %s\"\n\n%s"
                              % (fobj.handler, text)).encode("utf-8", "replace"))
        return False


class OutputFilterStage:
    """A Python output filter in the chain."""

    def __init__(self, req, next, name, spec, function):
        self.fobj = Filter(req, name, spec.handler, spec.directory, False)
        self.fobj._next = next
        self.function = function
        self.next = next

    def write(self, data, flush):
        fobj = self.fobj
        if fobj.closed:
            return
        if fobj.disabled:
            self.next.write(data, flush)
            return
        fobj._in = data
        ok = _call(fobj, self.function)
        if not ok and fobj._in:
            fobj._out.append(fobj._in)
        fobj._in = b""
        if not fobj.closed:
            fobj._pass(flush)

    def close(self):
        fobj = self.fobj
        if not fobj.closed and not fobj.disabled:
            fobj._in, fobj._eos = b"", True
            _call(fobj, self.function)
        if not fobj.closed:
            fobj._pass(False)
            fobj.closed = True
            self.next.close()


class InputFilterStage:
    """A Python input filter: each pull calls the function once."""

    def __init__(self, req, source, name, spec, function):
        self.fobj = Filter(req, name, spec.handler, spec.directory, True)
        self.fobj._source = source
        self.function = function

    def pull(self):
        fobj = self.fobj
        if fobj.disabled and not fobj.closed:
            if fobj._out or fobj._in:
                data = b"".join(fobj._out) + fobj._in
                fobj._out.clear()
                fobj._in = b""
                return data
            return None if fobj._eos else fobj._source()
        for _ in range(64):         # a function that neither writes nor closes ends the body
            if fobj.closed and not fobj._out:
                return None
            if not fobj.closed:
                _call(fobj, self.function)
            data = b"".join(fobj._out)
            fobj._out.clear()
            if data:
                return data
            if fobj.closed or (fobj._eos and not fobj._in):
                return None
        return None
