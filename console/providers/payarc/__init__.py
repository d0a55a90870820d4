"""PayArc: customers of one merchant account through the customers API.

Importing the package imports only its capabilities (the registry's `INFO`); the client and mapping are
imported when first used (registry.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.providers.payarc.capabilities import CAPABILITIES, INFO, KEY, NAME, PAGE_SIZE
from console.providers.registry import lazy_exports

if TYPE_CHECKING:
    from console.providers.payarc.client import PayArcProvider
    from console.providers.payarc.mapping import customer_from_wire

__getattr__ = lazy_exports(__name__, {"PayArcProvider": "client", "customer_from_wire": "mapping"})

__all__ = ["CAPABILITIES", "INFO", "KEY", "NAME", "PAGE_SIZE", "PayArcProvider", "customer_from_wire"]
