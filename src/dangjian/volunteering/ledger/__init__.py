"""The volunteer ledger (志愿者台账): volunteers, the skill taxonomy and teams."""


def register() -> None:
    """Put the ledger's menu entries, permissions, figures, panels and cards in the registry."""
