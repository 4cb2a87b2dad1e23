"""Persistence: sqlmodel tables, the unit of work, migrations. Implements domain.ports."""
