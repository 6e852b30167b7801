"""Where greenphase's time per request goes: py-spy and cProfile on a server under wrk load.

For each path (hello, publisher, static, auth), on a server started as bench/run.py starts it but as one
process (`greenphase serve --single`: the server core each worker runs, without the arbiter):
  1. CPU µs per request without any profiler: the server's utime+stime over a wrk run divided
     by the requests wrk completed; the same for the bare ceiling (bench/baseline_server.py);
  2. py-spy (sampling; --nonblocking, or --native which pauses the server per sample) over another wrk run: each sample
     is charged to the deepest frame of greenphase's own code (kernel/, plugins/, mod_python/,
     the site's handlers), so time in the stdlib, gevent or a system call below it counts for
     the greenphase function that asked for it; samples with no such frame are the gevent hub;
  3. cProfile (the server run under `python -m cProfile`): calls per request of each function,
     and its self time per request charged the same way (inflated by cProfile's overhead:
     read the ranks and the call counts, take the µs from py-spy).
Shares are scaled to the µs per request of step 1. Groups: GROUPS below.
Usage: bench/hotpath_profile.py [--duration 8] [--native] [--only hello|publisher|static|auth] [--top 25]
Needs wrk and py-spy (.venv/bin/pip install py-spy; as root it can attach).
"""

import argparse
import base64
import collections
import os
import pstats
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import load
import servers

HERE = Path(__file__).resolve().parent
# One process, the server core a worker runs: cProfile must see the requests (a worker under
# the arbiter is a forked child leaving with os._exit), and CPU per request is one process's.
SINGLE = ("--single",)
PATHS = {"hello": "/hello/myscript.py", "publisher": "/pub/funcs.py/hello?name=bench",
         "static": "/static/page.html", "auth": "/auth/protected.py"}
# Request headers wrk sends for a path (to the ceiling too, so both parse the same request):
# the tutorial's basic-auth hello with the spam/eggs credentials bench/run.py sends.
HEADERS = {"auth": ("Authorization: Basic " + base64.b64encode(b"spam:eggs").decode(),)}
OURS = ("/kernel/", "/plugins/", "/mod_python/", "/bench/site/")

# (group, file substring or "", function-name regex): the first rule matching the charged
# frame wins. Function names, not module paths, carry most rules, so a moved module still sorts.
GROUPS = [
    ("loader: find + mtime stat", "loader", r".*"),
    ("dispatch (handler lookup, call)", "/plugins/handlers/", r"^(run|call|resolve|named_handler|"
     r"search_dirs|walk|entry|handler|directory|silent|is_location|_handler_names)$"),
    ("publisher (traversal, args, render)", "/plugins/publisher/", r".*"),
    ("form/query parsing", "forms", r".*"),
    ("static file (open, validators, conditions, read)", "/plugins/static/", r".*"),
    ("plugin phase hooks (each plugin's per-phase function)", "/plugins/", r".*"),
    ("Table (headers_in/out, notes)", "tables", r".*"),
    ("head parsing (request line, headers, path)", "", r"^(from_message|normalize_path|"
     r"hostname_of|parsed_uri|Head\..*|redirected)$"),
    ("HTTP read + httptools callbacks", "", r"^(fill|_feed|next_message|on_message_begin|on_url|"
     r"on_header|on_headers_complete|on_body|on_message_complete|serve)$"),
    ("response head (status line, headers, framing)", "", r"^(_head_bytes|_?header_lines|"
     r"_?status_line|date_and_server|keep_alive_ok)$"),
    ("send (queue, send_raw, finish)", "", r"^(send_raw|queue|_flush_queued|flush_response|"
     r"finish_response|finish|write|flush)$"),
    ("config merge (Location/Directory walk)", "", r"^(location_config|directory_config|_walk|"
     r"fold|_with_htaccess|_htaccess_possible|merge.*)$"),
    ("path walk + stat (translate_name, map_to_storage)", "", r"^(translate_name|map_to_storage|"
     r"_through_symlink|_redirect|_alias_rest)$"),
    ("type lookup (type_checker, mod_mime)", "", r"^(type_checker|_types_by_extension|"
     r"_lookup_types|mime_table|lookup)$"),
    ("pipeline steps (phase loop, auth, cleanups)", "", r"^(run|run_phases|_required|_stops|"
     r"_access_and_auth|_auth_required|_check_body_limit|respond|process|finish_request|"
     r"_after|fixups)$"),
    ("request/response objects (Request, Response, Body, Connection.handle)", "",
     r"^(handle|serve_request|accept|__init__|server_for|__get__|__set_name__|discard|content_type|_content_type)$"),
]
HUB = "gevent hub: event loop, accept, socket waits (no greenphase frame)"


def group_of(path, function):
    path = "/" + path.lstrip("/")
    function = bare(function)
    if path.rsplit("/", 1)[-1] in SITE_FILES:
        return "user handler (the site's code)"
    for group, where, pattern in GROUPS:
        if where in path and re.match(pattern, function):
            return group
    return "other"


SITE_FILES = {p.name for p in servers.SITE.rglob("*.py")}    # py-spy names them without a folder


def bare(function):
    """py-spy names a method Class.method and a comprehension f.<locals>.<listcomp>;
    cProfile names them method and <listcomp>."""
    return function.rsplit(".", 1)[-1]


def ours(path):
    path = "/" + path.lstrip("/")                   # py-spy gives paths relative to sys.path
    return (any(part in path for part in OURS) and "/site-packages/" not in path) \
        or path.rsplit("/", 1)[-1] in SITE_FILES


def cpu_seconds(pids):
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError):
            pass
    return total


# Server on CPU 0, wrk and py-spy on CPU 1: py-spy samples wall-clock time of a running (or
# runnable) thread, so a server preempted by its own load generator inside send() would show
# the wait as send time.
SERVER_CPU, TOOLS_CPU = {0}, {1}


def pin_tools():
    if os.cpu_count() > 1:
        os.sched_setaffinity(0, TOOLS_CPU)


def pin_server(server):
    if os.cpu_count() > 1:
        for pid in server.pids():
            os.sched_setaffinity(pid, SERVER_CPU)


def wrk_count(url, duration, connections, headers=()):
    """Requests completed by a wrk run."""
    extra = [word for header in headers for word in ("-H", header)]
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{int(duration)}s", *extra, url],
                         capture_output=True, text=True, check=True, preexec_fn=pin_tools).stdout
    return int(re.search(r"(\d+) requests in", out).group(1))


def cpu_per_request(server, url, args, runs=3):
    """Median over `runs` wrk runs of CPU µs per request, and of req/s."""
    pin_server(server)
    wrk_count(url, 2, args.connections, args.headers)   # warm-up
    pids = server.pids()
    per, rates = [], []
    for _ in range(runs):
        before = cpu_seconds(pids)
        done = wrk_count(url, args.duration / 2, args.connections, args.headers)
        per.append((cpu_seconds(pids) - before) / done * 1e6)
        rates.append(done / int(args.duration / 2))
    return statistics.median(per), statistics.median(rates)


def py_spy(server, url, args, workdir):
    """{charged frame: samples} and the total non-idle samples."""
    out = Path(workdir) / "py-spy.txt"
    command = [args.py_spy, "record", "--pid", str(server.proc.pid), "--rate", "500",
               "--format", "raw", "-o", str(out), "--duration", str(int(args.duration))]
    # --native must pause the process to unwind its C stack; without it, py-spy reads the
    # Python stacks while the server runs on
    command.append("--native" if args.native else "--nonblocking")
    spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           preexec_fn=pin_tools)
    time.sleep(0.5)                     # py-spy attaches before the load starts
    wrk_count(url, args.duration, args.connections, args.headers)
    _, err = spy.communicate(timeout=60)
    if spy.returncode:
        raise RuntimeError("py-spy failed: " + err[-2000:])
    charged = collections.Counter()
    total = 0
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        count = int(count)
        total += count
        frames = stack.split(";")
        owner = None
        for frame in reversed(frames):              # innermost last in py-spy's raw format
            found = re.match(r"(.*) \((.*?)(?::\d+)?\)$", frame)
            if found and ours(found.group(2)):
                owner = (found.group(2), found.group(1))
                break
        charged[owner] += count
    return charged, total


def cprofile(url, args, workdir):
    """pstats of a server run under cProfile for one wrk run, and the requests it served."""
    port = servers.free_port()
    config = servers.greenphase_config(port, workdir)
    run = config.parent
    prof = run / "server.prof"
    command = servers.greenphase_command(config, *SINGLE)
    server = servers.Server("greenphase-cprofile", port,
                            [sys.executable, "-m", "cProfile", "-o", str(prof)] + command, run)
    pin_server(server)
    try:
        # the warm-up is profiled too: calls per request count both runs' requests
        done = wrk_count(url.replace("PORT", str(port)), 2, args.connections, args.headers)
        done += wrk_count(url.replace("PORT", str(port)), args.duration, args.connections,
                          args.headers)
    finally:
        server.stop()
    if not prof.exists():
        raise RuntimeError("cProfile wrote nothing:\n" + server.output())
    return pstats.Stats(str(prof)), done


def cprofile_charges(stats):
    """Self time of each function charged to the deepest greenphase frames above it (a
    non-greenphase function's time is split among its callers by their share of its calls),
    and calls per function."""
    raw = stats.stats        # (file, line, name) -> (cc, nc, tt, ct, callers)
    hub = ("<hub>", 0, "hub")
    owners, busy = {}, set()

    def owners_of(func):
        """{greenphase function: share} for one function's time (memoised; a cycle -> hub)."""
        if ours(func[0]):
            return {func: 1.0}
        if func in owners:
            return owners[func]
        if func in busy:
            return {hub: 1.0}
        busy.add(func)
        callers = raw[func][4] if func in raw else {}
        calls = sum(v[0] for v in callers.values())
        result = collections.Counter()
        if not calls:
            result[hub] = 1.0
        for caller, value in callers.items():
            for owner, share in owners_of(caller).items():
                result[owner] += share * value[0] / calls if calls else 0
        busy.discard(func)
        owners[func] = result
        return result

    charged = collections.Counter()
    for func, (cc, nc, tt, ct, callers) in raw.items():
        for owner, share in owners_of(func).items():
            charged[owner] += tt * share
    return charged, {func: value[1] for func, value in raw.items()}


def report(name, path, args, workdir):
    args.headers = HEADERS.get(name, ())
    lines = [f"## {name}: GET {path}", ""]
    ceiling = servers.start_ceiling(servers.free_port(), workdir)
    try:
        ceiling_us, ceiling_rate = cpu_per_request(ceiling, f"http://127.0.0.1:{ceiling.port}/", args)
    finally:
        ceiling.stop()
    server = servers.start_greenphase(servers.free_port(), workdir, options=SINGLE)
    url = f"http://127.0.0.1:{server.port}{path}"
    try:
        total_us, rate = cpu_per_request(server, url, args)
        charged, samples = py_spy(server, url, args, workdir)
    finally:
        server.stop()
    stats, done = cprofile(f"http://127.0.0.1:PORT{path}", args, workdir)
    cp_charged, calls = cprofile_charges(stats)
    lines += [f"- server CPU per request, no profiler: **{total_us:.1f} µs** "
              f"({rate:,.0f} req/s under wrk -c{args.connections})",
              f"- bare ceiling (baseline_server.py): {ceiling_us:.1f} µs ({ceiling_rate:,.0f} req/s)",
              f"- greenphase over the ceiling: **{total_us - ceiling_us:.1f} µs per request**",
              f"- py-spy: {samples} samples{' (native)' if args.native else ''}; cProfile: "
              f"{done} requests profiled", ""]
    groups = collections.Counter()
    for owner, count in charged.items():
        groups[HUB if owner is None else group_of(*owner)] += count
    lines += ["| group | µs/request | share |", "|---|---:|---:|"]
    for group, count in groups.most_common():
        lines.append(f"| {group} | {count / samples * total_us:.1f} | {count / samples:.1%} |")
    lines += ["", f"Top functions (py-spy, time below them included; cProfile calls per "
                  f"request):", "", "| function | file | group | µs/request | calls/request |",
              "|---|---|---|---:|---:|"]
    calls_by_name = collections.Counter()
    for (file, line, func), n in calls.items():
        if ours(file):
            calls_by_name[(short(file), bare(func))] += n
    # requests the profiled server ran: run_phases runs once per request (wrk's count misses
    # those in flight when a run ends and the readiness probe)
    once = [n for (file, func), n in calls_by_name.items() if func == "run_phases"]
    done = once[0] if once else done
    for owner, count in charged.most_common(args.top):
        if owner is None:
            lines.append(f"| (gevent hub) | | | {count / samples * total_us:.1f} | |")
            continue
        file, func = owner
        per = calls_by_name.get((short(file), bare(func)))
        lines.append(f"| {func} | {short(file)} | {group_of(file, func).split(' (')[0]} | "
                     f"{count / samples * total_us:.1f} | {f'{per / done:.2f}' if per else ''} |")
    lines += ["", "Calls per request of greenphase's functions (cProfile, exact; the most called):",
              "", "| function | file | calls/request |", "|---|---|---:|"]
    for (file, func), n in sorted(calls_by_name.items(), key=lambda kv: -kv[1])[:args.top]:
        lines.append(f"| {func} | {file} | {n / done:.2f} |")
    cp_total = sum(cp_charged.values())
    lines += ["", "cProfile self time charged the same way (inflated by the profiler; ranks only):",
              "", "| function | file | share |", "|---|---|---:|"]
    for (file, line, func), t in cp_charged.most_common(args.top):
        lines.append(f"| {func} | {short(file)}:{line} | {t / cp_total:.1%} |")
    return "\n".join(lines) + "\n"


def short(path):
    path = "/" + path.lstrip("/")
    for part in OURS:
        if part in path:
            return part.strip("/") + "/" + path.split(part, 1)[1]
    return path.lstrip("/")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--native", action="store_true", help="py-spy --native")
    parser.add_argument("--only", choices=sorted(PATHS))
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    args.py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not load.have_wrk() or not os.path.exists(args.py_spy):
        sys.exit("needs wrk (apt-get install wrk) and py-spy (.venv/bin/pip install py-spy)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="greenphase-profile-") as workdir:
        for name, path in PATHS.items():
            if not args.only or args.only == name:
                print(report(name, path, args, workdir), flush=True)


if __name__ == "__main__":
    main()
