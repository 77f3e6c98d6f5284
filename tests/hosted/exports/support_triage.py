from agents import function_tool, Agent, ModelSettings, TResponseInputItem, Runner, RunConfig, trace
from openai import AsyncOpenAI
from types import SimpleNamespace
from guardrails.runtime import load_config_bundle, instantiate_guardrails, run_guardrails
from openai.types.shared.reasoning import Reasoning
from pydantic import BaseModel

# Tool definitions
@function_tool
def lookup_order(order_number: str, include_items: bool):
  pass

# Shared client for guardrails and file search
client = AsyncOpenAI()
ctx = SimpleNamespace(guardrail_llm=client)
# Guardrails definitions
intake_guardrail_config = {
  "guardrails": [
    { "name": "Jailbreak", "config": { "model": "gpt-5-nano", "confidence_threshold": 0.7 } },
    { "name": "Contains PII", "config": { "block": False, "entities": ["EMAIL_ADDRESS", "PHONE_NUMBER"] } }
  ]
}
def guardrails_has_tripwire(results):
    return any((hasattr(r, "tripwire_triggered") and (r.tripwire_triggered is True)) for r in (results or []))

async def run_and_apply_guardrails(input_text, config, history, workflow):
    results = await run_guardrails(ctx, input_text, "text/plain", instantiate_guardrails(load_config_bundle(config)), suppress_tripwire=True, raise_guardrail_errors=True)
    has_tripwire = guardrails_has_tripwire(results)
    return {"results": results, "has_tripwire": has_tripwire, "safe_text": input_text, "fail_output": {}, "pass_output": {"safe_text": input_text}}

class TriageSchema(BaseModel):
  topic: str
  urgent: bool


triage = Agent(
  name="Triage",
  instructions="""Sort the message into one topic: "order", "account" or "other".
Mark it urgent when the customer is blocked.""",
  model="gpt-4.1-mini",
  output_type=TriageSchema,
  model_settings=ModelSettings(
    temperature=0,
    top_p=1,
    max_tokens=512,
    store=True
  )
)


orders_desk = Agent(
  name="Orders desk",
  instructions="Help with the order. Look it up first.",
  model="gpt-4.1",
  tools=[
    lookup_order
  ],
  model_settings=ModelSettings(
    temperature=1,
    top_p=1,
    parallel_tool_calls=True,
    max_tokens=2048,
    store=True
  )
)


account_desk = Agent(
  name="Account desk",
  instructions="Help with the account settings.",
  model="gpt-5-mini",
  model_settings=ModelSettings(
    store=True,
    reasoning=Reasoning(
      effort="low",
      summary="auto"
    )
  )
)


def approval_request(message: str):
  # TODO: Implement
  return True

class WorkflowInput(BaseModel):
  input_as_text: str


# Main code entrypoint
async def run_workflow(workflow_input: WorkflowInput):
  with trace("Support triage"):
    state = {
      "escalations": 0
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
    guardrails_input_text = workflow["input_as_text"]
    guardrails_result = await run_and_apply_guardrails(guardrails_input_text, intake_guardrail_config, conversation_history, workflow)
    guardrails_hastripwire = guardrails_result["has_tripwire"]
    guardrails_anonymizedtext = guardrails_result["safe_text"]
    guardrails_output = (guardrails_hastripwire and guardrails_result["fail_output"]) or guardrails_result["pass_output"]
    if guardrails_hastripwire:
      return guardrails_output
    else:
      triage_result_temp = await Runner.run(
        triage,
        input=[
          *conversation_history
        ],
        run_config=RunConfig(trace_metadata={
          "__trace_source__": "agent-builder",
          "workflow_id": "wf_6a1f00c0ffee00000000000000000000000000000000support"
        })
      )

      conversation_history.extend([item.to_input_item() for item in triage_result_temp.new_items])

      triage_result = {
        "output_text": triage_result_temp.final_output.json(),
        "output_parsed": triage_result_temp.final_output.model_dump()
      }
      if triage_result["output_parsed"]["topic"] == "order":
        orders_desk_result_temp = await Runner.run(
          orders_desk,
          input=[
            *conversation_history
          ],
          run_config=RunConfig(trace_metadata={
            "__trace_source__": "agent-builder",
            "workflow_id": "wf_6a1f00c0ffee00000000000000000000000000000000support"
          })
        )

        conversation_history.extend([item.to_input_item() for item in orders_desk_result_temp.new_items])

        orders_desk_result = {
          "output_text": orders_desk_result_temp.final_output_as(str)
        }
        approval_message = "Did that solve it?"

        if approval_request(approval_message):
            end_result = {
              "resolved": True
            }
            return end_result
        else:
            state["escalations"] = state["escalations"] + 1
            end_result = {
              "resolved": False
            }
            return end_result
      elif triage_result["output_parsed"]["topic"] == "account" and triage_result["output_parsed"]["urgent"]:
        account_desk_result_temp = await Runner.run(
          account_desk,
          input=[
            *conversation_history
          ],
          run_config=RunConfig(trace_metadata={
            "__trace_source__": "agent-builder",
            "workflow_id": "wf_6a1f00c0ffee00000000000000000000000000000000support"
          })
        )

        conversation_history.extend([item.to_input_item() for item in account_desk_result_temp.new_items])

        account_desk_result = {
          "output_text": account_desk_result_temp.final_output_as(str)
        }
      else:
        return triage_result
