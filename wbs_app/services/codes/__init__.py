"""Visitors who come with a code, reporters and respondents: their sign-in, sessions, the receipt
handed over once, text kept for them, guessing brakes.
"""
