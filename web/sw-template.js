/*
 * Bot Core service worker: caches the app shell ("/", index.html) and the static, content-hashed
 * assets of this build, so the dashboard opens instantly and offline. It NEVER caches API
 * answers, auth calls or the socket (account data must always come fresh from the server):
 * those requests are not even intercepted.
 * The build fills in PRECACHE and VERSION (see vite.config.ts).
 */
const VERSION = "__VERSION__";
const PRECACHE = __PRECACHE__;
const CACHE = `bot-core-shell-${VERSION}`;
const NEVER = [/^\/api\//, /^\/auth\//, /^\/ws$/, /^\/bridge\//, /^\/health$/, /^\/metrics$/];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("bot-core-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER.some((re) => re.test(url.pathname))) return;

  if (request.mode === "navigate") {
    // The app shell: network first (fresh deploys show at once), the cached shell offline.
    event.respondWith(fetch(request).catch(() => caches.match("/", { cacheName: CACHE }).then((r) => r || Response.error())));
    return;
  }
  if (url.pathname.startsWith("/assets/") || PRECACHE.includes(url.pathname)) {
    // Content-hashed or precached static files: cache first.
    event.respondWith(
      caches.match(request, { cacheName: CACHE }).then(
        (hit) =>
          hit ||
          fetch(request).then((res) => {
            if (res.ok && url.pathname.startsWith("/assets/")) {
              const copy = res.clone();
              void caches.open(CACHE).then((cache) => cache.put(request, copy));
            }
            return res;
          }),
      ),
    );
  }
});
