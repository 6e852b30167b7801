"""mod_python.Cookie: cookies (implemented in ``kernel.lib.cookies``, where the differences
from mod_python 3.5 are listed: HMAC-SHA256 signatures, MarshalCookie limited to plain data
and verified before it is unmarshalled)."""

from kernel import (
    Cookie, CookieError, MarshalCookie, SignedCookie, add_cookie, get_cookie, get_cookies)

__all__ = ["Cookie", "CookieError", "MarshalCookie", "SignedCookie", "add_cookie",
           "get_cookie", "get_cookies", "PY2", "metaCookie"]

PY2 = False
metaCookie = type(Cookie)   # 3.5's metaclass of Cookie; here the class's own type
