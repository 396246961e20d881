"""The dashboard's screen part."""


def register() -> None:
    """Contribute this part's menu entries, permissions and cards to the registry."""
