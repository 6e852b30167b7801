"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts."""

import email
import email.policy
import threading
from dataclasses import dataclass

from aiosmtpd.controller import Controller


@dataclass
class Mail:
    mail_from: str
    rcpt_tos: list
    data: bytes                      # the message exactly as received (after DATA)

    @property
    def text(self):
        return self.data.decode("utf-8", "replace")

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=email.policy.default)

    @property
    def body(self):
        """The message body (after the header block), line endings normalised to \\n."""
        text = self.text.replace("\r\n", "\n")
        return text.partition("\n\n")[2]


class SmtpSink:
    """Collects messages; `wait_for(n)` blocks until n arrived (bounded)."""

    def __init__(self, port=None, host="127.0.0.1"):
        """`port`: None picks a free one (so two test runs never meet)."""
        if port is None:
            from .server import free_port
            port = free_port()
        self.host, self.port = host, port
        self.mails = []
        self._arrived = threading.Condition()
        self._controller = Controller(self, hostname=host, port=port)

    async def handle_DATA(self, server, session, envelope):
        mail = Mail(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        with self._arrived:
            self.mails.append(mail)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self._controller.stop()

    @property
    def address(self):
        """host:port, as the feedback forms' SMTP_SERVER expects it."""
        return "%s:%d" % (self.host, self.port)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def snapshot(self):
        with self._arrived:
            return list(self.mails)

    def wait_for(self, count, timeout=10.0):
        """The first `count` mails; raises TimeoutError when fewer arrive within `timeout`."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.mails) >= count, timeout):
                raise TimeoutError(f"expected {count} mail(s) on {self.host}:{self.port}, "
                                   f"got {len(self.mails)} within {timeout}s")
            return list(self.mails[:count])
