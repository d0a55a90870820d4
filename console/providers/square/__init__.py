"""Square: customers of one seller account through the Customers API."""

from console.providers.registry import ProviderInfo
from console.providers.square.capabilities import (
    CAPABILITIES,
    CREDENTIALS,
    KEY,
    NAME,
    OPTIONS,
    PAGE_SIZE,
    SQUARE_VERSION,
    base_url,
)
from console.providers.square.client import SquareProvider
from console.providers.square.mapping import customer_from_wire

INFO = ProviderInfo(key=KEY, capabilities=CAPABILITIES, client=SquareProvider, credentials=CREDENTIALS,
                    base_url=base_url, options=OPTIONS)

__all__ = ["CAPABILITIES", "INFO", "KEY", "NAME", "PAGE_SIZE", "SQUARE_VERSION", "SquareProvider",
           "customer_from_wire"]
