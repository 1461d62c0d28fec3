"""Refuse a Prefect API that anyone on the network could use to record consent or publish.

A Prefect server without authentication lets whoever reaches its port run the
``record-consent`` deployment, withdraw consent, read logs or delete runs. So goodwork talks
to a Prefect API on another machine only when the client authenticates
(``PREFECT_API_AUTH_STRING`` for a self-hosted server, ``PREFECT_API_KEY`` for Prefect
Cloud), or when the operator says the network is trusted (``--insecure-api`` or the setting
``insecure_api``). The decision is made from the URL alone, before any connection: no name is
looked up, so a URL that points elsewhere never causes traffic.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import SecretStr

from goodwork_pipeline import Settings, SettingsError, settings_report

if TYPE_CHECKING:
    from goodwork_pipeline import Line, Table

# Names that mean "this machine" without asking a resolver (RFC 6761 reserves .localhost).
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


@dataclass(frozen=True)
class ApiCheck:
    """What goodwork concluded about the Prefect API it is about to use."""

    url: str | None  # None: embedded (no server; Prefect runs in this process)
    loopback: bool
    authenticated: bool
    tls: bool

    @property
    def safe(self) -> bool:
        return self.url is None or self.loopback or self.authenticated

    @property
    def secret_in_clear(self) -> bool:
        """An auth string sent over plain HTTP to another machine can be read on the way."""
        return self.url is not None and not self.loopback and self.authenticated and not self.tls


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: we do not look it up, so it counts as another machine


def check_api(url: str | None, auth_string: str | None, api_key: str | None) -> ApiCheck:
    if not url:
        return ApiCheck(None, True, bool(auth_string or api_key), False)
    parts = urlsplit(url)
    return ApiCheck(
        url=url,
        loopback=is_loopback_host(parts.hostname or ""),
        authenticated=bool(auth_string or api_key),
        tls=parts.scheme == "https",
    )


def current_api() -> ApiCheck:
    """The API this process would use: environment first, then the active Prefect profile."""
    from prefect.settings import get_current_settings

    api = get_current_settings().api

    return check_api(
        os.environ.get("PREFECT_API_URL") or api.url,
        os.environ.get("PREFECT_API_AUTH_STRING") or _reveal(api.auth_string),
        os.environ.get("PREFECT_API_KEY") or _reveal(api.key),
    )


def describe(check: ApiCheck) -> str:
    """One line for 'goodwork settings': where the Prefect API is and how it is protected."""
    if check.url is None:
        return "Prefect: embedded (no server, nothing listens on the network)."
    how = "authenticated" if check.authenticated else "NOT authenticated"
    where = "this machine" if check.loopback else "another machine"
    return f"Prefect API: {check.url} ({where}, {how})."


def _reveal(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None


def require_safe_api(insecure: bool = False) -> ApiCheck:
    """Raise SettingsError (exit 2) for an unauthenticated API on another machine."""
    check = current_api()
    if not check.safe and not insecure:
        raise SettingsError(
            f"Refusing to use the Prefect API at {check.url}: it is not on this machine and "
            "no PREFECT_API_AUTH_STRING is set, so anyone who can reach that server could "
            "record consent and publish a person's beeld. Start the server with "
            "PREFECT_SERVER_API_AUTH_STRING set and give every client the same secret as "
            "PREFECT_API_AUTH_STRING (or PREFECT_API_KEY for Prefect Cloud); see the README, "
            "'Scaling out on Prefect'. Only on a trusted private network: pass --insecure-api "
            "(or set insecure_api = true)."
        )
    return check


def refuse_unsafe_api(insecure: bool) -> str | None:
    """Before any command that may reach Prefect: refuse an unauthenticated remote API (unless
    ``insecure``, which the flows it starts, here or in a child process, inherit); the
    warning to show for a setup that is allowed but weak."""
    if insecure:
        os.environ["GOODWORK_INSECURE_API"] = "true"
    return warning_for(require_safe_api(insecure), insecure)


def warning_for(check: ApiCheck, insecure: bool) -> str | None:
    """An operator warning for a setup that is allowed but weaker than it should be."""
    if check.secret_in_clear:
        return (
            f"warning: the Prefect API at {check.url} is plain HTTP on another machine: the "
            "auth string crosses the network readable. Put the server behind a TLS reverse "
            "proxy (Caddy or nginx, see the README) and use an https:// PREFECT_API_URL."
        )
    if not check.safe and insecure:
        return (
            f"warning: using the Prefect API at {check.url} without authentication "
            "(--insecure-api): anyone on this network can record consent and publish."
        )
    return None


def settings_shown(settings: Settings) -> Iterable[Line | Table]:
    """``goodwork settings``: the settings in effect and how Prefect is reached."""
    return settings_report(settings, prefect=describe(current_api()))
