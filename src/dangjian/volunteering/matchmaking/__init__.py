"""Matching needs to volunteers: ranked suggestions for one need and the optimal batch proposal."""


def register() -> None:
    """Put the matching pages' menu entries and permissions in the registry."""
