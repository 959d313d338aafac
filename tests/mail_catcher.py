"""A local SMTP server (aiosmtpd) that keeps what it receives, for tests to read.

It can be told to refuse the next messages with a temporary failure (451), as a
busy mail server does, to show that sending is tried again.
"""

from __future__ import annotations

import re
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Catcher:
    """The handler: every message accepted, unless told to refuse some first."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refusals = 0  # how many of the next messages to refuse
        self.refusal = "451 4.3.0 Try again later"  # with this answer
        self.refused = 0  # how many were refused since the last clear()
        self._changed = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._changed:
            if self.refusals > 0:
                self.refusals -= 1
                self.refused += 1
                return self.refusal
            message = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            self.messages.append(message)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._changed:
            self.messages.clear()
            self.refusals = self.refused = 0
            self.refusal = "451 4.3.0 Try again later"

    def wait_for(self, count: int, timeout: float = 15) -> list[EmailMessage]:
        """The messages, once at least ``count`` have arrived (another process sends)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)


class MailServer:
    """A started catcher on a free loopback port."""

    def __init__(self) -> None:
        self.catcher = Catcher()
        self.port = free_port()
        self._controller = Controller(self.catcher, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> MailServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()

    def settings(self) -> dict[str, Any]:
        """The app's mail settings for sending here."""
        return {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_STARTTLS": False,
            "MAIL_SENDER": "audit@example.org",
        }


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def links(message: EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+", body(message))
