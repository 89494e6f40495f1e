"""summarise: grounded, typed records of news articles, and the harness that scores them."""

__version__ = "0.1.0"
