"""A runnable gallery of every ChatKit widget component, with actions end to end.

Run it from the repository root: ``python -m examples.widget_gallery``.
"""
