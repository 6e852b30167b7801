"""`make serve`: the tutorial site plus a local SMTP sink that prints every mail.

An aiosmtpd server on a free loopback port (or --smtp-port) prints each message; the
feedback form (htdocs/feedback/form.py) finds it in TUTORIAL_SMTP_SERVER. Then greenphase
serves site.conf until Ctrl-C.
Usage: run.py [--config FILE] [--smtp-port PORT]
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from aiosmtpd.controller import Controller

HERE = Path(__file__).resolve().parent


class PrintingSink:
    async def handle_DATA(self, server, session, envelope):
        text = envelope.content.decode("utf-8", "replace").replace("\r\n", "\n")
        print(f"--- mail from {envelope.mail_from} to {', '.join(envelope.rcpt_tos)} ---\n"
              f"{text.rstrip()}\n--- end of mail ---", flush=True)
        return "250 Message accepted for delivery"


def greenphase():
    script = Path(sys.executable).parent / "greenphase"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kernel.cli"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(HERE / "site.conf"))
    parser.add_argument("--smtp-port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()
    if not args.smtp_port:
        with socket.socket() as probe:      # the OS picks a free port
            probe.bind(("127.0.0.1", 0))
            args.smtp_port = probe.getsockname()[1]

    sink = Controller(PrintingSink(), hostname="127.0.0.1", port=args.smtp_port)
    try:
        sink.start()
    except OSError as exc:
        sys.exit(f"cannot start the SMTP sink on 127.0.0.1:{args.smtp_port}: {exc}")
    print(f"smtp sink on 127.0.0.1:{args.smtp_port} (mails are printed here)", flush=True)
    env = dict(os.environ, TUTORIAL_SMTP_SERVER="127.0.0.1:%d" % args.smtp_port)
    server = subprocess.Popen(greenphase() + ["serve", "--workers", "1", "--config", args.config],
                              env=env)
    # SIGTERM to us goes on to the server; Ctrl-C reaches both (same process group).
    signal.signal(signal.SIGTERM, lambda signum, frame: server.terminate())
    try:
        code = server.wait()
    except KeyboardInterrupt:
        server.terminate()
        try:
            code = server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            code = server.wait()
    finally:
        sink.stop()
    sys.exit(code)


if __name__ == "__main__":
    main()
