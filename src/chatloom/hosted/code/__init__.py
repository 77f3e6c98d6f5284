"""Code workflows: an Agent Builder code export (Agents SDK Python) served unchanged.

A workflow file naming ``code: <file>.py:<function>`` runs that program for each user
message (:mod:`.run`), with the SDK's ``Runner.run`` served by chatloom's agent runtime
(:mod:`.agent_run`) so replies stream into the thread, the exporter's
``approval_request`` stub made a real approval replayed across requests
(:mod:`.journal`), and the OpenAI client and openai-guardrails stood in for
(:mod:`.shims`). Loading the program is :mod:`.program`. Needs the ``[agents]`` extra.
"""
