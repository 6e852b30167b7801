"""Noticing a handler that keeps the event loop busy (CPU-bound code, a blocking call that
is not patched): gevent's monitor thread sees the hub not running for longer than
``BlockingLogThreshold`` and we log the greenlet's stack to the error log, once per stall.

Every other client of the process waits meanwhile; under ``greenphase serve`` the arbiter
replaces a worker whose event loop stays busy past ``WorkerTimeout``.
"""

import gevent
from gevent import events


def watch_event_loop(site):
    """Start gevent's monitor thread with the site's threshold (0: off)."""
    threshold = site.main_server.config["BlockingLogThreshold"]
    if not threshold:
        return None
    gevent.config.monitor_thread = True
    gevent.config.max_blocking_time = threshold
    gevent.config.max_memory_usage = None

    def report(event):
        if not isinstance(event, events.EventLoopBlocked):
            return
        # Runs in the monitor thread; the event loop is stuck, so write directly.
        lines = [line.rstrip("\n") for line in event.info]
        site.log.error("the event loop was blocked for more than %gs (every request of this "
                       "process waited); the busy greenlet's stack:\n%s"
                       % (event.blocking_time, "\n".join(l for l in lines if l.strip())))
        del event.info[:]       # gevent's own copy of the report would go to stderr too

    events.subscribers.append(report)
    return gevent.get_hub().start_periodic_monitoring_thread()
