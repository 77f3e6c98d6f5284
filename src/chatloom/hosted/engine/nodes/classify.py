"""The Classify node: the model picks one category; each category is a port."""

from __future__ import annotations

from ...workflow.model import ClassifyNode
from ..context import RunContext
from ..outcomes import Continue, HandlerEvents, Step
from ..structured import StructuredOutputError, ask_json


async def classify(ctx: RunContext, step: Step[ClassifyNode]) -> HandlerEvents:
    node = step.node
    text = str(await ctx.evaluate(step, "input", node.input))
    names = [category.name for category in node.categories]
    described = "\n".join(
        f"- {c.name}: {c.description}" if c.description else f"- {c.name}" for c in node.categories
    )
    instructions = await ctx.render(step, "instructions", node.instructions)
    schema = {
        "type": "object",
        "properties": {"category": {"type": "string", "enum": names}},
        "required": ["category"],
    }
    try:
        value, _ = await ask_json(
            ctx.provider,
            instructions=(
                f"{instructions}\nClassify the user's text into exactly one category:\n{described}"
            ).strip(),
            messages=[{"role": "user", "content": text}],
            schema=schema,
            model=node.model or ctx.model,
        )
        chosen = value["category"]
    except StructuredOutputError:
        chosen = closest_category(text, node)
    index = names.index(chosen)
    yield Continue({"category": chosen}, port=f"categories[{index}]")


def closest_category(text: str, node: ClassifyNode) -> str:
    """When the model names no category: the one whose words the text shares most."""
    words = set(text.lower().split())

    def overlap(name: str, description: str) -> int:
        return len(words & set(f"{name} {description}".lower().replace("_", " ").split()))

    return max(node.categories, key=lambda c: overlap(c.name, c.description)).name
