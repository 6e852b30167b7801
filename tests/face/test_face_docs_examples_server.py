"""The Cookie and Session examples of mod_python 3.5's documentation, run unchanged (as a
handler module) against a real server."""

import re

from support.httpclient import get

# mod_python manual, "Cookie -- HTTP State Management": setting and reading a cookie.
COOKIE_EXAMPLE = '''
from mod_python import apache, Cookie
import time

def handler(req):

    cookies = Cookie.get_cookies(req, Cookie.MarshalCookie, secret='secret007')
    if 'spam' in cookies:
        spamcookie = cookies['spam']
        req.write('Great, a spam cookie was found: %s\\n' % str(spamcookie))
        if type(spamcookie) is Cookie.MarshalCookie:
            req.write('Here is what it looks like decoded: %s=%s\\n'
                      % (spamcookie.name, spamcookie.value))
        else:
            req.write('WARNING: The cookie found is not a MarshalCookie, it may have been tapered with!')
    else:
        value = {'egg_count': 32, 'color': 'white'}
        Cookie.add_cookie(req, Cookie.MarshalCookie('spam', value, 'secret007'))
        req.write('Spam cookie not found, but we just set one!\\n')

    return apache.OK
'''

# mod_python manual, "Session -- Session Management": counting hits.
SESSION_EXAMPLE = '''
from mod_python import apache, Session

def handler(req):
    session = Session.Session(req)

    try:
        session['hits'] += 1
    except:
        session['hits'] = 1

    session.save()

    req.content_type = 'text/plain'
    req.write('Hits: %d\\n' % session['hits'])
    return apache.OK
'''


def serve_module(serve, tmp_path, name, source):
    site = tmp_path / "htdocs"
    site.mkdir(exist_ok=True)
    (site / (name + ".py")).write_text(source)
    return serve('DocumentRoot "%s"\n<Directory "%s">\n  SetHandler mod_python\n'
                 '  PythonHandler %s\n</Directory>\n' % (site, site, name), cwd=str(tmp_path))


def test_the_cookie_example(serve, tmp_path):
    server = serve_module(serve, tmp_path, "cookie_example", COOKIE_EXAMPLE)
    first = get(server.port, "/x")
    assert first.status == 200 and first.text == "Spam cookie not found, but we just set one!\n"
    set_cookie = first.header("Set-Cookie")
    assert set_cookie.startswith("spam=")
    again = get(server.port, "/x", {"Cookie": set_cookie.split(";")[0]})
    assert again.status == 200
    assert "Great, a spam cookie was found: spam=" in again.text
    decoded = re.search(r"decoded: spam=(.*)\n", again.text).group(1)
    assert eval(decoded) == {"egg_count": 32, "color": "white"}
    tampered = get(server.port, "/x", {"Cookie": set_cookie.split(";")[0][:-2] + "00"})
    assert tampered.text.endswith("WARNING: The cookie found is not a MarshalCookie, it may have "
                                  "been tapered with!")
    assert "Here is what it looks like decoded" not in tampered.text


def test_the_session_example(serve, tmp_path):
    server = serve_module(serve, tmp_path, "session_example", SESSION_EXAMPLE)
    first = get(server.port, "/x")
    assert (first.status, first.text) == (200, "Hits: 1\n")
    cookie = first.header("Set-Cookie").split(";")[0]
    assert cookie.startswith("pysid=")
    assert get(server.port, "/x", {"Cookie": cookie}).text == "Hits: 2\n"
    assert get(server.port, "/x", {"Cookie": cookie}).text == "Hits: 3\n"
