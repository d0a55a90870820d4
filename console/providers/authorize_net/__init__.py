"""Authorize.net: customer profiles of one merchant through the Customer Information Manager (CIM).

Importing the package imports only its capabilities (the registry's `INFO`); the client and mapping are
imported when first used (registry.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.providers.authorize_net.capabilities import CAPABILITIES, INFO, KEY, NAME
from console.providers.registry import lazy_exports

if TYPE_CHECKING:
    from console.providers.authorize_net.client import AuthorizeNetProvider
    from console.providers.authorize_net.mapping import customer_from_wire, error_from_messages

__getattr__ = lazy_exports(__name__, {"AuthorizeNetProvider": "client", "customer_from_wire": "mapping",
                                      "error_from_messages": "mapping"})

__all__ = ["CAPABILITIES", "INFO", "KEY", "NAME", "AuthorizeNetProvider", "customer_from_wire", "error_from_messages"]
