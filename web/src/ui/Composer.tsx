// The composer area: a transient toast, then the composer form (see composer/), or in
// its place a closed thread's banner or a pending structured-input question; and the
// disclaimer under it. A locked thread disables the form, with the reason as placeholder.

import { ComposerForm } from "./composer/ComposerForm";
import { useController, useStrings } from "./context";
import { Icon } from "./icons";
import { Markdown } from "./Markdown";
import { StructuredInputForm } from "./StructuredInputForm";

export function Composer() {
  const c = useController();
  const t = useStrings();
  const opts = c.options.value;
  const status = c.thread.value?.status;
  const pending = c.pendingInput.value;
  return (
    <div class="ck-composer-area">
      {c.toast.value && (
        <div class="ck-toast" role="alert">
          <span>{c.toast.value}</span>
          <button type="button" class="ck-icon-btn" aria-label={t.cancel} onClick={() => (c.toast.value = null)}>
            <Icon name="close" size={12} />
          </button>
        </div>
      )}
      {status?.type === "closed" ? (
        <div class="ck-closed" role="status">
          {status.reason || t.threadClosed}
        </div>
      ) : pending ? (
        <StructuredInputForm key={pending.id} item={pending} />
      ) : (
        <ComposerForm locked={status?.type === "locked"} lockedReason={status?.type === "locked" ? status.reason : undefined} />
      )}
      {opts.disclaimer && (
        <div class={`ck-disclaimer${opts.disclaimer.highContrast ? " ck-high-contrast" : ""}`}>
          <Markdown text={opts.disclaimer.text} />
        </div>
      )}
    </div>
  );
}
