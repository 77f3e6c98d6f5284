"""Workflow files: the model, loading and checking, versions, and the Agent Builder importer."""

from .loader import (
    Problem,
    WorkflowError,
    dump_workflow,
    load_workflow,
    parse_text,
    parse_workflow,
)
from .model import SCHEMA, Workflow

__all__ = [
    "SCHEMA",
    "Problem",
    "Workflow",
    "WorkflowError",
    "dump_workflow",
    "load_workflow",
    "parse_text",
    "parse_workflow",
]
