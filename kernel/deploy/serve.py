"""``greenphase serve``: the arbiter and its workers (``--single``: one process, no arbiter)."""

import os
import shutil
import sys
import tempfile

from . import systemd
from .probe import options_from_args, probe
from .sockets import PidFile, StartError, address_of, bind, raise_nofile_limit


def add_arguments(parser):
    """The serve-only options of ``greenphase serve``."""
    parser.add_argument("--workers", "-w", type=int, default=None, metavar="N",
                        help="worker processes under the arbiter (default: all cores, %d here)"
                             % default_workers())
    parser.add_argument("--single", action="store_true",
                        help="one process, no arbiter (tests, debugging): no reload, no workers")
    parser.add_argument("--trace-hooks", action="store_true",
                        help="log every phase call of every request (plugin, result, "
                             "microseconds) to the error log at debug level")


def default_workers():
    return os.cpu_count() or 1


def make_run_dir(cfg):
    """A private folder the workers share for the life of the arbiter (the status plugin's
    scoreboard), named to them in ``GREENPHASE_RUN_DIR``; owned by User/Group, who the
    workers run as."""
    run_dir = tempfile.mkdtemp(prefix="greenphase-run-")
    if os.geteuid() == 0:
        os.chown(run_dir, cfg.uid, cfg.gid)
    os.environ["GREENPHASE_RUN_DIR"] = run_dir
    return run_dir


def _fail(message):
    print("greenphase: %s" % message, file=sys.stderr)
    return 1


def serve(args):
    """Run the arbiter until it is stopped; the exit status."""
    workers = args.workers if args.workers is not None else default_workers()
    if workers < 1:
        return _fail("--workers needs at least 1")
    options = options_from_args(args)
    systemd.take_notify_socket()
    try:
        inherited = systemd.inherited_sockets()
    except ValueError as exc:
        return _fail("socket activation: %s" % exc)
    answer = probe(options, held=[address_of(s) for s in inherited or ()])
    for warning in answer.warnings:
        print("warning: %s" % warning, file=sys.stderr)
    if answer.errors:
        for error in answer.errors:
            print("error: %s" % error, file=sys.stderr)
        count = len(answer.errors)
        print("%d configuration error%s" % (count, "" if count == 1 else "s"), file=sys.stderr)
        return 1
    settings = answer.settings
    raise_nofile_limit()
    try:
        sockets = inherited or bind(settings.listen)
        pid_file = PidFile(settings.pid_file) if settings.pid_file else None
        if pid_file is not None:
            pid_file.write(os.getpid())
    except StartError as exc:
        return _fail(str(exc))

    from .arbiter import SiteApplication, SiteArbiter
    app = SiteApplication(options, settings, workers)
    arbiter = SiteArbiter(app, sockets, inherited=bool(inherited), pid_file=pid_file)
    if inherited:
        arbiter.log.notice("socket activation: serving the %d sockets systemd passed "
                           "(Listen lines are not bound)", len(inherited))
    if os.geteuid() != 0 and (settings.user is not None or settings.group is not None):
        arbiter.log.warning("User/Group ignored: only a server started as root changes user")
    if os.geteuid() == 0 and settings.user is None:
        # Apache never serves as root; without a User line greenphase would, so say so loudly.
        message = ("started as root without a User directive: the workers serve as root; add "
                   "'User nobody' (and Group) to drop privileges after binding")
        arbiter.log.warning(message)
        print("greenphase: warning: %s" % message, file=sys.stderr)
    run_dir = make_run_dir(arbiter.cfg)
    try:
        arbiter.run()
    finally:
        # A worker that did not boot leaves through here too (gunicorn's SystemExit in the
        # forked child): the folder is the arbiter's to remove, not the worker's.
        if os.getpid() == arbiter.pid:
            shutil.rmtree(run_dir, ignore_errors=True)
            if pid_file is not None:
                pid_file.remove(os.getpid())
    return 0
