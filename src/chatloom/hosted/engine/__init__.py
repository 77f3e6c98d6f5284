"""The workflow engine: runs on chatloom's agent runtime, one run per user message.

:mod:`.run` walks the graph; :mod:`.nodes` holds a handler per node type; handlers end
with an outcome (:mod:`.outcomes`); :mod:`.state` keeps workflow state per thread and
:mod:`.trace` records runs.
"""

from .context import Engine, WorkflowRunError
from .run import WorkflowRun
from .server import WorkflowServer
from .state import RunRecord, SQLiteWorkflowStateStore, WorkflowStateStore
from .trace import SQLiteTraceStore, TraceStore

__all__ = [
    "Engine",
    "RunRecord",
    "SQLiteTraceStore",
    "SQLiteWorkflowStateStore",
    "TraceStore",
    "WorkflowRun",
    "WorkflowRunError",
    "WorkflowServer",
    "WorkflowStateStore",
]
