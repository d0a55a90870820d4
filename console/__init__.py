"""Customer Console: customer profiles at payment providers, from one desktop window."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("customer-console")
except PackageNotFoundError:  # running from a tree that was never installed
    __version__ = "0.0.0"
