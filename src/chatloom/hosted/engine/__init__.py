"""The workflow engine: runs on chatloom's agent runtime, one run per user message."""

from .run import Engine, RunRecord, WorkflowRun, WorkflowRunError
from .server import WorkflowServer

__all__ = ["Engine", "RunRecord", "WorkflowRun", "WorkflowRunError", "WorkflowServer"]
