"""Provider emulators: each provider's customer API as an httpx handler, with seeded demo data.

Imports `console.domain` at most; never providers, services or UI code.
"""
