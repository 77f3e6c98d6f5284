"""The app ``scale_bench.py --section streams`` runs in each instance:
``python -m chatloom serve bench.stream_app:server``.

Every reply is what a scripted model would stream: 100 text deltas 10 ms apart, then
the finished message, stored in the database ``DATABASE_URL`` names (shared by the
instances), so the instances are interchangeable behind the proxy.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from chatloom import types as t
from chatloom.config import store_from_env
from chatloom.server import ChatKitServer

DELTAS = 100
INTERVAL = 0.010


class ScriptedReplies(ChatKitServer[Any]):
    async def respond(
        self, thread: t.ThreadMetadata, item: t.UserMessageItem | None, context: Any
    ) -> AsyncIterator[t.ThreadStreamEvent]:
        message = t.AssistantMessageItem(
            id=self.store.generate_item_id("message", thread, context),
            thread_id=thread.id,
            created_at=datetime.now(),
            content=[],
        )
        yield t.ThreadItemAddedEvent(item=message)
        yield t.ThreadItemUpdatedEvent(
            item_id=message.id,
            update=t.AssistantMessageContentPartAdded(
                content_index=0, content=t.AssistantMessageContent(text="")
            ),
        )
        for n in range(DELTAS):
            await asyncio.sleep(INTERVAL)
            yield t.ThreadItemUpdatedEvent(
                item_id=message.id,
                update=t.AssistantMessageContentPartTextDelta(content_index=0, delta=f"w{n} "),
            )
        text = "".join(f"w{n} " for n in range(DELTAS))
        message.content = [t.AssistantMessageContent(text=text)]
        yield t.ThreadItemDoneEvent(item=message)


server = ScriptedReplies(store_from_env())
