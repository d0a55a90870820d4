"""Digital River API customers emulator."""

from console.sandbox.digital_river.emulator import DigitalRiverEmulator

__all__ = ["DigitalRiverEmulator"]
