// A page that mounts the element through the official React bindings, unchanged, to
// prove the drop-in contract (browser test: tests/e2e/test_react.py). Not shipped.
import { ChatKit, useChatKit } from "@openai/chatkit-react";
import { useState } from "react";
import { createRoot } from "react-dom/client";

declare global {
  interface Window {
    harnessLog: string[];
  }
}
window.harnessLog = [];
const log = (entry: string): void => {
  window.harnessLog.push(entry);
};

function App() {
  const [greeting, setGreeting] = useState("React harness");
  const chatkit = useChatKit({
    api: { url: "/chatkit", domainKey: "local" },
    startScreen: { greeting },
    threadItemActions: { feedback: true },
    onReady: () => log("ready"),
    onResponseStart: () => log("response.start"),
    onResponseEnd: () => log("response.end"),
    onThreadChange: ({ threadId }) => log(`thread.change:${threadId ?? "null"}`),
    onEffect: ({ name }) => log(`effect:${name}`),
    onError: ({ error }) => log(`error:${error.message}`),
    onClientTool: async ({ name, params }) => ({ from: "react", name, params }),
  });
  return (
    <>
      <button type="button" id="send" onClick={() => void chatkit.sendUserMessage({ text: "hello from react" })}>
        send from React
      </button>
      <button type="button" id="greet" onClick={() => setGreeting("Updated greeting")}>
        change greeting
      </button>
      <button type="button" id="new-thread" onClick={() => void chatkit.setThreadId(null)}>
        new thread
      </button>
      <ChatKit control={chatkit.control} style={{ height: 560, display: "block" }} />
    </>
  );
}

createRoot(document.getElementById("root")!).render(<App />);
