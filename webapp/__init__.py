"""`optout serve`: a local, read-only web application over the archive (the same library calls as the CLI).

``create_app(data_dir)`` builds the Starlette application; ``webapp.live`` keeps one searcher open across
requests and reopens it when `optout index` changes the index.
"""

from webapp.app import create_app

__all__ = ["create_app"]
