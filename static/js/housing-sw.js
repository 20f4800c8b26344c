// Service worker of the field app (issue 21), served at /nha-o/sw.js with scope /nha-o/.
// The view prepends self.CT_VERSION and self.CT_SHELL (the app page, its data and static files).
// Only GET requests of the shell are answered from the cache; everything else goes to the network
// untouched (stage updates are queued and sent by the page itself, see housing-offline.js).
/* global self, caches, fetch, URL */
var CACHE = "chungtay-field-" + (self.CT_VERSION || "0");
var SHELL = self.CT_SHELL || [];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(SHELL.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(url, response);
        }).catch(function () {});
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("chungtay-field-") === 0 && k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function inShell(url) {
  return SHELL.indexOf(url.pathname) !== -1;
}

// Network first with a short wait, then the last copy: fresh data when there is signal, the list
// and the page when there is none. A redirect (signed out) is not cached over a good copy.
function networkFirst(request, key) {
  return caches.open(CACHE).then(function (cache) {
    var network = fetch(request).then(function (response) {
      if (response.ok && !response.redirected) cache.put(key, response.clone());
      return response;
    });
    var timeout = new Promise(function (resolve) { setTimeout(resolve, 4000); });
    return Promise.race([network.catch(function () { return null; }), timeout]).then(function (response) {
      if (response && response.ok) return response;
      return cache.match(key).then(function (cached) {
        return cached || network;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || !inShell(url)) return;
  event.respondWith(networkFirst(request, url.pathname));
});
