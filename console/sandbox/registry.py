"""Which emulators exist, by provider key; classes are imported only when asked for."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.sandbox.base import Emulator

# provider key -> "module:Class". Listed statically so a frozen build can name them as hidden imports.
EMULATORS: dict[str, str] = {
    "square": "console.sandbox.square:SquareEmulator",
    "authorize-net": "console.sandbox.authorize_net:AuthorizeNetEmulator",
    "clover": "console.sandbox.clover:CloverEmulator",
    "payarc": "console.sandbox.payarc:PayArcEmulator",
    "digital-river": "console.sandbox.digital_river:DigitalRiverEmulator",
}


def emulator_keys() -> list[str]:
    """Provider keys with an emulator, in registration order."""
    return list(EMULATORS)


def emulator_class(key: str) -> type[Emulator]:
    """The emulator class for a provider key (KeyError naming the known keys otherwise)."""
    try:
        target = EMULATORS[key]
    except KeyError:
        raise KeyError(f"no emulator for provider {key!r}; known: {', '.join(EMULATORS)}") from None
    from console.sandbox.base import Emulator  # httpx with it: not before a demo account's first request

    module_name, _, class_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, Emulator)):
        raise TypeError(f"{target} is not an Emulator subclass")
    return cls
