// Bundles the chat client (with socket.io-client from the npm registry) into one
// self-contained script: dist/assistant.js. Nothing is fetched at run time.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019"],
  outfile: "dist/assistant.js",
  legalComments: "linked",
});
console.log("web/dist/assistant.js built");
