/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  // Relative asset paths: the Tauri shell serves ui/dist from its own origin.
  base: "./",
  plugins: [svelte()],
  css: {
    preprocessorOptions: {
      scss: {
        // Lets the stylesheet say `@use "govuk-frontend/dist/govuk/..."`.
        loadPaths: ["node_modules"],
        // govuk-frontend's own Sass is not ours to fix; keep our build output readable.
        quietDeps: true,
      },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Never turn files into data: URLs: the CSP only allows data: for images, and
    // keeping every asset a file keeps the output easy to audit.
    assetsInlineLimit: 0,
    // The webview supports modulepreload; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: "es2022",
  },
  // Component tests mount real Svelte components, so use Svelte's browser build.
  resolve: process.env.VITEST ? { conditions: ["browser"] } : {},
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    restoreMocks: true,
  },
});
