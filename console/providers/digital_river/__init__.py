"""Digital River: customers of one account (test or live, as its key says) through the customers API.

Importing the package imports only its capabilities (the registry's `INFO`); the client and mapping are
imported when first used (registry.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.providers.digital_river.capabilities import CAPABILITIES, INFO, KEY, NAME, environment_of_key
from console.providers.registry import lazy_exports

if TYPE_CHECKING:
    from console.providers.digital_river.client import DigitalRiverProvider
    from console.providers.digital_river.mapping import customer_from_wire

__getattr__ = lazy_exports(__name__, {"DigitalRiverProvider": "client", "customer_from_wire": "mapping"})

__all__ = ["CAPABILITIES", "INFO", "KEY", "NAME", "DigitalRiverProvider", "customer_from_wire", "environment_of_key"]
