"""The dashboard's reports part."""


def register() -> None:
    """Contribute this part's menu entries, permissions and cards to the registry."""
