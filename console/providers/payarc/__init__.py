"""PayArc: customers of one merchant account through the customers API."""

from console.providers.payarc.capabilities import CAPABILITIES, CREDENTIALS, KEY, NAME, OPTIONS, PAGE_SIZE, base_url
from console.providers.payarc.client import PayArcProvider
from console.providers.payarc.mapping import customer_from_wire
from console.providers.registry import ProviderInfo

INFO = ProviderInfo(key=KEY, capabilities=CAPABILITIES, client=PayArcProvider, credentials=CREDENTIALS,
                    base_url=base_url, options=OPTIONS)

__all__ = ["CAPABILITIES", "INFO", "KEY", "NAME", "PAGE_SIZE", "PayArcProvider", "customer_from_wire"]
