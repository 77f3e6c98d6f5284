import type { Strings } from "./en";

const strings: Strings = {
  newChat: "Nouvelle discussion", history: "Historique", closeHistory: "Retour à la discussion",
  greeting: "Comment puis-je vous aider aujourd’hui ?", placeholder: "Écrire à l’IA",
  send: "Envoyer le message", stop: "Arrêter la réponse", attach: "Ajouter des fichiers",
  removeAttachment: "Retirer {name}", tools: "Outils", clearTool: "Désélectionner {name}", model: "Modèle",
  mention: "Mentionner", dictate: "Dicter", stopDictation: "Arrêter la dictée", transcribing: "Transcription…",
  copy: "Copier", copied: "Copié", copyCode: "Copier le code", goodResponse: "Bonne réponse",
  badResponse: "Mauvaise réponse", feedbackThanks: "Merci pour votre avis", retry: "Réessayer",
  errorGeneric: "Une erreur s’est produite. Veuillez réessayer.", errorNetwork: "La connexion a été interrompue.",
  errorUpload: "Impossible d’envoyer {name}.", fileTooLarge: "{name} est trop volumineux.",
  fileNotAccepted: "{name} n’est pas un type de fichier pris en charge.", tooManyFiles: "Vous pouvez joindre jusqu’à {n} fichiers.",
  sources: "Sources", thinking: "Réflexion…", thoughtFor: "Réflexion pendant {n} s", untitled: "Nouvelle conversation",
  rename: "Renommer", delete: "Supprimer", confirmDelete: "Supprimer cette conversation ?", cancel: "Annuler",
  save: "Enregistrer", noThreads: "Aucune conversation pour l’instant", loadMore: "Charger plus", loading: "Chargement…",
  threadClosed: "Cette conversation est terminée.", threadLocked: "Cette conversation est verrouillée.",
  showMore: "Afficher plus", showLess: "Afficher moins", skip: "Passer", submit: "Envoyer",
  select: "Sélectionner…", search: "Rechercher", clear: "Effacer",
  invalidFormat: "Veuillez respecter le format requis.",
  otherAnswer: "Autre…", generatingImage: "Génération de l’image…", responding: "L’assistant répond", reconnecting: "Reconnexion…",
  responseDone: "Réponse terminée", dropFiles: "Déposez des fichiers à joindre", quoted: "En réponse à",
  clearQuote: "Retirer la citation", noResults: "Aucun résultat", actionsMenu: "Plus d’actions",
  conversation: "Conversation", messageFromYou: "Vous avez écrit",
};

export default strings;
