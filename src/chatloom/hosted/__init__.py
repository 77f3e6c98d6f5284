"""Hosted mode: ChatKit's "recommended integration" on your own servers.

Workflow files in Agent Builder's vocabulary, run by chatloom's agent runtime on any
model, behind a REST surface shaped like OpenAI's ``/v1/chatkit`` (sessions, client
secrets, threads) so the official SDKs and the element's hosted mode work unchanged.
"""

from .app import create_hosted_app
from .credentials import AdminKeys
from .engine import Engine, WorkflowServer
from .workflow import Workflow, WorkflowError, load_workflow
from .workflow.repository import UnknownWorkflow, WorkflowRepository

__all__ = [
    "AdminKeys",
    "Engine",
    "UnknownWorkflow",
    "Workflow",
    "WorkflowError",
    "WorkflowRepository",
    "WorkflowServer",
    "create_hosted_app",
    "load_workflow",
]
