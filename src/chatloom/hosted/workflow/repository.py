"""Workflow drafts in a folder, published versions in a :class:`VersionStore`.

Layout of the folder (published versions there unless another store is given)::

    workflows/
      support.yaml                 the draft of the workflow whose id is in the file
      versions/wf_support/1.json   published snapshots (templates inlined), read-only
      versions/wf_support/2.json
      versions/wf_support/default  the version sessions get when they name none

Publishing snapshots the current draft as the next number and (by default) makes it the
default. A published version is never rewritten. ``version: "draft"`` runs the draft, as
Agent Builder's preview does.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from .loader import WORKFLOW_SUFFIXES, WorkflowError, dump_workflow, load_workflow, parse_workflow
from .model import Workflow
from .versions import FolderVersions, UnknownWorkflow, VersionStore

DRAFT = "draft"


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
    """Drafts of the workflows in ``folder``; their published versions in ``versions``
    (default: ``folder/versions``)."""

    def __init__(self, folder: str | Path, versions: VersionStore | None = None) -> None:
        self.folder = Path(folder).resolve()
        self.versions_store = versions or FolderVersions(self.folder / "versions")
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

    def versions(self, workflow_id: str) -> list[str]:
        """Published version numbers, oldest first."""
        return self.versions_store.numbers(workflow_id)

    def default_version(self, workflow_id: str) -> str | None:
        return self.versions_store.default(workflow_id)

    def set_default(self, workflow_id: str, version: str) -> None:
        self.versions_store.set_default(workflow_id, version)

    def publish(self, workflow_id: str, *, make_default: bool = True) -> Workflow:
        """Snapshot the draft as the next version; returns the published workflow."""
        draft = self.draft(workflow_id)
        number = self.versions_store.add(
            workflow_id,
            lambda n: dump_workflow(draft.model_copy(update={"version": n})),
        )
        if make_default:
            self.set_default(workflow_id, number)
        return draft.model_copy(update={"version": number})

    def is_loaded(self, workflow_id: str, version: str) -> bool:
        """Whether :meth:`resolve` can answer without reading the version store."""
        return version == DRAFT or (workflow_id, version) in self._published

    def published(self, workflow_id: str, version: str) -> Workflow:
        key = (workflow_id, version)
        if key in self._published:
            return self._published[key]
        document = self.versions_store.document(workflow_id, version)
        if document is None:
            if not self.versions_store.numbers(workflow_id):
                raise UnknownWorkflow(f"Workflow with id '{workflow_id}' not found.")
            raise UnknownWorkflow(f"Workflow '{workflow_id}' has no version '{version}'.")
        source = f"{workflow_id} version {version}"
        workflow = parse_workflow(document, source=source, snapshot=True)
        if workflow.id != workflow_id or workflow.version != version:
            raise WorkflowError(
                [], f"{source}: the document holds {workflow.id} {workflow.version}"
            )
        with self._lock:
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
