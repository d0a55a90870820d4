"""Clover Platform REST API v3 customers emulator."""

from console.sandbox.clover.emulator import CloverEmulator

__all__ = ["CloverEmulator"]
