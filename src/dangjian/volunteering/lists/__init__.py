"""The 三张清单 — needs, resources, projects — and residents' 微心愿, with their portal pages."""


def register() -> None:
    """Put the lists' menu entries, permissions, figures, portal links, cards and to-dos in the registry."""
