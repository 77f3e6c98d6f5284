// Files dragged onto the composer: shows a hint while they hover, hands them over on drop.
import { useState } from "preact/hooks";

export function useFileDrop(enabled: boolean, addFiles: (files: FileList | undefined) => void) {
  const [dragging, setDragging] = useState(false);
  return {
    dragging,
    handlers: {
      onDragOver: (e: DragEvent): void => {
        if (!enabled || !e.dataTransfer?.types.includes("Files")) return;
        e.preventDefault();
        setDragging(true);
      },
      onDragLeave: (): void => setDragging(false),
      onDrop: (e: DragEvent): void => {
        setDragging(false);
        if (!enabled) return;
        e.preventDefault();
        addFiles(e.dataTransfer?.files);
      },
    },
  };
}
