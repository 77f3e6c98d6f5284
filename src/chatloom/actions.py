"""Widget actions: the config a widget carries and the action the server receives."""

from typing import Any, Generic, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

Handler = Literal["client", "server"]
LoadingBehavior = Literal["auto", "none", "self", "container"]

DEFAULT_HANDLER: Handler = "server"
DEFAULT_LOADING_BEHAVIOR: LoadingBehavior = "auto"


class ActionConfig(BaseModel):
    """What a widget control sends when used (camelCase keys, as on the wire)."""

    type: str
    payload: Any = None
    handler: Handler = DEFAULT_HANDLER
    loadingBehavior: LoadingBehavior = DEFAULT_LOADING_BEHAVIOR
    streaming: bool = True
    """``False`` sends ``threads.sync_custom_action``, allowed while a reply streams."""


TType = TypeVar("TType", bound=str)
TPayload = TypeVar("TPayload")


class Action(BaseModel, Generic[TType, TPayload]):
    """An action as the server receives it.

    Parametrize it for typed dispatch: ``Action[Literal["select"], SelectPayload]``.
    """

    model_config = ConfigDict(extra="ignore")

    type: TType = Field(frozen=True)
    payload: TPayload = None  # type: ignore[assignment]

    @classmethod
    def create(
        cls,
        payload: TPayload,
        handler: Handler = DEFAULT_HANDLER,
        loading_behavior: LoadingBehavior = DEFAULT_LOADING_BEHAVIOR,
        streaming: bool = True,
    ) -> ActionConfig:
        """Build the ``ActionConfig`` of a typed action, e.g. ``Select.create(payload)``."""
        annotation = cls.model_fields["type"].annotation
        values = get_args(annotation) if get_origin(annotation) is Literal else ()
        if len(values) != 1:
            raise TypeError(
                f"{cls.__name__}.create needs an action typed with one literal, "
                'e.g. Action[Literal["select"], Payload]'
            )
        return ActionConfig(
            type=values[0],
            payload=payload,
            handler=handler,
            loadingBehavior=loading_behavior,
            streaming=streaming,
        )


__all__ = [
    "DEFAULT_HANDLER",
    "DEFAULT_LOADING_BEHAVIOR",
    "Action",
    "ActionConfig",
    "Handler",
    "LoadingBehavior",
]
