"""PayArc customers API emulator."""

from console.sandbox.payarc.emulator import PayArcEmulator

__all__ = ["PayArcEmulator"]
