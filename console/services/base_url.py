"""Where an account's requests go: the rules for a base URL override, enforced for every path.

Credentials travel with every request, so an override may use plain http only on this computer
(loopback), never carries a user name or password of its own, and an override that points
anywhere but the provider's own hosts or loopback is treated as production: nobody can tell
what data sits behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from console.domain import errors as e
from console.domain.hosts import is_loopback_host
from console.providers.base import Environment
from console.providers.registry import ProviderInfo


def base_url_problem(url: str) -> str | None:
    """Why `url` may not be used as a base URL override, or None when it may."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "the base URL is not a valid URL."
    if parts.scheme not in ("http", "https") or not host:
        return "the base URL must start with https:// and name a host."
    if parts.username is not None or parts.password is not None:
        return "the base URL must not contain a user name or password; credentials are kept in the keychain."
    if parts.scheme == "http" and not is_loopback_host(host):
        return ("plain http:// is only allowed for this computer (localhost, 127.0.0.1 or ::1); "
                "use https:// so credentials are never sent unencrypted.")
    return None


def check_base_url(url: str, *, account_name: str = "") -> None:
    """Raise InvalidInputError when `url` may not be used (see `base_url_problem`)."""
    if problem := base_url_problem(url):
        prefix = f"{account_name}: " if account_name else ""
        raise e.InvalidInputError(prefix + problem[0].upper() + problem[1:], field_errors={"base_url": problem})


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def provider_hosts(info: ProviderInfo) -> dict[str, set[Environment]]:
    """The provider's own API hosts, each with the environments it serves."""
    option_sets: list[dict[str, str]] = [{}]
    for option in info.options:
        option_sets += [{option.key: value} for value, _label in option.choices]
    hosts: dict[str, set[Environment]] = {}
    for environment in info.environments:
        for options in option_sets:
            hosts.setdefault(_host(info.base_url(environment, options)), set()).add(environment)
    return hosts


@dataclass(frozen=True, slots=True)
class Override:
    """An account's base URL override and what it means for safety."""

    url: str
    host: str
    kind: str                    # "loopback", "provider" or "other"
    environment: Environment     # the environment writes are treated as

    @property
    def label(self) -> str:
        return self.host if self.kind != "loopback" else f"{self.host} (this computer)"


def classify_override(info: ProviderInfo, url: str, environment: Environment) -> Override:
    """What an override of `url` on an account of `environment` means (the URL already checked)."""
    host = _host(url)
    if is_loopback_host(host):
        return Override(url, host, "loopback", environment)
    served = provider_hosts(info).get(host)
    if served is None:
        return Override(url, host, "other", "production")
    # A host serves the environment it belongs to: a sandbox account pointed at a production host
    # writes live data.
    if environment in served:
        return Override(url, host, "provider", environment)
    return Override(url, host, "provider", "production" if "production" in served else "sandbox")
