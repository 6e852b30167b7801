"""Filter chains: Apache's output and input filters, for the plugins that provide them.

A plugin provides filters by name through the ``filter_for`` hook (``kernel.hookspecs``): it
answers a factory ``factory(req, next) -> stage``. An output stage has ``write(data, flush)``
(``data`` bytes, maybe empty; ``flush`` True when the writer flushed) and ``close()`` (end of
the response: pass on what you hold, then ``next.close()``); ``next`` has the same two
methods and ends in the Response, which frames what arrives. An input stage has ``pull()``
returning the next piece of the body (bytes) or ``None`` at its end, reading ``next()``.

The chain is made at the first byte (a handler may add filters until it writes), and the
stages are ordered as Apache orders them: by ``factory.ftype`` (``RESOURCE`` first, such as
INCLUDES and mod_python's filters, then ``CONTENT_SET``, such as DEFLATE), then in the order
they were added. A request without filters never meets this module: the Response's and the
Body's ``filter`` stays ``None``, one test per write.
"""

RESOURCE = 10
CONTENT_SET = 20


class UnknownFilter(LookupError):
    """No enabled plugin provides a filter of that name."""


class OutputStage:
    """A stage that passes everything on: subclass and override write/close."""

    ftype = RESOURCE

    def __init__(self, req, next):
        self.req = req
        self.next = next

    def write(self, data, flush):
        self.next.write(data, flush)

    def close(self):
        self.next.close()


class _ResponseEnd:
    """The last stage: the Response's own buffer and framing."""

    def __init__(self, req):
        self.req = req
        self.closed = False

    def write(self, data, flush):
        if not self.closed:
            self.req._resp.raw_write(self.req, data, flush)

    def close(self):
        self.closed = True


class OutputChain:
    """Installed on the Response by the first add; built at the first write."""

    def __init__(self, req):
        self.req = req
        self.pending = []           # (ftype, order, name, factory)
        self.head = None

    def add(self, name, factory):
        if self.head is not None:
            self.req.log_error("output filter %s added after the response began; ignored" % name)
            return
        self.pending.append((getattr(factory, "ftype", RESOURCE), len(self.pending), name, factory))

    def names(self):
        return [name for _, _, name, _ in sorted(self.pending)]

    def remove(self, name):
        self.pending = [p for p in self.pending if p[2].lower() != name.lower()]

    def _build(self):
        stage = _ResponseEnd(self.req)
        for _, _, _, factory in sorted(self.pending, reverse=True):
            stage = factory(self.req, stage)
        self.head = stage

    def write(self, req, data, flush):
        if self.head is None:
            self._build()
        self.head.write(bytes(data) if data else b"", flush)

    def close(self, req):
        if self.head is None:
            self._build()
        self.head.close()


class InputChain:
    """The body read through input filters; built at the first read."""

    def __init__(self, req):
        self.req = req
        self.pending = []
        self.head = None

    def add(self, name, factory):
        self.pending.append((getattr(factory, "ftype", RESOURCE), len(self.pending), name, factory))

    def __call__(self):
        if self.head is None:
            source = self.req._body.raw_piece
            for _, _, _, factory in sorted(self.pending, reverse=True):
                source = factory(self.req, source).pull
            self.head = source
        return self.head()


def _factory(req, name, is_input):
    factory = req.site.hook.filter_for(req=req, name=name, is_input=is_input)
    if factory is None:
        raise UnknownFilter("no enabled plugin provides the %s filter %r"
                            % ("input" if is_input else "output", name))
    return factory


def add_output_filter(req, name, factory=None):
    """Add the output filter ``name`` to ``req``'s response (before its first write)."""
    factory = factory or _factory(req, name, False)
    resp = req._resp
    chain = resp.filter
    if chain is None:
        chain = OutputChain(req)
        resp.set_filter(chain)
    chain.add(name, factory)


def add_input_filter(req, name, factory=None):
    """Add the input filter ``name`` to ``req``'s body (before its first read)."""
    factory = factory or _factory(req, name, True)
    body = req._body
    chain = body.filter
    if chain is None:
        chain = InputChain(req)
        body.set_filter(chain)
    chain.add(name, factory)


def output_filters(req):
    """The names of the output filters ``req``'s response goes through, in order."""
    chain = req._resp.filter
    return chain.names() if chain is not None else []


def remove_output_filter(req, name):
    chain = req._resp.filter
    if chain is not None:
        chain.remove(name)
