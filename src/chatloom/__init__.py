"""chatloom: an open, self-hostable implementation of ChatKit."""

from .version import __version__

__all__ = ["__version__"]
