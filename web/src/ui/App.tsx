// The element's UI root inside its shadow root: theme variables, direction, the header,
// the history or chat view, the composer, and the live region for replies.

import type { ChatController } from "../state/controller";
import { Composer } from "./Composer";
import { ControllerContext, useController, useStrings } from "./context";
import { Header } from "./Header";
import { History } from "./History";
import { StartScreen } from "./StartScreen";
import styles from "./styles.css?inline";
import { ThreadView } from "./ThreadView";
import { themeStyle } from "./theme";

function Main() {
  const c = useController();
  const t = useStrings();
  const opts = c.options.value;
  const locale = c.locale.value;
  const inHistory = c.view.value === "history";
  const isNew = c.isEmpty.value;
  return (
    <div class="ck-root" lang={locale.tag} dir={locale.dir} role="region" aria-label={opts.frameTitle}>
      <Header />
      <main class="ck-main">
        {inHistory ? <History /> : isNew && !c.loadingThread.value ? <StartScreen /> : <ThreadView />}
        {c.loadingThread.value && !c.hasItems.value && (
          <div class="ck-loading" role="status">
            <span class="ck-spinner" /> <span class="ck-sr-only">{t.loading}</span>
          </div>
        )}
      </main>
      {!inHistory && <Composer />}
      <div class="ck-sr-only" aria-live="polite" aria-atomic="true">
        {c.announcement.value}
      </div>
    </div>
  );
}

export function App({ controller }: { controller: ChatController }) {
  return (
    <ControllerContext.Provider value={controller}>
      <style>{styles}</style>
      <style>{themeStyle(controller.options.value.theme)}</style>
      <Main />
    </ControllerContext.Provider>
  );
}
