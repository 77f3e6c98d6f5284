// Dictation: MediaRecorder captures audio; stopping sends it to `input.transcribe` and
// hands the text to the composer.
import { useRef, useState } from "preact/hooks";
import type { ChatController } from "../state/controller";

const MIME_TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4"];

export function useDictation(c: ChatController, onText: (text: string) => void) {
  const [state, setState] = useState<"idle" | "recording" | "transcribing">("idle");
  const recorder = useRef<MediaRecorder | null>(null);
  const supported = typeof MediaRecorder !== "undefined" && !!navigator.mediaDevices?.getUserMedia;

  const start = async (): Promise<void> => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const mimeType = MIME_TYPES.find((m) => MediaRecorder.isTypeSupported(m));
    const rec = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    const chunks: Blob[] = [];
    rec.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    rec.onstop = () => {
      for (const track of stream.getTracks()) track.stop();
      setState("transcribing");
      const audio = new Blob(chunks, { type: rec.mimeType || mimeType || "audio/webm" });
      void c.fromUi(async () => {
        try {
          const text = await c.transcribe(audio);
          if (text) onText(text);
        } finally {
          setState("idle");
        }
      });
    };
    recorder.current = rec;
    rec.start();
    setState("recording");
  };

  const toggle = (): void => {
    if (state === "recording") recorder.current?.stop();
    else if (state === "idle")
      void start().catch((e: unknown) => {
        c.reportError(e);
        setState("idle");
      });
  };

  return { supported, state, toggle };
}
