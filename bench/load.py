"""Load generators for bench/run.py: wrk when installed (apt-get install wrk), else bench/pyload.py.

Each returns a Result: requests per second, latency percentiles in seconds (None when the
generator does not measure them), non-2xx answers and wrk's socket errors.
"""

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


@dataclass
class Result:
    rate: float
    p50: float = None
    p99: float = None
    bad: int = 0                 # non-2xx/3xx answers
    timeouts: int = 0
    errors: int = 0              # connect/read/write socket errors


def have_wrk():
    return shutil.which("wrk") is not None


def _seconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url, connections, duration, threads=2, headers=(), timeout=None):
    seconds = max(1, round(duration))            # wrk takes whole seconds
    command = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s",
               "--latency"]
    if timeout:
        command.append(f"--timeout={timeout:g}s")
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    result = Result(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)))
    for percent, attr in (("50", "p50"), ("99", "p99")):
        found = re.search(rf"^\s+{percent}(?:\.000)?%\s+(\S+)", out, re.M)
        if found:
            setattr(result, attr, _seconds(found.group(1)))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    result.bad = int(bad.group(1)) if bad else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if errors:
        connect, read, write, result.timeouts = map(int, errors.groups())
        result.errors = connect + read + write
    return result


def python(url, connections, duration, threads=None, headers=(), timeout=None):
    """Fallback: in a child process, `connections` gevent greenlets each loop GET over one
    keep-alive connection. No latency percentiles, no extra headers."""
    run = subprocess.run([sys.executable, str(HERE / "pyload.py"), url, str(connections),
                          str(duration)] + list(headers), capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(f"load generator failed on {url}:\n{run.stderr}")
    done, bad, seconds = run.stdout.split()
    return Result(int(done) / float(seconds), bad=int(bad))
