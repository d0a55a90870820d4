"""The workspace database: tables, migrations and repository functions over domain objects.

SQLAlchemy Core only (no ORM), so one schema serves SQLite (SQLCipher, `engine.open_workspace`) and
PostgreSQL in team mode (`team.open_team_workspace`). No Qt, no HTTP, and nothing from services,
providers or the sandbox: callers pass in what this layer needs (the key and path, or the server).
"""
