"""Async use cases over the providers: loading, searching, editing, settings and secrets."""
