"""The accused's right of reply: invitations, their take-over by the addressee, signed statements,
the rules of the reply and the letter.
"""
