"""Output filters under the WSGI entry (greenphase.wsgi): the WSGI server frames, the
filters still see every write and the end of the response."""

import textwrap
import wsgiref.util

import greenphase.wsgi


def test_filters_apply_under_the_wsgi_entry(tmp_path):
    (tmp_path / "h.py").write_text(textwrap.dedent('''
        from mod_python import apache

        def handler(req):
            req.content_type = "text/plain"
            req.set_content_length(5)           # the unfiltered length: dropped
            req.write("hello ")
            req.write("wsgi", 0)
            return apache.OK
    '''))
    (tmp_path / "cap.py").write_text(textwrap.dedent('''
        def outputfilter(filter):
            s = filter.read()
            while s:
                filter.write(s.upper())
                s = filter.read()
            if s is None:
                filter.close()
    '''))
    (tmp_path / "site.conf").write_text(textwrap.dedent(f'''
        DocumentRoot "{tmp_path}"
        ErrorLog "{tmp_path}/error_log"
        PythonPath "sys.path+['{tmp_path}']"
        PythonOutputFilter cap CAP
        <Location /x>
            SetHandler mod_python
            PythonHandler h
            SetOutputFilter CAP
        </Location>
    '''))
    app = greenphase.wsgi.make_app(str(tmp_path / "site.conf"))
    environ = {}
    wsgiref.util.setup_testing_defaults(environ)
    environ["PATH_INFO"] = "/x"
    started = []
    body = b"".join(app(environ, lambda status, headers, exc=None: started.append((status, headers))))
    assert body == b"HELLO WSGI"
    status, headers = started[0]
    assert status == "200 OK" and "Content-Length" not in dict(headers)
