"""Record PSP templates with the output mod_python 3.5's own parser gives them.

Not a test: run it by hand where Debian's ``libapache2-mod-python`` is installed
(``apt-get install libapache2-mod-python``); it rewrites ``mod_python_parser_cases.json``,
which ``test_psp_recorded.py`` replays against greenphase's parser.

Templates are random sequences of the snippets below (text, expressions, one-line and
multi-line code, headers, comments, closing markers with and without indentation). Each
is parsed by mod_python's C parser (``mod_python._psp``, under the system Python 3), the
generated code is run with a recording ``req``, and the templates whose code runs are kept
with what they wrote. Backslashes are left out: there greenphase differs on purpose.
"""

import json
import random
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).with_name("mod_python_parser_cases.json")
SYSTEM_PYTHON = "/usr/bin/python3"

SNIPPETS = [
    "text", "\n", "a\nb", ' "q" ', "<%= i %>", "<%= 1+1 %>", "<% x = 1 %>", "<%%>", "<% %>",
    "<%\nfor i in range(2):\n%>", "<%\nfor i in range(2):\n    # c\n%>", "<%\n%>", "<%\n# end\n%>",
    "<%\nif True:\n%>", "<%\nelse:\n%>", "<%\n    y = 2\n%>", "<%\nz = 3\n%>", "<%-- c --%>",
    "<%\nfor k in 'ab':\n    w = k\n%>", "<%= w if 'w' in dir() else '-' %>", "\t", "<%\n    pass\n%>",
    "<%\ni = 0\n%>", "<%\nfor i in range(2):\n    %>", "<%\n  %>", "<%\nif i:\n    v = [1,\n  2]\n%>",
    "<%\ntry:\n    1/0\n%>", "<%\nexcept ZeroDivisionError:\n%>", "<% if True: pass %>", "<%= (1,\n2) %>",
    "<%\ndef f():\n    return 'F'\n%>", "<%= f() if 'f' in dir() else '' %>", "<%\n    \n%>", " x ",
    "<%\nfor i in range(2): w = i\n%>", "<%\n\tpass\n%>", "<%\nwhile i < 2:\n    i += 1\n%>",
    "<%\n\n%>", "<% q = 5 %><%= q %>",
]

PARSE = """
import json, sys
from mod_python import _psp
cases = json.load(sys.stdin)
with open(sys.argv[1], "w") as f:
    json.dump([_psp.parsestring(c.encode()) for c in cases], f)
"""


class Recorder:
    def __init__(self):
        self.out = []

    def write(self, data, flush=1):
        self.out.append(data)


def run(source):
    req = Recorder()
    try:
        exec(compile(source, "<mod_python>", "exec"), {"req": req})  # noqa: S102
    except Exception:
        return None
    return "".join(req.out)


def main(count=6000, keep=600, seed=35):
    rng = random.Random(seed)
    cases = sorted({"".join(rng.choice(SNIPPETS) for _ in range(rng.randint(1, 7)))
                    for _ in range(count)})
    generated = OUT.with_suffix(".tmp")
    # the parser's flex scanner echoes comment text to stdout: results go to a file
    subprocess.run([SYSTEM_PYTHON, "-c", PARSE, str(generated)], input=json.dumps(cases),
                   text=True, check=True, cwd="/", stdout=subprocess.DEVNULL)
    sources = json.loads(generated.read_text())
    generated.unlink()
    recorded = [[text, out] for text, source in zip(cases, sources)
                if (out := run(source)) is not None]
    rng.shuffle(recorded)
    recorded.sort(key=lambda case: len(case[1]) < 8)    # longer outputs say more; keep them
    OUT.write_text(json.dumps(sorted(recorded[:keep]), indent=0) + "\n")
    print("%d of %d templates run under mod_python; kept %d" % (len(recorded), len(cases),
                                                                  min(keep, len(recorded))))


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
