import preact from "@preact/preset-vite";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// Root is web/; the browser-safe plotting kit is imported from ../src/plot (bundled, no Node APIs).
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [preact()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: { fs: { allow: [".."] }, proxy: { "/api": "http://127.0.0.1:4173" } },
});
