"""Names of mod_python 3.5 that cannot mean anything in greenphase: they exist (so importing
code written for mod_python works) and say why when used."""


class Unavailable:
    """Stands for ``qualname``; calling it, or using it in any other way, raises
    ``NotImplementedError`` naming it and saying why."""

    def __init__(self, qualname, why):
        object.__setattr__(self, "_qualname", qualname)
        object.__setattr__(self, "_why", why)

    def _refuse(self, *args, **kwargs):
        raise NotImplementedError("%s is not available in greenphase: %s"
                                  % (self._qualname, self._why))

    __call__ = __getitem__ = __setitem__ = __delitem__ = __iter__ = __len__ = _refuse
    __contains__ = __setattr__ = _refuse

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._refuse()

    def __bool__(self):
        return False

    def __repr__(self):
        return "<unavailable %s: %s>" % (self._qualname, self._why)
