// Element ids that tie a Label to the control it names (`Label.fieldName` = the control's
// `name`), unique per rendered widget so two copies of a widget never share ids.
import { createContext } from "preact";
import { useContext } from "preact/hooks";

export type FieldIds = { field(name: string): string; label(name: string): string; error(name: string): string };

export const fieldIds = (prefix: string): FieldIds => ({
  field: (name) => `${prefix}-f-${name}`,
  label: (name) => `${prefix}-l-${name}`,
  error: (name) => `${prefix}-e-${name}`,
});

export const FieldIdContext = createContext<FieldIds>(fieldIds("ckw"));

export const useFieldIds = (): FieldIds => useContext(FieldIdContext);
