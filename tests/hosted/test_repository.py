"""Versions: drafts, immutable published snapshots, the default pointer."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from chatloom.hosted.workflow.model import AgentNode
from chatloom.hosted.workflow.repository import UnknownWorkflow, WorkflowRepository

DRAFT = """id: wf_hello
start: greet
nodes:
  greet: {{type: agent, instructions: "{text}"}}
"""


def instructions(repository: WorkflowRepository, version: str | None) -> str:
    node = repository.resolve("wf_hello", version).nodes["greet"]
    assert isinstance(node, AgentNode)
    return node.instructions


@pytest.fixture
def repository(tmp_path: Path) -> WorkflowRepository:
    (tmp_path / "hello.yaml").write_text(DRAFT.format(text="one"))
    return WorkflowRepository(tmp_path)


def test_publish_snapshots_the_draft_and_moves_the_default(
    repository: WorkflowRepository, tmp_path: Path
) -> None:
    first = repository.publish("wf_hello")
    assert first.version == "1"
    (tmp_path / "hello.yaml").write_text(DRAFT.format(text="two"))
    os.utime(tmp_path / "hello.yaml", ns=(1, 1))  # a different stamp, even within one tick
    assert repository.publish("wf_hello").version == "2"
    assert repository.versions("wf_hello") == ["1", "2"]
    assert repository.default_version("wf_hello") == "2"
    assert instructions(repository, None) == "two"
    assert instructions(repository, "1") == "one"
    assert instructions(repository, "draft") == "two"


def test_published_versions_are_read_only_and_survive_draft_edits(
    repository: WorkflowRepository, tmp_path: Path
) -> None:
    repository.publish("wf_hello")
    snapshot = tmp_path / "versions" / "wf_hello" / "1.json"
    assert not snapshot.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    (tmp_path / "hello.yaml").write_text(DRAFT.format(text="edited"))
    assert instructions(WorkflowRepository(tmp_path), "1") == "one"


def test_publish_without_moving_the_default(repository: WorkflowRepository) -> None:
    repository.publish("wf_hello")
    repository.publish("wf_hello", make_default=False)
    assert repository.default_version("wf_hello") == "1"
    repository.set_default("wf_hello", "2")
    assert repository.default_version("wf_hello") == "2"
    with pytest.raises(UnknownWorkflow):
        repository.set_default("wf_hello", "7")


def test_unknown_workflows_and_versions(repository: WorkflowRepository) -> None:
    with pytest.raises(UnknownWorkflow, match="has no published version"):
        repository.resolve("wf_hello", None)
    repository.publish("wf_hello")
    with pytest.raises(UnknownWorkflow, match="not found"):
        repository.resolve("wf_nope", None)
    with pytest.raises(UnknownWorkflow, match="has no version 'latest'"):
        repository.resolve("wf_hello", "latest")
    with pytest.raises(UnknownWorkflow, match="has no version '9'"):
        repository.resolve("wf_hello", "9")
    with pytest.raises(UnknownWorkflow):
        repository.resolve("../../etc", "1")


def test_two_files_with_one_id_are_refused(repository: WorkflowRepository, tmp_path: Path) -> None:
    (tmp_path / "copy.yaml").write_text(DRAFT.format(text="x"))
    with pytest.raises(UnknownWorkflow, match="both define wf_hello"):
        repository.drafts()
