"""dangjian: grassroots party building and community service (智慧党建 + 网格治理)."""

__version__ = "0.1.0"
