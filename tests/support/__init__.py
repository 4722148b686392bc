"""Helpers for tests that need a real server or browser."""
