"""Sending email without making anyone wait for it.

Each message goes through the SMTP server in the settings (MAIL_SERVER...): as an
RQ job on the ``emails`` queue when REDIS_URL is set, else on a thread of this
process, after the page has been answered. A send that fails is tried again after
each of MAIL_RETRY_SECONDS (RQ's Retry when queued); an answer that trying again
cannot change (a 5xx refusal) is logged and the message dropped. Nothing here ever
raises into a page: the action that caused the email has already succeeded.

Without MAIL_SERVER nothing is sent: each message is logged, whole in development
(so a developer can follow its link), and the newest are kept in :func:`unsent`.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from flask import current_app

from audit_app.services import jobs

log = logging.getLogger(__name__)

QUEUE = "emails"
KEPT = 100  # unsent messages kept in memory without a server


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    sender: str
    sender_name: str
    timeout: float  # a server that does not answer in this long has failed


def server_of(config: Any) -> Server | None:
    """The SMTP server from the app's settings, or None when MAIL_SERVER is unset."""
    if not config.get("MAIL_SERVER"):
        return None
    return Server(
        host=config["MAIL_SERVER"],
        port=int(config["MAIL_PORT"]),
        username=config.get("MAIL_USERNAME"),
        password=config.get("MAIL_PASSWORD"),
        starttls=bool(config.get("MAIL_STARTTLS")),
        sender=config["MAIL_SENDER"],
        sender_name=config["SERVICE_NAME"],
        timeout=float(config.get("MAIL_TIMEOUT_SECONDS") or 10),
    )


def is_configured() -> bool:
    return server_of(current_app.config) is not None


def email_of(message: Message, server: Server) -> EmailMessage:
    built = EmailMessage()
    built["From"] = formataddr((server.sender_name, server.sender))
    built["To"] = message.to
    # A header may not hold a line break; a title typed with one must not end the header.
    built["Subject"] = " ".join(message.subject.split())
    built["Message-ID"] = make_msgid(domain=server.sender.rpartition("@")[2] or None)
    built.set_content(message.text)
    return built


def send_now(server: Server, message: Message) -> None:
    """Hand ``message`` to the server; raises OSError or smtplib.SMTPException."""
    with smtplib.SMTP(server.host, server.port, timeout=server.timeout) as smtp:
        if server.starttls:
            smtp.starttls()
        if server.username:
            smtp.login(server.username, server.password or "")
        smtp.send_message(email_of(message, server))


def is_permanent(error: Exception) -> bool:
    """Whether the server refused for good (5xx): trying again would be refused again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def send(message: Message) -> None:
    """Send ``message`` after this request, trying again on failure; never raises."""
    try:
        config = current_app.config
        server = server_of(config)
        if server is None:
            _keep(message, bool(config.get("MAIL_PRINT_UNSENT")))
            return
        intervals = [int(seconds) for seconds in config["MAIL_RETRY_SECONDS"]]
        if jobs.uses_queue() and _queued(message, intervals):
            return
        _start_thread(server, message, intervals)
    except Exception:  # noqa: BLE001 (an email must never undo or break the page)
        log.exception("email to %s (%s) could not be started", message.to, message.subject)


def _queued(message: Message, intervals: list[int]) -> bool:
    from rq import Retry

    retry = Retry(max=len(intervals), interval=intervals) if intervals else None
    try:
        jobs.enqueue(QUEUE, send_job, asdict(message), retry=retry)
    except jobs.QueueUnreachable:
        log.warning("Redis could not be reached: email to %s sent from this process", message.to)
        return False
    return True


def send_job(fields: dict[str, str]) -> None:
    """The RQ job: send once with the worker's own settings; raising makes RQ try again."""
    message = Message(**fields)
    server = server_of(jobs.job_app().config)
    if server is None:
        log.warning("MAIL_SERVER is not set for the worker: email to %s not sent", message.to)
        return
    try:
        send_now(server, message)
    except Exception as error:
        if is_permanent(error):
            log.error("email to %s refused for good: %s", message.to, error)
            return
        log.warning("email to %s not sent (%s); RQ will try again", message.to, error)
        raise
    log.info("email to %s sent: %s", message.to, message.subject)


# --- without Redis: a thread per message ------------------------------------------------

_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


def _start_thread(server: Server, message: Message, intervals: list[int]) -> None:
    thread = threading.Thread(
        target=deliver, args=(server, message, intervals), name="email", daemon=True
    )
    with _threads_lock:
        _threads[:] = [running for running in _threads if running.is_alive()]
        _threads.append(thread)
    thread.start()


def deliver(server: Server, message: Message, intervals: list[int]) -> bool:
    """Send, and after each failure wait the next interval and try again; whether it went."""
    for attempt, wait in enumerate([0, *intervals], start=1):
        time.sleep(wait)
        try:
            send_now(server, message)
        except Exception as error:  # noqa: BLE001 (logged; tried again or given up)
            if is_permanent(error):
                log.error("email to %s refused for good: %s", message.to, error)
                return False
            log.warning("email to %s not sent, attempt %d: %s", message.to, attempt, error)
            continue
        log.info("email to %s sent: %s", message.to, message.subject)
        return True
    log.error("email to %s given up after %d attempts: %s", message.to, attempt, message.subject)
    return False


def wait_for_sending(timeout: float = 30) -> None:
    """Wait until this process's sending threads have finished (tests, shutdown)."""
    with _threads_lock:
        running = list(_threads)
    deadline = time.monotonic() + timeout
    for thread in running:
        thread.join(max(0.0, deadline - time.monotonic()))


# --- without a server: logged and kept --------------------------------------------------


def _keep(message: Message, whole: bool) -> None:
    kept: deque[Message] = current_app.extensions.setdefault("unsent_email", deque(maxlen=KEPT))
    kept.append(message)
    if whole:
        log.warning(
            "MAIL_SERVER is not set, so this email was not sent:\nTo: %s\nSubject: %s\n\n%s",
            message.to,
            message.subject,
            message.text,
        )
    else:
        log.warning("MAIL_SERVER is not set: email to %s not sent", message.to)


def unsent() -> list[Message]:
    """The newest messages not sent for want of a server, oldest first."""
    return list(current_app.extensions.get("unsent_email", ()))
