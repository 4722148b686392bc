"""A case and its contents: intake, the case file, its keys, who may read it, its journal,
lifecycle and routing.
"""
