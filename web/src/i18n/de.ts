import type { Strings } from "./en";

const strings: Strings = {
  newChat: "Neuer Chat", history: "Verlauf", closeHistory: "Zurück zum Chat",
  greeting: "Wobei kann ich heute helfen?", placeholder: "Nachricht an die KI",
  send: "Nachricht senden", stop: "Antwort stoppen", attach: "Dateien hinzufügen",
  removeAttachment: "{name} entfernen", tools: "Werkzeuge", clearTool: "{name} abwählen", model: "Modell",
  mention: "Erwähnen", dictate: "Diktieren", stopDictation: "Diktat beenden", transcribing: "Wird transkribiert…",
  copy: "Kopieren", copied: "Kopiert", copyCode: "Code kopieren", goodResponse: "Gute Antwort",
  badResponse: "Schlechte Antwort", feedbackThanks: "Danke für dein Feedback", retry: "Erneut versuchen",
  errorGeneric: "Etwas ist schiefgelaufen. Bitte versuche es erneut.", errorNetwork: "Die Verbindung wurde unterbrochen.",
  errorUpload: "{name} konnte nicht hochgeladen werden.", fileTooLarge: "{name} ist zu groß.",
  fileNotAccepted: "{name} ist kein unterstützter Dateityp.", tooManyFiles: "Du kannst bis zu {n} Dateien anhängen.",
  sources: "Quellen", thinking: "Denkt nach…", thoughtFor: "{n} s nachgedacht", untitled: "Neue Unterhaltung",
  rename: "Umbenennen", delete: "Löschen", confirmDelete: "Diese Unterhaltung löschen?", cancel: "Abbrechen",
  save: "Speichern", noThreads: "Noch keine Unterhaltungen", loadMore: "Mehr laden", loading: "Wird geladen…",
  threadClosed: "Diese Unterhaltung wurde beendet.", threadLocked: "Diese Unterhaltung ist gesperrt.",
  showMore: "Mehr anzeigen", showLess: "Weniger anzeigen", skip: "Überspringen", submit: "Senden",
  select: "Auswählen…", search: "Suchen", clear: "Leeren",
  invalidFormat: "Bitte halten Sie sich an das vorgegebene Format.",
  otherAnswer: "Andere…", generatingImage: "Bild wird erzeugt…", responding: "Der Assistent antwortet", reconnecting: "Verbindung wird wiederhergestellt…",
  responseDone: "Antwort fertig", dropFiles: "Dateien zum Anhängen ablegen", quoted: "Antwort auf",
  clearQuote: "Zitat entfernen", noResults: "Keine Ergebnisse", actionsMenu: "Weitere Aktionen",
  conversation: "Unterhaltung", messageFromYou: "Du hast geschrieben",
};

export default strings;
