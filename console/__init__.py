"""Customer Console: customer profiles at payment providers, from one desktop window."""

from typing import Any


def __getattr__(name: str) -> Any:
    # The version is read from the package metadata on first use only: importlib.metadata costs
    # more to import than start-up can spare before the first window is painted.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("customer-console")
        except PackageNotFoundError:  # running from a tree that was never installed
            value = "0.0.0"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'console' has no attribute {name!r}")
