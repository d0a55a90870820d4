"""Clover: customers of one merchant through the Platform REST API v3."""

from console.providers.clover.capabilities import CAPABILITIES, CREDENTIALS, KEY, NAME, OPTIONS, base_url
from console.providers.clover.client import CloverProvider
from console.providers.clover.mapping import customer_from_wire
from console.providers.registry import ProviderInfo

INFO = ProviderInfo(key=KEY, capabilities=CAPABILITIES, client=CloverProvider, credentials=CREDENTIALS,
                    base_url=base_url, options=OPTIONS)

__all__ = ["CAPABILITIES", "INFO", "KEY", "NAME", "CloverProvider", "base_url", "customer_from_wire"]
