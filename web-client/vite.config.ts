/// <reference types="vitest/config" />
// Vite configuration for the Xerrada browser client.
//
// `npm run dev` and `npm run preview` proxy the API (REST and the WebSocket) and /healthz to a
// running `xerrada` server, so the page and the API share one origin exactly as they do when
// the server embeds `dist/`. Set XERRADA_API_URL to point at another server than the default.
import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

const apiTarget = process.env.XERRADA_API_URL ?? "http://127.0.0.1:8080";

const proxy = {
  // `ws: true` carries the WebSocket upgrade of /api/v1/ws. The Host header is kept (no
  // changeOrigin) so the server sees the page's own origin and accepts the upgrade.
  "/api": { target: apiTarget, ws: true },
  "/healthz": { target: apiTarget },
};

// The policy the server sends with the embedded client. Preview sends it too so the browser
// tests catch anything (inline script, inline style, foreign origin) that would break under it.
const securityHeaders = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // No inlined data: URLs for assets: every asset is a hashed file served by the server.
    assetsInlineLimit: 0,
    // Vite's modulepreload polyfill is an inline-free script, but we target modern browsers only.
    modulePreload: { polyfill: false },
    target: "es2022",
  },
  server: { proxy },
  preview: { proxy, headers: securityHeaders },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/unit/**/*.test.tsx"],
    environment: "node",
  },
});
