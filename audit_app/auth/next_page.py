"""Where to go after signing in: only ever a page of this site.

Modelled on Django's ``url_has_allowed_host_and_scheme``, but stricter, because
the only pages worth returning to are this app's own, whose paths are plain
ASCII: browsers drop tabs and newlines from a URL and read a backslash as a
slash, so ``/\\t/evil.example`` would otherwise leave the site as ``//evil.example``.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

MAX_LENGTH = 2000
# Percent-decoding this many times over leaves nothing encoded that a proxy or
# browser might decode once more; deeper nesting is refused outright.
_DECODINGS = 3


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (one leading "/", no scheme or host,
    printable ASCII with no backslash, also once percent-decoded), else None."""
    if not target or len(target) > MAX_LENGTH:
        return None
    candidate = target
    for _ in range(_DECODINGS):
        if not _is_plain_local(candidate):
            return None
        decoded = unquote(candidate)
        if decoded == candidate:
            return target
        candidate = decoded
    return None


def _is_plain_local(path: str) -> bool:
    if not (path.isascii() and path.isprintable()) or " " in path or "\\" in path:
        return False
    if not path.startswith("/") or path.startswith("//"):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc
