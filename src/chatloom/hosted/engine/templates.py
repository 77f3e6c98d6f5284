"""Widget templates rendered with bounds: Jinja's sandbox, plus a deadline, an output cap
and size checks on ``*``/``**``, since nested loops and repetition are unbounded there.

The deadline is checked on every line the template's own code runs (a trace function
set only for frames compiled from templates), so even an empty nested loop stops.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Mapping
from types import FrameType
from typing import Any

from jinja2 import Template
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import TypeAdapter

from ...widgets import DynamicWidgetRoot

MAX_OUTPUT_CHARS = 1 << 20
MAX_REPEAT = 1 << 16  # characters or items one ``*`` may build
MAX_EXPONENT = 1024
MAX_INT_BITS = 1 << 16
RENDER_SECONDS = 2.0
_TEMPLATE_FILE = "<template>"
_root = TypeAdapter(DynamicWidgetRoot)


class TemplateError(Exception):
    """The template failed, ran out of time, or built too much."""


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


class BoundedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent larger than {MAX_EXPONENT}")
        if isinstance(left, int) and isinstance(right, int):
            bits = left.bit_length() * abs(right) if operator == "**" else left.bit_length()
            if bits + right.bit_length() > MAX_INT_BITS:  # one C-level step: no deadline check
                raise SecurityError(f"a number larger than {MAX_INT_BITS} bits")
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                length = _length(sized)
                if length is not None and isinstance(count, int) and length * count > MAX_REPEAT:
                    raise SecurityError(f"repetition longer than {MAX_REPEAT}")
        return super().call_binop(context, operator, left, right)


environment = BoundedSandbox(autoescape=False)


@functools.lru_cache(maxsize=256)
def compile_template(source: str) -> Template:
    """A widget output's template, compiled once per source (templates are immutable)."""
    return environment.from_string(source)


def _deadline_tracer(deadline: float) -> Any:
    def on_line(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise TemplateError(f"the template ran longer than {RENDER_SECONDS:g} s")
        return on_line

    def on_call(frame: FrameType, event: str, arg: Any) -> Any:
        return on_line if frame.f_code.co_filename == _TEMPLATE_FILE else None

    return on_call


def render_widget(template: Template, data: Mapping[str, Any]) -> DynamicWidgetRoot:
    """Render on the calling (worker) thread; :class:`TemplateError` on any failure."""
    previous = sys.gettrace()
    sys.settrace(_deadline_tracer(time.monotonic() + RENDER_SECONDS))
    try:
        size, pieces = 0, []
        for piece in template.generate(**data):
            size += len(piece)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateError(f"the template wrote more than {MAX_OUTPUT_CHARS} characters")
            pieces.append(piece)
    except TemplateError:
        raise
    except Exception as error:
        raise TemplateError(str(error)) from None
    finally:
        sys.settrace(previous)
    try:
        return _root.validate_json("".join(pieces))
    except ValueError as error:
        raise TemplateError(str(error)) from None


__all__ = ["TemplateError", "compile_template", "environment", "render_widget"]
