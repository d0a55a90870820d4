"""Square: customers of one seller account through the Customers API.

Importing the package imports only its capabilities (the registry's `INFO`); the client and mapping are
imported when first used (registry.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.providers.registry import lazy_exports
from console.providers.square.capabilities import CAPABILITIES, INFO, KEY, NAME, PAGE_SIZE, SQUARE_VERSION

if TYPE_CHECKING:
    from console.providers.square.client import SquareProvider
    from console.providers.square.mapping import customer_from_wire

__getattr__ = lazy_exports(__name__, {"SquareProvider": "client", "customer_from_wire": "mapping"})

__all__ = ["CAPABILITIES", "INFO", "KEY", "NAME", "PAGE_SIZE", "SQUARE_VERSION", "SquareProvider", "customer_from_wire"]
