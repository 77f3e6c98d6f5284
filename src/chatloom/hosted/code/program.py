"""Loading an exported program: its module, with chatloom's stand-ins where it reaches out.

The file runs as operator-trusted Python (like a server app), once per version of its
source, in a module of its own. Its imports go through a hook scoped to that module's
builtins, so nothing else in the process changes:

* ``agents`` is the real OpenAI Agents SDK except ``Runner`` (:class:`.agent_run.CodeRunner`)
  and ``trace`` (a no-op: chatloom keeps its own traces, nothing goes to OpenAI);
* ``openai`` is the real package except ``AsyncOpenAI`` (:class:`.shims.AsyncOpenAIStandIn`);
* ``guardrails.runtime`` is :mod:`.shims`' stand-in when openai-guardrails is absent.

After it has run, each module-level ``approval_request*`` function is replaced by one
that asks the user (:mod:`.run`). Errors name the file and line in the program.
"""

from __future__ import annotations

import asyncio
import builtins
import hashlib
import importlib
import importlib.util
import inspect
import sys
import traceback
import types
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ...logger import logger
from ..engine.context import WorkflowRunError
from ..workflow.model import CodeEntry
from .session import Suspension, current

MAX_CACHED = 32


def _proxy(real: types.ModuleType, overrides: Mapping[str, Any]) -> types.ModuleType:
    """``real`` with some names replaced; every other name is the real one."""
    module = types.ModuleType(real.__name__, real.__doc__)
    module.__dict__.update(overrides)
    module.__dict__["__getattr__"] = lambda name: getattr(real, name)
    if hasattr(real, "__all__"):
        module.__dict__["__all__"] = list(real.__all__)
    return module


def _has_real_guardrails() -> bool:
    try:
        return importlib.util.find_spec("guardrails.runtime") is not None
    except ModuleNotFoundError:
        return False


def _scoped_import() -> Callable[..., Any]:
    # The Agents SDK takes seconds to import on a busy host: this runs in a worker
    # thread (see load_program), never on the event loop, and so do these imports.
    import openai

    import agents

    from .agent_run import CodeRunner
    from .shims import AsyncOpenAIStandIn, guardrails_runtime, no_trace

    run = _proxy(importlib.import_module("agents.run"), {"Runner": CodeRunner})
    proxies: dict[str, types.ModuleType] = {
        "agents": _proxy(agents, {"Runner": CodeRunner, "trace": no_trace, "run": run}),
        "agents.run": run,  # from agents.run import Runner
        "openai": _proxy(openai, {"AsyncOpenAI": AsyncOpenAIStandIn}),
    }
    if not _has_real_guardrails():
        runtime = guardrails_runtime()
        package = types.ModuleType("guardrails", "chatloom's stand-in for openai-guardrails")
        package.__dict__.update(runtime=runtime, __path__=[])
        proxies["guardrails"] = package
        proxies["guardrails.runtime"] = runtime

    def scoped(
        name: str,
        globals: Mapping[str, Any] | None = None,
        locals: Mapping[str, Any] | None = None,
        fromlist: Sequence[str] | None = (),
        level: int = 0,
    ) -> Any:
        root = name.partition(".")[0]
        if level != 0 or root not in proxies:
            return builtins.__import__(name, globals, locals, fromlist or (), level)
        if name in proxies and (fromlist or name == root):
            return proxies[name]
        if root == "guardrails" and "guardrails.runtime" in proxies:
            return proxies["guardrails"]  # no other module of the package stands in
        module = builtins.__import__(name, globals, locals, fromlist or (), level)
        return module if fromlist else proxies[root]

    return scoped


def _approval(function: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """Replaces the exporter's ``approval_request`` stub: asks the user in the thread."""

    def decide(message: Any = "Do you approve?", *args: Any, **kwargs: Any) -> bool:
        session = current(function)
        text = str(message)
        recorded = session.journal.replay("approval", text)
        if recorded is None:
            raise Suspension(function, text)
        return bool(recorded.value)

    if inspect.iscoroutinefunction(original):

        async def decide_async(*args: Any, **kwargs: Any) -> bool:
            return decide(*args, **kwargs)

        return decide_async
    return decide


@dataclass
class Program:
    entry: CodeEntry
    module: types.ModuleType

    @property
    def function(self) -> Callable[..., Any]:
        return getattr(self.module, self.entry.function)  # type: ignore[no-any-return]

    def workflow_input(self, text: str) -> Any:
        """The argument the entry point takes: its annotated pydantic model (the exporter's
        ``WorkflowInput``), else a plain ``{"input_as_text": …}``."""
        parameter = next(iter(inspect.signature(self.function).parameters.values()))
        annotation = parameter.annotation
        if isinstance(annotation, str):
            annotation = getattr(self.module, annotation, None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation.model_validate({"input_as_text": text})
        return {"input_as_text": text}

    def where(self, error: BaseException) -> str:
        """The last line of the program ``error`` passed through (``file:line``)."""
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.filename == self.entry.file:
                return f"{self.entry.file}:{frame.lineno}"
        return self.entry.file

    def describe(self, error: BaseException) -> str:
        """The error, where the program was when it happened."""
        if isinstance(error, WorkflowRunError):  # chatloom's own words: said as they are
            return f"{self.where(error)}: {error.message}"
        return f"{self.where(error)}: {type(error).__name__}: {error}"


_programs: dict[str, Program] = {}
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _execute(entry: CodeEntry, name: str) -> Program:
    module = types.ModuleType(name)
    module.__dict__.update(
        __file__=entry.file,
        __builtins__={**builtins.__dict__, "__import__": _scoped_import()},
    )
    sys.modules[name] = module  # pydantic and typing resolve names through it
    try:
        exec(compile(entry.source, entry.file, "exec"), module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    for attribute, value in list(module.__dict__.items()):
        if attribute.startswith("approval_request") and inspect.isfunction(value):
            setattr(module, attribute, _approval(attribute, value))
    return Program(entry, module)


async def load_program(entry: CodeEntry) -> Program:
    """The program of ``entry``, run once per source (off the event loop)."""
    digest = hashlib.sha256(f"{entry.file}\0{entry.source}".encode()).hexdigest()[:24]
    loop = asyncio.get_running_loop()
    async with _locks.setdefault(loop, asyncio.Lock()):
        program = _programs.get(digest)
        if program is not None:
            return program
        name = f"chatloom_code_{digest}"
        try:
            program = await asyncio.to_thread(_execute, entry, name)
        except Exception as error:
            logger.exception("Loading %s failed", entry.file)
            raise WorkflowRunError(
                "The workflow's program could not be loaded: "
                + Program(entry, types.ModuleType(name)).describe(error)
            ) from None
        if len(_programs) >= MAX_CACHED:  # the oldest version goes
            old = _programs.pop(next(iter(_programs)))
            sys.modules.pop(old.module.__name__, None)
        _programs[digest] = program
        return program


_preloading: set[asyncio.Task[Program]] = set()


def preload(entry: CodeEntry) -> None:
    """Start loading ``entry``'s program now (a session was just created for it), so the
    first message does not wait for the Agents SDK's import (seconds on a busy host).
    A failure is logged here and shown to the user on their first message."""
    task = asyncio.get_running_loop().create_task(load_program(entry))
    _preloading.add(task)

    def done(task: asyncio.Task[Program]) -> None:
        _preloading.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: load_program has logged it

    task.add_done_callback(done)


__all__ = ["Program", "load_program", "preload"]
