import type { Strings } from "./en";

const strings: Strings = {
  newChat: "Nuevo chat", history: "Historial", closeHistory: "Volver al chat",
  greeting: "¿En qué puedo ayudarte hoy?", placeholder: "Escribe a la IA",
  send: "Enviar mensaje", stop: "Detener respuesta", attach: "Añadir archivos",
  removeAttachment: "Quitar {name}", tools: "Herramientas", clearTool: "Quitar {name}", model: "Modelo",
  mention: "Mencionar", dictate: "Dictar", stopDictation: "Detener dictado", transcribing: "Transcribiendo…",
  copy: "Copiar", copied: "Copiado", copyCode: "Copiar código", goodResponse: "Buena respuesta",
  badResponse: "Mala respuesta", feedbackThanks: "Gracias por tus comentarios", retry: "Reintentar",
  errorGeneric: "Algo salió mal. Inténtalo de nuevo.", errorNetwork: "Se interrumpió la conexión.",
  errorUpload: "No se pudo subir {name}.", fileTooLarge: "{name} es demasiado grande.",
  fileNotAccepted: "{name} no es un tipo de archivo admitido.", tooManyFiles: "Puedes adjuntar hasta {n} archivos.",
  sources: "Fuentes", thinking: "Pensando…", thoughtFor: "Pensó durante {n} s", untitled: "Nueva conversación",
  rename: "Cambiar nombre", delete: "Eliminar", confirmDelete: "¿Eliminar esta conversación?", cancel: "Cancelar",
  save: "Guardar", noThreads: "Aún no hay conversaciones", loadMore: "Cargar más", loading: "Cargando…",
  threadClosed: "Esta conversación ha terminado.", threadLocked: "Esta conversación está bloqueada.",
  showMore: "Mostrar más", showLess: "Mostrar menos", skip: "Omitir", submit: "Enviar",
  select: "Seleccionar…", search: "Buscar", clear: "Borrar",
  invalidFormat: "Usa el formato solicitado.",
  otherAnswer: "Otra…", generatingImage: "Generando imagen…", responding: "El asistente está respondiendo", reconnecting: "Reconectando…",
  responseDone: "Respuesta completa", dropFiles: "Suelta archivos para adjuntarlos", quoted: "Respondiendo a",
  clearQuote: "Quitar cita", noResults: "Sin resultados", actionsMenu: "Más acciones",
  conversation: "Conversación", messageFromYou: "Dijiste",
};

export default strings;
