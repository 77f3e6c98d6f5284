"""Workflow versions in a folder: editable drafts, immutable published versions, a default.

Layout::

    workflows/
      support.yaml                 the draft of the workflow whose id is in the file
      versions/wf_support/1.json   published snapshots (templates inlined), read-only
      versions/wf_support/2.json
      versions/wf_support/default  the version sessions get when they name none

Publishing snapshots the current draft as the next number and (by default) makes it the
default. A published file is never rewritten. ``version: "draft"`` runs the draft, as
Agent Builder's preview does.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from .loader import WORKFLOW_SUFFIXES, WorkflowError, dump_workflow, load_workflow, parse_workflow
from .model import Workflow

DRAFT = "draft"


class UnknownWorkflow(LookupError):
    """No workflow with that id, or no such version of it."""


Stamp = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Draft:
    path: Path
    stamp: Stamp | None
    workflow: Workflow


def _code_file(path: Path, workflow: Workflow | None) -> Path | None:
    code = workflow.code if workflow is not None else None
    return path.parent / code.file if code is not None else None


def _stamp(*paths: Path | None) -> Stamp:
    """When each file last changed (and its size); a missing file counts as changed."""
    stamps = []
    for path in paths:
        if path is not None:
            try:
                stat = path.stat()
            except OSError:
                stat = None
            stamps.append((stat.st_mtime_ns, stat.st_size) if stat else (-1, -1))
    return tuple(stamps)


class WorkflowRepository:
    """Drafts and published versions of the workflows in ``folder``."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder).resolve()
        self.versions_dir = self.folder / "versions"
        self._drafts: dict[Path, _Draft] = {}
        self._published: dict[tuple[str, str], Workflow] = {}
        self._lock = threading.Lock()

    # --- drafts --------------------------------------------------------------------------

    def draft_files(self) -> list[Path]:
        return sorted(
            path
            for path in self.folder.iterdir()
            if path.is_file() and path.suffix in WORKFLOW_SUFFIXES
        )

    def _load_draft(self, path: Path) -> Workflow:
        cached = self._drafts.get(path)
        # A code workflow's draft changes with its program too. Stamped before reading,
        # so an edit made while loading is seen next time.
        code = _code_file(path, cached.workflow if cached else None)
        stamp: Stamp | None = _stamp(path, code)
        if cached is not None and cached.stamp == stamp:
            return cached.workflow
        workflow = load_workflow(path)
        if _code_file(path, workflow) != code:
            stamp = None  # stamped without the program it names: stamp it on the next use
        self._drafts[path] = _Draft(path, stamp, workflow)
        return workflow

    def drafts(self) -> dict[str, Workflow]:
        """Every draft by id; a broken file raises its :class:`WorkflowError`."""
        found: dict[str, Workflow] = {}
        where: dict[str, Path] = {}
        for path in self.draft_files():
            workflow = self._load_draft(path)
            if workflow.id in found:
                raise UnknownWorkflow(
                    f"{path.name} and {where[workflow.id].name} both define {workflow.id}"
                )
            found[workflow.id] = workflow
            where[workflow.id] = path
        return found

    def draft(self, workflow_id: str) -> Workflow:
        drafts = self.drafts()
        if workflow_id not in drafts:
            raise UnknownWorkflow(f"Workflow with id '{workflow_id}' not found.")
        return drafts[workflow_id]

    # --- published versions --------------------------------------------------------------

    def _dir(self, workflow_id: str) -> Path:
        path = (self.versions_dir / workflow_id).resolve()
        if not path.is_relative_to(self.versions_dir.resolve()) or "/" in workflow_id:
            raise UnknownWorkflow(f"Workflow with id '{workflow_id}' not found.")
        return path

    def versions(self, workflow_id: str) -> list[str]:
        """Published version numbers, oldest first."""
        folder = self._dir(workflow_id)
        if not folder.is_dir():
            return []
        numbers = [int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()]
        return [str(number) for number in sorted(numbers)]

    def default_version(self, workflow_id: str) -> str | None:
        pointer = self._dir(workflow_id) / "default"
        if pointer.is_file():
            return pointer.read_text(encoding="utf-8").strip() or None
        return None

    def set_default(self, workflow_id: str, version: str) -> None:
        if version not in self.versions(workflow_id):
            raise UnknownWorkflow(f"Workflow '{workflow_id}' has no version '{version}'.")
        folder = self._dir(workflow_id)
        temporary = folder / ".default.tmp"
        temporary.write_text(version + "\n", encoding="utf-8")
        os.replace(temporary, folder / "default")

    def publish(self, workflow_id: str, *, make_default: bool = True) -> Workflow:
        """Snapshot the draft as the next version; returns the published workflow."""
        draft = self.draft(workflow_id)
        folder = self._dir(workflow_id)
        folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            while True:
                existing = self.versions(workflow_id)
                number = str(int(existing[-1]) + 1 if existing else 1)
                published = draft.model_copy(update={"version": number})
                text = json.dumps(dump_workflow(published), indent=2, ensure_ascii=False)
                try:
                    # O_EXCL: two publishers never write the same number.
                    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
                    descriptor = os.open(folder / f"{number}.json", flags, 0o444)
                except FileExistsError:
                    continue
                with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                    file.write(text + "\n")
                break
        if make_default:
            self.set_default(workflow_id, number)
        return published

    def published(self, workflow_id: str, version: str) -> Workflow:
        key = (workflow_id, version)
        if key in self._published:
            return self._published[key]
        folder = self._dir(workflow_id)
        if not folder.is_dir():
            raise UnknownWorkflow(f"Workflow with id '{workflow_id}' not found.")
        path = folder / f"{version}.json"
        if not version.isdigit() or not path.is_file():
            raise UnknownWorkflow(f"Workflow '{workflow_id}' has no version '{version}'.")
        document = json.loads(path.read_text(encoding="utf-8"))
        workflow = parse_workflow(document, source=str(path), snapshot=True)
        if workflow.id != workflow_id or workflow.version != version:
            raise WorkflowError([], f"{path} does not hold {workflow_id} version {version}")
        self._published[key] = workflow
        return workflow

    # --- resolution ----------------------------------------------------------------------

    def known(self, workflow_id: str) -> bool:
        """Whether a draft or a published version of ``workflow_id`` exists."""
        try:
            if self.versions(workflow_id):
                return True
            self.draft(workflow_id)
        except UnknownWorkflow:
            return False
        return True

    def resolve(self, workflow_id: str, version: str | None) -> Workflow:
        """The workflow a session runs: ``version``, or the default when ``None``."""
        if version == DRAFT:
            return self.draft(workflow_id)
        if version is None:
            version = self.default_version(workflow_id)
        if version is None:
            self.draft(workflow_id)  # not found at all, or found but never published:
            raise UnknownWorkflow(
                f"Workflow '{workflow_id}' has no published version; publish it or "
                "request version 'draft'."
            )
        return self.published(workflow_id, version)


__all__ = ["DRAFT", "UnknownWorkflow", "WorkflowRepository"]
