"""Square Customers API emulator (Square-Version 2025-08-20)."""

from console.sandbox.square.emulator import SquareEmulator

__all__ = ["SquareEmulator"]
