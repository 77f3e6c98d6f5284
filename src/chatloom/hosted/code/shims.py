"""Stand-ins for what exported code reaches outside the Agents SDK.

* ``AsyncOpenAI()``: the exporter's shared client. The stand-in needs no API key and
  serves the one call exports make, ``client.vector_stores.search(...)``, from the
  workflow's document store of that id; anything else on it is a clear error.
* ``guardrails.runtime`` (openai-guardrails), used only when that package is not
  installed: ``load_config_bundle``, ``instantiate_guardrails`` and ``run_guardrails`` on
  chatloom's guardrail checks, with results shaped like the package's
  (``tripwire_triggered``, ``info`` with ``guardrail_name``, ``checked_text``…).
* ``trace(...)``: a no-op context manager. chatloom keeps its own run traces; nothing
  is sent to OpenAI.

Guardrail verdicts and searches are journaled like agent runs (:mod:`.journal`).
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from pydantic import ValidationError

from ...errors import CustomStreamError
from ..engine.context import WorkflowRunError
from ..engine.guardrails import GuardrailError, run_checks
from ..engine.structured import StructuredOutputError
from ..workflow import model as wf
from .agent_run import store_for
from .session import CodeSession, current, problems

# --- the OpenAI client ---------------------------------------------------------------------


class _VectorStores:
    async def search(
        self,
        vector_store_id: str,
        *,
        query: str | list[str],
        max_num_results: int = 10,
        **ignored: Any,
    ) -> SimpleNamespace:
        session = current("client.vector_stores.search")
        text = query if isinstance(query, str) else " ".join(query)
        limit = max(1, min(int(max_num_results), 50))
        key = f"{vector_store_id}:{limit}:{text}"
        recorded = session.journal.replay("search", key)
        if recorded is not None:
            found = list(recorded.value or [])
        else:
            session.count_step()
            store = store_for(session, vector_store_id)
            with session.traced(vector_store_id, "file_search", {"query": text}) as out:
                results = await session.ctx.search(store, text, limit)
                found = [r.as_output() for r in results]
                out["output"] = [r["filename"] for r in found]
            session.journal.record("search", key, found)
        return SimpleNamespace(
            object="vector_store.search_results.page",
            search_query=text,
            has_more=False,
            next_page=None,
            data=[
                SimpleNamespace(
                    file_id=r["id"],
                    filename=r["filename"],
                    score=r["score"],
                    attributes={},
                    content=[SimpleNamespace(type="text", text=r["text"])],
                )
                for r in found
            ],
        )


class AsyncOpenAIStandIn:
    """Takes any constructor arguments; serves ``vector_stores.search`` only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.vector_stores = _VectorStores()

    def __getattr__(self, name: str) -> Any:
        raise NotImplementedError(
            f"client.{name}: chatloom's stand-in for AsyncOpenAI serves only "
            "vector_stores.search (the workflow's document stores)"
        )


# --- tracing -------------------------------------------------------------------------------


@contextmanager
def no_trace(*args: Any, **kwargs: Any) -> Iterator[None]:
    yield None


# --- openai-guardrails ---------------------------------------------------------------------


class GuardrailTripwireTriggered(Exception):
    """What ``run_guardrails`` raises on a tripwire unless ``suppress_tripwire``."""

    def __init__(self, guardrail_result: GuardrailResult) -> None:
        super().__init__(f"Guardrail {guardrail_result.info.get('guardrail_name')} triggered")
        self.guardrail_result = guardrail_result


@dataclass
class GuardrailResult:
    tripwire_triggered: bool
    info: dict[str, Any] = field(default_factory=dict)
    execution_failed: bool = False
    original_exception: Exception | None = None


@dataclass(frozen=True)
class Guardrail:
    """A check as ``instantiate_guardrails`` returns it; made a chatloom check when it
    runs (a store or model it names is looked up in the run's workflow)."""

    name: str
    config: Mapping[str, Any]


def _check(session: CodeSession, name: str, config: Mapping[str, Any]) -> Any:

    def model(value: Any) -> str | None:
        return session.model_for(name, value) if value else None

    threshold = {"confidence_threshold": config.get("confidence_threshold", 0.7)}
    if name == "Contains PII":
        return wf.PiiCheck(
            type="pii", entities=config.get("entities"), block=bool(config.get("block", False))
        )
    if name == "Moderation":
        return wf.ModerationCheck(
            type="moderation", categories=config.get("categories"), model=model(config.get("model"))
        )
    if name == "Jailbreak":
        return wf.JailbreakCheck(type="jailbreak", model=model(config.get("model")), **threshold)
    if name == "NSFW Text":
        return wf.NsfwCheck(type="nsfw", model=model(config.get("model")), **threshold)
    if name == "URL Filter":
        return wf.UrlFilterCheck(
            type="url_filter",
            allow=list(config.get("url_allow_list") or []),
            allowed_schemes=list(config.get("allowed_schemes") or ["https", "http"]),
            block_userinfo=bool(config.get("block_userinfo", True)),
        )
    if name == "Hallucination Detection":
        store = store_for(session, str(config.get("knowledge_source")))
        return wf.HallucinationCheck(
            type="hallucination", store=store, model=model(config.get("model")), **threshold
        )
    raise AssertionError(name)  # instantiate_guardrails let only the supported through


SUPPORTED_GUARDRAILS = (
    "Contains PII",
    "Moderation",
    "Jailbreak",
    "NSFW Text",
    "URL Filter",
    "Hallucination Detection",
)


def load_config_bundle(config: Any) -> dict[str, Any]:
    if not isinstance(config, Mapping) or not isinstance(config.get("guardrails"), list):
        raise WorkflowRunError("A guardrails config must be a mapping with a 'guardrails' list.")
    return dict(config)


def instantiate_guardrails(bundle: Mapping[str, Any]) -> list[Guardrail]:
    guardrails = []
    for entry in bundle.get("guardrails") or []:
        name = str(entry.get("name")) if isinstance(entry, Mapping) else ""
        config = entry.get("config") if isinstance(entry, Mapping) else None
        if name not in SUPPORTED_GUARDRAILS:
            raise WorkflowRunError(
                f"Guardrail {name!r} is not supported here (supported: "
                f"{', '.join(SUPPORTED_GUARDRAILS)})"
            )
        guardrails.append(Guardrail(name, dict(config or {})))
    return guardrails


def _info(name: str, text: str, safe_text: str, report: Mapping[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = {"guardrail_name": name, "checked_text": safe_text, **report}
    info.pop("failed", None)
    if name == "Contains PII":
        info["anonymized_text"] = safe_text
        info["detected_entities"] = report.get("detected_counts", {})
        info["pii_detected"] = bool(report.get("detected_counts"))
    return info


async def run_guardrails(
    ctx: Any,
    data_to_check: str,
    media_type: str = "text/plain",
    guardrails: list[Guardrail] | None = None,
    suppress_tripwire: bool = False,
    raise_guardrail_errors: bool = False,
    **ignored: Any,
) -> list[GuardrailResult]:
    session = current("run_guardrails")
    results: list[GuardrailResult] = []
    text = str(data_to_check)
    for guardrail in guardrails or []:
        name = guardrail.name
        try:
            check = _check(session, name, guardrail.config)
        except ValidationError as error:
            raise WorkflowRunError(f"Guardrail {name!r}: {problems(error)}") from None
        if isinstance(check, wf.PiiCheck):  # as the engine does: titles are masked too
            session.ctx.conversation.masks.append(check.entities)
        recorded = session.journal.replay("guardrail", name)
        if recorded is not None:
            value = dict(recorded.value or {})
        else:
            session.count_step()
            value = await _run_one(session, name, check, text, raise_guardrail_errors)
            session.journal.record("guardrail", name, value)
        results.append(GuardrailResult(**value))
    if not suppress_tripwire:
        for result in results:
            if result.tripwire_triggered:
                raise GuardrailTripwireTriggered(result)
    return results


async def _run_one(
    session: CodeSession, name: str, check: Any, text: str, raise_errors: bool
) -> dict[str, Any]:
    ctx = session.ctx
    with session.traced(name, "guardrail", {"text": text}) as out:
        try:
            outcome = await run_checks(ctx.provider, ctx.search, [check], text)
        except (StructuredOutputError, GuardrailError, CustomStreamError) as error:
            if raise_errors:
                raise WorkflowRunError(f"Guardrail {name!r} could not run: {error}") from None
            info = {"guardrail_name": name, "checked_text": text, "error": str(error)}
            return {"tripwire_triggered": False, "info": info, "execution_failed": True}
        report: dict[str, Any] = next(iter(outcome.report.values()), {})
        out["output"] = report
        info = _info(name, text, outcome.safe_text, report)
        return {"tripwire_triggered": not outcome.passed, "info": info}


def guardrails_runtime() -> types.ModuleType:
    """The ``guardrails.runtime`` module exported code imports."""
    module = types.ModuleType("guardrails.runtime", "chatloom's stand-in for openai-guardrails")
    for name, value in (
        ("load_config_bundle", load_config_bundle),
        ("instantiate_guardrails", instantiate_guardrails),
        ("run_guardrails", run_guardrails),
        ("GuardrailResult", GuardrailResult),
        ("GuardrailTripwireTriggered", GuardrailTripwireTriggered),
    ):
        setattr(module, name, value)
    return module


__all__ = [
    "SUPPORTED_GUARDRAILS",
    "AsyncOpenAIStandIn",
    "GuardrailResult",
    "GuardrailTripwireTriggered",
    "guardrails_runtime",
    "no_trace",
]
