"""The workspace database: tables, migrations and repository functions over domain objects.

SQLAlchemy Core only (no ORM), so one schema serves SQLite (SQLCipher) now and PostgreSQL in team
mode. No Qt, no HTTP, and nothing from services, providers or the sandbox: callers pass in what
this layer needs (the key, the path).
"""
