"""Who may receive a report's keys: the custodians' root, handler certificates, recovery.

Access to a report is decided by who holds a wrap of its keys, so the
decision of who gets a wrap must not rest with the administrator, who runs the
staff directory. It rests here: on a root whose seed only custodians can
rebuild together, and on certificates only certified handlers and that root
can sign (``docs/crypto.md``, "Who may receive keys").
"""
