"""Staff accounts: set-up, sign-in, TOTP, sessions, one-time links, administrators' work and the
audit log.
"""
