// Latin American Spanish: the strings that differ from Spain's (es.ts).
import type { Strings } from "./en";

const strings: Partial<Strings> = {
  attach: "Agregar archivos",
  errorGeneric: "Se produjo un error. Vuelve a intentarlo.",
  noThreads: "Todavía no hay conversaciones",
  clear: "Limpiar",
  dropFiles: "Suelta los archivos para adjuntarlos",
};

export default strings;
