"""Where a customer is in the provider's own web dashboard (pure; the UI opens the URL)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from console.domain.capabilities import DashboardLinks


@dataclass(frozen=True, slots=True)
class DashboardLink:
    url: str
    customer_page: bool   # False: the dashboard's home page; the customer must be looked up there


def _template(templates: Mapping[str, str], environment: str, region: str | None) -> str | None:
    if region:
        found = templates.get(f"{environment}/{region}")
        if found:
            return found
    return templates.get(environment)


def dashboard_link(links: DashboardLinks, environment: str, options: Mapping[str, str],
                   customer_id: str) -> DashboardLink | None:
    """The customer's own page where the provider has one, else the dashboard's home; None if neither."""
    region = options.get("region")
    page = _template(links.customer, environment, region)
    if page:
        return DashboardLink(page.format(id=quote(customer_id, safe="")), customer_page=True)
    home = _template(links.home, environment, region)
    return DashboardLink(home, customer_page=False) if home else None
