// Xerrada service worker: keeps the app shell (index.html, the hashed JS/CSS, the manifest
// and icons) so the installed app opens without a network and shows its offline banner.
// It never touches /api/ or /hooks/: messages and tokens always go to the server, never to a
// cache. Plain JS in public/ so it is served as is at /sw.js (scope /).
//
// It also receives the Web Share Target (the manifest's `share_target`): the shared files and
// text are kept in the "xerrada-share" cache (only the latest share, at most 10 files) and the
// app is opened at /?share=1, which takes them from there (src/files/share.ts) and asks where
// to post them. Nothing is uploaded here: the app does that, with the user's token.
"use strict";

const CACHE = "xerrada-shell-v1";
const SHARE_CACHE = "xerrada-share";
const SHARE_PATH = "/share-target";
const SHARE_MAX_FILES = 10;
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
      for (const name of await caches.keys()) if (name !== CACHE && name !== SHARE_CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

/** Keeps what another app shared, then opens the app to post it. */
async function receiveShare(request) {
  try {
    const form = await request.formData();
    const text = (name) => {
      const value = form.get(name);
      return typeof value === "string" ? value.slice(0, 16384) : "";
    };
    const files = form.getAll("files").filter((f) => typeof f !== "string" && f.size > 0).slice(0, SHARE_MAX_FILES);
    await caches.delete(SHARE_CACHE);
    const cache = await caches.open(SHARE_CACHE);
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      const headers = { "Content-Type": file.type || "application/octet-stream", "X-File-Name": encodeURIComponent(file.name || "file") };
      await cache.put(`${SHARE_PATH}/${i}`, new Response(file, { headers }));
    }
    const meta = { count: files.length, title: text("title"), text: text("text"), url: text("url"), at: Date.now() };
    await cache.put(`${SHARE_PATH}/meta`, new Response(JSON.stringify(meta), { headers: { "Content-Type": "application/json" } }));
  } catch (e) {
    // Nothing kept: the app still opens.
  }
  return Response.redirect("/?share=1", 303);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method === "POST" && url.origin === self.location.origin && url.pathname === SHARE_PATH) {
    event.respondWith(receiveShare(request));
    return;
  }
  if (request.method !== "GET") return;
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
