"""Lentera: the anonymous whistleblowing system's application package.

The Flask application is built by ``wbs_app.factory.create_app``; this file
imports nothing, so that the domain layer (``wbs_app.services``, the models,
``wbs_app.database``) loads without Flask.
"""
