"""What every service stands on and no domain owns: the clock, errors, transactions, the attachment
store and its sweep, the Argon2 gate, the installation's salt.
"""
