"""The demo: a help-desk assistant for a fictional product, built on the public API.

``chatloom demo`` (or ``python -m chatloom demo``) serves it; see :func:`create_demo_app`.
"""

from .app import create_demo_app

__all__ = ["create_demo_app"]
