"""Authorize.net: customer profiles of one merchant through the Customer Information Manager (CIM)."""

from console.providers.authorize_net.capabilities import CAPABILITIES, CREDENTIALS, KEY, NAME, OPTIONS, base_url
from console.providers.authorize_net.client import AuthorizeNetProvider
from console.providers.authorize_net.mapping import customer_from_wire, error_from_messages
from console.providers.registry import ProviderInfo

INFO = ProviderInfo(key=KEY, capabilities=CAPABILITIES, client=AuthorizeNetProvider, credentials=CREDENTIALS,
                    base_url=base_url, options=OPTIONS)

__all__ = ["CAPABILITIES", "INFO", "KEY", "NAME", "AuthorizeNetProvider", "customer_from_wire",
           "error_from_messages"]
