"""The one write path for programs (docs/design.md §1): HTML views, API views, commands and tasks call these.

Each service is keyword-only and atomic. Inputs are already validated by a serializer or form; services
enforce the rules that need the database (ownership, care links, what is history and may not change).
Callers import each service from its module; this package re-exports nothing.
"""
