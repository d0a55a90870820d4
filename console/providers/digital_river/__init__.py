"""Digital River: customers of one account (test or live, as its key says) through the customers API."""

from console.providers.digital_river.capabilities import (
    CAPABILITIES,
    CREDENTIALS,
    KEY,
    NAME,
    OPTIONS,
    base_url,
    environment_of_key,
)
from console.providers.digital_river.client import DigitalRiverProvider
from console.providers.digital_river.mapping import customer_from_wire
from console.providers.registry import ProviderInfo

INFO = ProviderInfo(key=KEY, capabilities=CAPABILITIES, client=DigitalRiverProvider, credentials=CREDENTIALS,
                    base_url=base_url, environment_from_credentials=environment_of_key, options=OPTIONS)

__all__ = ["CAPABILITIES", "INFO", "KEY", "NAME", "DigitalRiverProvider", "customer_from_wire",
           "environment_of_key"]
