// Builds the hosted-mode starter page into web/dist/hosted-page with the packages the
// element's own dev dependencies provide (react, @openai/chatkit-react). A test fixture.
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const modules = here("../../../web/node_modules/");

export default {
  root: here("."),
  base: "./",
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  resolve: {
    alias: [
      { find: /^(react|react-dom|@openai\/chatkit-react)(\/.*)?$/, replacement: `${modules}$1$2` },
    ],
  },
  build: { outDir: here("../../../web/dist/hosted-page"), emptyOutDir: true },
};
