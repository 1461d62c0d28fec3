"""Operator logs: English, one line per event, with the story id as a field.

The rule for every log call in goodwork: at INFO and above, a line names the story by its
code (``GW-…``, random, says nothing about the person) and never carries transcript text,
participant names or inbox file names (staff name files after people: ``gesprek-anna.m4a``).
Those go to the store, where ``goodwork status`` shows them to staff, or to DEBUG.

Pass the structured fields as ``extra``::

    log.info("recording archived", extra=fields(story="GW-7K3QM2XD", event="received"))

``KeyValueFormatter`` renders ``… INFO goodwork.pipeline story=GW-7K3QM2XD event=received
recording archived``; ``JsonFormatter`` one JSON object per line for log collectors.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

# The structured fields goodwork sets; anything else in ``extra`` is ignored by formatters.
FIELDS = ("story", "event", "step", "seconds", "count", "error")


def fields(**values: Any) -> dict[str, Any]:
    """``extra=`` for a log call: only known field names, so typos fail loudly in tests."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown log field(s): {sorted(unknown)}")
    return {f"gw_{key}": value for key, value in values.items() if value is not None}


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {key: getattr(record, f"gw_{key}") for key in FIELDS if hasattr(record, f"gw_{key}")}


class KeyValueFormatter(logging.Formatter):
    """``2026-03-12T14:05:00Z INFO goodwork.pipeline story=GW-… event=received message``."""

    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        pairs = " ".join(f"{key}={_kv(value)}" for key, value in record_fields(record).items())
        line = f"{when} {record.levelname} {record.name}"
        if pairs:
            line += " " + pairs
        line += " " + record.getMessage()
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the structured fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **record_fields(record),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(*, level: int = logging.WARNING, json_lines: bool = False) -> None:
    """Send goodwork's logs to stderr in the chosen format (the CLI calls this once)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if json_lines else KeyValueFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_goodwork", False):
            root.removeHandler(existing)
    handler._goodwork = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # One line per HTTP request to the Prefect API is noise for an operator.
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(max(level, logging.WARNING))


def _kv(value: Any) -> str:
    text = str(value)
    return json.dumps(text) if (" " in text or not text) else text
