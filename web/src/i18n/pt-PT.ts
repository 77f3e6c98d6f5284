// European Portuguese: the strings that differ from Brazilian Portuguese (pt-BR.ts).
import type { Strings } from "./en";

const strings: Partial<Strings> = {
  newChat: "Nova conversa",
  closeHistory: "Voltar à conversa",
  greeting: "Em que posso ajudar hoje?",
  placeholder: "Escreva à IA",
  stop: "Parar a resposta",
  attach: "Adicionar ficheiros",
  stopDictation: "Parar o ditado",
  transcribing: "A transcrever…",
  badResponse: "Resposta fraca",
  feedbackThanks: "Obrigado pelo seu feedback",
  errorGeneric: "Ocorreu um erro. Tente novamente.",
  fileTooLarge: "{name} é demasiado grande.",
  fileNotAccepted: "{name} não é um tipo de ficheiro suportado.",
  tooManyFiles: "{n, plural, one {Pode anexar até # ficheiro.} many {Pode anexar até # de ficheiros.} other {Pode anexar até # ficheiros.}}",
  thinking: "A pensar…",
  thoughtFor: "{n, plural, one {Pensou durante # segundo} many {Pensou durante # de segundos} other {Pensou durante # segundos}}",
  rename: "Mudar o nome",
  delete: "Eliminar",
  confirmDelete: "Eliminar esta conversa?",
  save: "Guardar",
  noThreads: "Ainda não há conversas",
  loading: "A carregar…",
  threadClosed: "Esta conversa terminou.",
  select: "Selecionar…",
  search: "Procurar",
  skip: "Ignorar",
  generatingImage: "A gerar imagem…",
  responding: "O assistente está a responder",
  dropFiles: "Largue os ficheiros para os anexar",
  quoted: "Em resposta a",
  messageFromYou: "A sua mensagem",
};

export default strings;
