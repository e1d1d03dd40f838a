"""Logging filter that keeps secrets (passwords, PINs, tokens) out of log records."""

import logging
import re

_SECRET = re.compile(
    r"(?i)(password|passwd|pin|secret|token|api[_-]?key|authorization)(\"?\s*[:=]\s*\"?)([^\s\",&]+)"
)


def redact(text: str) -> str:
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not kill logging
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
