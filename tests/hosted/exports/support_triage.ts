import { tool, Agent, AgentInputItem, Runner, withTrace } from "@openai/agents";
import { z } from "zod";
import { OpenAI } from "openai";
import { runGuardrails } from "@openai/guardrails";

// Tool definitions
const lookupOrder = tool({
  name: "lookup_order",
  description: "",
  parameters: z.object({
    order_number: z.string(),
    include_items: z.boolean()
  }),
  execute: async (input: {order_number: string, include_items: boolean}) => {
    // TODO: Unimplemented
  },
});

// Shared client for guardrails and file search
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

// Guardrails definitions
const intakeGuardrailConfig = {
  guardrails: [
    { name: "Jailbreak", config: { model: "gpt-5-nano", confidence_threshold: 0.7 } },
    { name: "Contains PII", config: { block: false, entities: ["EMAIL_ADDRESS", "PHONE_NUMBER"] } }
  ]
};
const context = { guardrailLlm: client };

function guardrailsHasTripwire(results: any[]): boolean {
    return (results ?? []).some((r) => r?.tripwireTriggered === true);
}

function getGuardrailSafeText(results: any[], fallbackText: string): string {
    for (const r of results ?? []) {
        if (r?.info && ("checked_text" in r.info)) {
            return r.info.checked_text ?? fallbackText;
        }
    }
    return fallbackText;
}

function buildGuardrailFailOutput(results: any[]) {
    return { failed: (results ?? []).length > 0 };
}
const TriageSchema = z.object({ topic: z.string(), urgent: z.boolean() });
const triage = new Agent({
  name: "Triage",
  instructions: `Sort the message into one topic: "order", "account" or "other".
Mark it urgent when the customer is blocked.`,
  model: "gpt-4.1-mini",
  outputType: TriageSchema,
  modelSettings: {
    temperature: 0,
    topP: 1,
    maxTokens: 512,
    store: true
  }
});

const ordersDesk = new Agent({
  name: "Orders desk",
  instructions: "Help with the order. Look it up first.",
  model: "gpt-4.1",
  tools: [
    lookupOrder
  ],
  modelSettings: {
    temperature: 1,
    topP: 1,
    parallelToolCalls: true,
    maxTokens: 2048,
    store: true
  }
});

const accountDesk = new Agent({
  name: "Account desk",
  instructions: "Help with the account settings.",
  model: "gpt-5-mini",
  modelSettings: {
    reasoning: {
      effort: "low",
      summary: "auto"
    },
    store: true
  }
});

const approvalRequest = (message: string) => {

  // TODO: Implement
  return true;
}

type WorkflowInput = { input_as_text: string };


// Main code entrypoint
export const runWorkflow = async (workflow: WorkflowInput) => {
  return await withTrace("Support triage", async () => {
    const state = {
      escalations: 0
    };
    const conversationHistory: AgentInputItem[] = [
      {
        role: "user",
        content: [
          {
            type: "input_text",
            text: workflow.input_as_text
          }
        ]
      }
    ];
    const runner = new Runner({
      traceMetadata: {
        __trace_source__: "agent-builder",
        workflow_id: "wf_6a1f00c0ffee00000000000000000000000000000000support"
      }
    });
    const guardrailsInputtext = workflow.input_as_text;
    const guardrailsResult = await runGuardrails(guardrailsInputtext, intakeGuardrailConfig, context);
    const guardrailsHastripwire = guardrailsHasTripwire(guardrailsResult);
    const guardrailsAnonymizedtext = getGuardrailSafeText(guardrailsResult, guardrailsInputtext);
    const guardrailsOutput = (guardrailsHastripwire ? buildGuardrailFailOutput(guardrailsResult ?? []) : { safe_text: (guardrailsAnonymizedtext ?? guardrailsInputtext) });
    if (guardrailsHastripwire) {
      return guardrailsOutput;
    } else {
      const triageResultTemp = await runner.run(
        triage,
        [
          ...conversationHistory
        ]
      );
      conversationHistory.push(...triageResultTemp.newItems.map((item) => item.rawItem));

      if (!triageResultTemp.finalOutput) {
          throw new Error("Agent result is undefined");
      }

      const triageResult = {
        output_text: JSON.stringify(triageResultTemp.finalOutput),
        output_parsed: triageResultTemp.finalOutput
      };
      if (triageResult.output_parsed.topic == "order") {
        const ordersDeskResultTemp = await runner.run(
          ordersDesk,
          [
            ...conversationHistory
          ]
        );
        conversationHistory.push(...ordersDeskResultTemp.newItems.map((item) => item.rawItem));

        if (!ordersDeskResultTemp.finalOutput) {
            throw new Error("Agent result is undefined");
        }

        const ordersDeskResult = {
          output_text: ordersDeskResultTemp.finalOutput ?? ""
        };
        const approvalMessage = "Did that solve it?";

        if (await approvalRequest(approvalMessage)) {
            const endResult = {
              resolved: true
            };
            return endResult;
        } else {
            state.escalations = state.escalations + 1
            const endResult = {
              resolved: false
            };
            return endResult;
        }
      } else if (triageResult.output_parsed.topic == "account" && triageResult.output_parsed.urgent) {
        const accountDeskResultTemp = await runner.run(
          accountDesk,
          [
            ...conversationHistory
          ]
        );
        conversationHistory.push(...accountDeskResultTemp.newItems.map((item) => item.rawItem));

        if (!accountDeskResultTemp.finalOutput) {
            throw new Error("Agent result is undefined");
        }

        const accountDeskResult = {
          output_text: accountDeskResultTemp.finalOutput ?? ""
        };
      } else {
        return triageResult;
      }
    }
  });
}
