"""Domain logic: plain functions that take a SQLAlchemy Session.

Nothing in this package imports Flask or sees a request; views translate HTTP
into these calls and their domain errors back into pages.
"""
