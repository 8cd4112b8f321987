import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

/** The dashboard builds to static files (`dist/`) that `@promptline/server` serves at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // Workspace packages from their TypeScript source (as tsc and vitest read them): no build order between core and the dashboard.
  resolve: { conditions: ["promptline-source", ...defaultClientConditions] },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false },
  // `npm run dev -w @promptline/web` against a server on :8600.
  server: { proxy: { "/api": "http://127.0.0.1:8600" } },
});
