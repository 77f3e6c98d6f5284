// Canadian French: the strings that differ from France's (fr.ts), including Québec's
// typography (no space before a question mark).
import type { Strings } from "./en";

const strings: Partial<Strings> = {
  newChat: "Nouveau clavardage",
  closeHistory: "Retour au clavardage",
  greeting: "Comment puis-je vous aider aujourd’hui?",
  transcribing: "Transcription en cours…",
  feedbackThanks: "Merci de vos commentaires",
  errorUpload: "Impossible de téléverser {name}.",
  confirmDelete: "Supprimer cette conversation?",
};

export default strings;
