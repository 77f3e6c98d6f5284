"""Where published workflow versions live: :class:`VersionStore`, and the folder layout
that is the embedded default (:class:`FolderVersions`).

A published version is an immutable JSON document (templates inlined) numbered 1, 2, ...
per workflow, plus a pointer to the default version. The PostgreSQL implementation is
:class:`chatloom.hosted.postgres.PostgresVersions`, so every instance sees what any one
published.

The interface is synchronous: versions are read once and cached (they never change),
so the only calls on a request path are the default lookup when a session is created,
which the REST layer runs on a worker thread.
"""

from __future__ import annotations

import json
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any

Document = dict[str, Any]


class UnknownWorkflow(LookupError):
    """No workflow with that id, or no such version of it."""


class VersionStore(ABC):
    """Published versions of workflows, by workflow id and version number."""

    @abstractmethod
    def numbers(self, workflow_id: str) -> list[str]:
        """Published version numbers, oldest first."""

    @abstractmethod
    def default(self, workflow_id: str) -> str | None:
        """The version sessions get when they name none."""

    @abstractmethod
    def set_default(self, workflow_id: str, version: str) -> None:
        """Point the default at ``version`` (:class:`UnknownWorkflow` if unpublished)."""

    @abstractmethod
    def add(self, workflow_id: str, document_for: Callable[[str], Document]) -> str:
        """Publish ``document_for(number)`` as the next number (two publishers never
        get the same one); returns the number."""

    @abstractmethod
    def document(self, workflow_id: str, version: str) -> Document | None:
        """The published document, or ``None``."""


class FolderVersions(VersionStore):
    """``<folder>/<workflow id>/<n>.json`` (read-only files) and ``<id>/default``."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder).resolve()
        self._lock = threading.Lock()

    def _dir(self, workflow_id: str) -> Path:
        path = (self.folder / workflow_id).resolve()
        if not path.is_relative_to(self.folder) or "/" in workflow_id:
            raise UnknownWorkflow(f"Workflow with id '{workflow_id}' not found.")
        return path

    def numbers(self, workflow_id: str) -> list[str]:
        folder = self._dir(workflow_id)
        if not folder.is_dir():
            return []
        numbers = [int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()]
        return [str(number) for number in sorted(numbers)]

    def default(self, workflow_id: str) -> str | None:
        pointer = self._dir(workflow_id) / "default"
        if pointer.is_file():
            return pointer.read_text(encoding="utf-8").strip() or None
        return None

    def set_default(self, workflow_id: str, version: str) -> None:
        if version not in self.numbers(workflow_id):
            raise UnknownWorkflow(f"Workflow '{workflow_id}' has no version '{version}'.")
        folder = self._dir(workflow_id)
        temporary = folder / ".default.tmp"
        temporary.write_text(version + "\n", encoding="utf-8")
        os.replace(temporary, folder / "default")

    def add(self, workflow_id: str, document_for: Callable[[str], Document]) -> str:
        folder = self._dir(workflow_id)
        folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            while True:
                existing = self.numbers(workflow_id)
                number = str(int(existing[-1]) + 1 if existing else 1)
                text = json.dumps(document_for(number), indent=2, ensure_ascii=False)
                try:
                    # O_EXCL: two publishers never write the same number.
                    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
                    descriptor = os.open(folder / f"{number}.json", flags, 0o444)
                except FileExistsError:
                    continue
                with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                    file.write(text + "\n")
                return number

    def document(self, workflow_id: str, version: str) -> Document | None:
        path = self._dir(workflow_id) / f"{version}.json"
        if not version.isdigit() or not path.is_file():
            return None
        document: Document = json.loads(path.read_text(encoding="utf-8"))
        return document

    def workflows(self) -> list[str]:
        """Every workflow id with a version folder (for ``chatloom migrate``)."""
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if p.is_dir())


__all__ = ["Document", "FolderVersions", "UnknownWorkflow", "VersionStore"]
