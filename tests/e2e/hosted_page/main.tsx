// A page written the way OpenAI's starter app is: @openai/chatkit-react with
// api.getClientSecret, which fetches a secret from the page's own session endpoint.
// Browser test: tests/e2e/test_hosted.py. Not shipped.
import { ChatKit, useChatKit } from "@openai/chatkit-react";
import { createRoot } from "react-dom/client";

declare global {
  interface Window {
    secretCalls: (string | null)[];
    chatLog: string[];
  }
}
window.secretCalls = [];
window.chatLog = [];

function App() {
  const { control } = useChatKit({
    api: {
      async getClientSecret(currentClientSecret: string | null) {
        window.secretCalls.push(currentClientSecret);
        const res = await fetch("/api/chatkit/session", { method: "POST" });
        const { client_secret } = (await res.json()) as { client_secret: string };
        return client_secret;
      },
    },
    startScreen: { greeting: "Hosted starter" },
    onReady: () => window.chatLog.push("ready"),
    onThreadChange: ({ threadId }) => window.chatLog.push(`thread:${threadId ?? "null"}`),
    onError: ({ error }) => window.chatLog.push(`error:${error.message}`),
  });
  return <ChatKit control={control} style={{ height: 600, display: "block" }} />;
}

createRoot(document.getElementById("root")!).render(<App />);
