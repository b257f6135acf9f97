/* RehabPlan's service worker: the app shell from the cache, pages from the network with the last copy as a fallback. */
"use strict";

const VERSION = "{{ version }}";
const SHELL_CACHE = "rehabplan-shell-" + VERSION;
const PAGE_CACHE = "rehabplan-pages";
const SHELL_URLS = {{ shell_urls|safe }};
const OFFLINE_URL = {{ offline_url|safe }};
const STATIC_PREFIX = {{ static_prefix|safe }};
const UNCACHED_PREFIXES = {{ uncached_prefixes|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL_URLS))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("rehabplan-shell-") && name !== SHELL_CACHE)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

function keepsPage(url, response) {
  // Sign-in, admin and physio pages are never kept, whether asked for or redirected to; nor downloads (a PDF).
  const landed = new URL(response.url || url.href);
  const html = (response.headers.get("content-type") || "").startsWith("text/html");
  return response.ok && response.type === "basic" && html
    && !UNCACHED_PREFIXES.some((prefix) => url.pathname.startsWith(prefix) || landed.pathname.startsWith(prefix));
}

async function storablePage(response) {
  // A redirected response cannot answer a later navigation; a plain copy of the page it ended on can.
  if (!response.redirected) return response;
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function pageFromNetwork(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (keepsPage(url, response) && !response.redirected) {
      const copy = response.clone();
      caches.open(PAGE_CACHE).then((cache) => cache.put(url.pathname + url.search, copy));
    }
    return response;
  } catch (error) {
    const cached = await caches.match(url.pathname + url.search, { cacheName: PAGE_CACHE })
      || await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE });
    if (cached) return cached;
    throw error;
  }
}

async function staticFromCache(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(pageFromNetwork(request));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFromCache(request));
  }
});

async function keepPages(urls) {
  const cache = await caches.open(PAGE_CACHE);
  await Promise.all(urls.map(async (path) => {
    const url = new URL(path, self.location.origin);
    if (url.origin !== self.location.origin) return;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (keepsPage(url, response)) await cache.put(url.pathname + url.search, await storablePage(response));
    } catch (error) {
      // Offline again: the copies from last time stay.
    }
  }));
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (event.origin && event.origin !== self.location.origin) return;
  if (message.type === "keep-pages" && Array.isArray(message.urls)) {
    event.waitUntil(keepPages(message.urls));
  } else if (message.type === "forget-pages") {
    // Signing out: the next person on this phone must not read this runner's plan offline.
    event.waitUntil(caches.delete(PAGE_CACHE));
  }
});

// Reminders by Web Push (programs/services/delivery.py sends {title, body, url}).
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data.text() };
  }
  event.waitUntil(self.registration.showNotification(data.title || "RehabPlan", {
    body: data.body || "",
    icon: SHELL_URLS.find((url) => url.includes("icon-192")),
    data: { url: data.url || "/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).href === target.href);
    if (open) return open.focus();
    // Only this site's pages: a link from elsewhere is not followed from a notification.
    return self.clients.openWindow(target.origin === self.location.origin ? target.href : "/");
  })());
});
