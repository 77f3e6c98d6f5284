from agents import FileSearchTool, HostedMCPTool, WebSearchTool, RunContextWrapper, Agent, ModelSettings, TResponseInputItem, Runner, RunConfig, trace
from openai import AsyncOpenAI
from pydantic import BaseModel

# Tool definitions
file_search = FileSearchTool(
  vector_store_ids=[
    "vs_handbook"
  ],
  max_num_results=4
)
web_search_preview = WebSearchTool(
  search_context_size="medium",
  user_location={
    "type": "approximate"
  }
)
mcp = HostedMCPTool(tool_config={
  "type": "mcp",
  "server_label": "tickets",
  "allowed_tools": [
    "create_ticket"
  ],
  "require_approval": "never",
  "server_url": "https://tickets.example.com/mcp"
})
# Shared client for guardrails and file search
client = AsyncOpenAI()
class DrafterContext:
  def __init__(self, state_topic: str, input_output_text: str):
    self.state_topic = state_topic
    self.input_output_text = input_output_text
def drafter_instructions(run_context: RunContextWrapper[DrafterContext], _agent: Agent[DrafterContext]):
  state_topic = run_context.context.state_topic
  input_output_text = run_context.context.input_output_text
  return f"""Write a short answer about {state_topic}.
Use these notes: {input_output_text}"""
researcher = Agent(
  name="Researcher",
  instructions="Find what the handbook says.",
  model="gpt-4.1-mini",
  tools=[
    file_search,
    web_search_preview
  ],
  model_settings=ModelSettings(
    temperature=1,
    top_p=1,
    max_tokens=2048,
    store=True
  )
)


drafter = Agent(
  name="Drafter",
  instructions=drafter_instructions,
  model="gpt-4.1",
  tools=[
    mcp
  ],
  model_settings=ModelSettings(
    temperature=1,
    top_p=1,
    max_tokens=2048,
    store=True
  )
)


class WorkflowInput(BaseModel):
  input_as_text: str


# Main code entrypoint
async def run_workflow(workflow_input: WorkflowInput):
  with trace("Research loop"):
    state = {
      "topic": "",
      "rounds": 0
    }
    workflow = workflow_input.model_dump()
    conversation_history: list[TResponseInputItem] = [
      {
        "role": "user",
        "content": [
          {
            "type": "input_text",
            "text": workflow["input_as_text"]
          }
        ]
      }
    ]
    state["topic"] = workflow["input_as_text"]
    filesearch_result = { "results": [
      {
        "id": result.file_id,
        "filename": result.filename,
        "score": result.score,
      } for result in (await client.vector_stores.search(vector_store_id="vs_handbook", query=workflow["input_as_text"], max_num_results=3)).data
    ] }
    while state["rounds"] < 2:
      researcher_result_temp = await Runner.run(
        researcher,
        input=[
          *conversation_history
        ],
        run_config=RunConfig(trace_metadata={
          "__trace_source__": "agent-builder",
          "workflow_id": "wf_research_loop"
        })
      )

      conversation_history.extend([item.to_input_item() for item in researcher_result_temp.new_items])

      researcher_result = {
        "output_text": researcher_result_temp.final_output_as(str)
      }
      state["rounds"] = state["rounds"] + 1
    drafter_result_temp = await Runner.run(
      drafter,
      input=[
        *conversation_history
      ],
      run_config=RunConfig(trace_metadata={
        "__trace_source__": "agent-builder",
        "workflow_id": "wf_research_loop"
      }),
      context=DrafterContext(state_topic=state["topic"], input_output_text=filesearch_result["results"][0]["filename"])
    )

    conversation_history.extend([item.to_input_item() for item in drafter_result_temp.new_items])

    drafter_result = {
      "output_text": drafter_result_temp.final_output_as(str)
    }
    transform_result = {"answer": drafter_result["output_text"], "rounds": state["rounds"]}
    return transform_result
