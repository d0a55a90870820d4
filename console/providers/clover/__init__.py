"""Clover: customers of one merchant through the Platform REST API v3.

Importing the package imports only its capabilities (the registry's `INFO`); the client and mapping are
imported when first used (registry.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.providers.clover.capabilities import CAPABILITIES, INFO, KEY, NAME, base_url
from console.providers.registry import lazy_exports

if TYPE_CHECKING:
    from console.providers.clover.client import CloverProvider
    from console.providers.clover.mapping import customer_from_wire

__getattr__ = lazy_exports(__name__, {"CloverProvider": "client", "customer_from_wire": "mapping"})

__all__ = ["CAPABILITIES", "INFO", "KEY", "NAME", "CloverProvider", "base_url", "customer_from_wire"]
