"""Icon names accepted wherever the protocol carries an icon."""

from typing import Annotated, Literal

from pydantic import StringConstraints

VendorIconName = Annotated[str, StringConstraints(pattern=r"^vendor:")]
"""An integration-specific icon, e.g. ``vendor:acme-logo``."""

LucideIconName = Annotated[str, StringConstraints(pattern=r"^lucide:")]
"""Any Lucide icon, e.g. ``lucide:rocket``."""

BuiltinIconName = Literal[
    "agent", "analytics", "atom", "batch", "bolt", "book-open", "book-closed", "book-clock",
    "bug", "calendar", "chart", "check", "check-circle", "check-circle-filled",
    "chevron-left", "chevron-right", "circle-question", "clock", "compass", "confetti",
    "cube", "desktop", "document", "dot", "dots-horizontal", "dots-vertical",
    "empty-circle", "external-link", "globe", "keys", "lab", "images", "info", "lifesaver",
    "lightbulb", "mail", "map-pin", "maps", "mobile", "name", "notebook",
    "notebook-pencil", "page-blank", "phone", "play", "plus", "profile", "profile-card",
    "reload", "star", "star-filled", "search", "sparkle", "sparkle-double", "square-code",
    "square-image", "square-text", "suitcase", "settings-slider", "user", "wreath",
    "write", "write-alt", "write-alt2",
]  # fmt: skip

IconName = BuiltinIconName | VendorIconName | LucideIconName

__all__ = ["BuiltinIconName", "IconName", "LucideIconName", "VendorIconName"]
