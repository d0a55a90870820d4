"""Authorize.net CIM (customer profiles) emulator."""

from console.sandbox.authorize_net.emulator import AuthorizeNetEmulator

__all__ = ["AuthorizeNetEmulator"]
