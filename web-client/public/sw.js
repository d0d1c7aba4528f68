// Xerrada service worker: keeps the app shell (index.html, the hashed JS/CSS, the manifest
// and icons) so the installed app opens without a network and shows its offline banner.
// It never touches /api/ or /hooks/: messages and tokens always go to the server, never to a
// cache. Plain JS in public/ so it is served as is at /sw.js (scope /).
"use strict";

const CACHE = "xerrada-shell-v1";
const SHELL = ["/", "/manifest.webmanifest", "/icons/icon.svg", "/icons/icon-192.png", "/icons/icon-512.png"];

function isApi(url) {
  return url.pathname.startsWith("/api/") || url.pathname.startsWith("/hooks/") || url.pathname === "/healthz" || url.pathname === "/readyz";
}

// Precache the shell, and the assets the current index.html references (their names are
// hashed by the build, so they are read from the page rather than listed here).
self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL);
      const index = await cache.match("/");
      if (index) {
        const html = await index.text();
        const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
        await cache.addAll(assets);
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isApi(url)) return;

  if (request.mode === "navigate") {
    // Pages: the network first (a new deploy shows at once), the cached shell when offline.
    event.respondWith(
      (async () => {
        try {
          const response = await fetch(request);
          if (response.ok) {
            const cache = await caches.open(CACHE);
            await cache.put("/", response.clone());
          }
          return response;
        } catch {
          return (await caches.match("/")) || Response.error();
        }
      })(),
    );
    return;
  }

  // Hashed assets never change: the cache first, filled on the way.
  event.respondWith(
    (async () => {
      const cached = await caches.match(request);
      if (cached) return cached;
      const response = await fetch(request);
      if (response.ok && (url.pathname.startsWith("/assets/") || url.pathname.startsWith("/icons/"))) {
        const cache = await caches.open(CACHE);
        await cache.put(request, response.clone());
      }
      return response;
    })(),
  );
});
