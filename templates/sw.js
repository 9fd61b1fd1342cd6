{% load static i18n %}// Sidan's service worker (config/pwa.py serves it at /sw.js). It caches only our static
// files — never a page, so no phone, name, tracking link or order ever lands in a cache.
// When the network drops, a page request gets a short offline notice; the order form's
// draft is kept by static/js/sidan.js in this browser's localStorage (without the phone,
// name or code) and filled back in when the form is opened again.
"use strict";
var CACHE = "sidan-static-{{ version }}";
var ASSETS = [
  "{% static 'css/sidan.css' %}",
  "{% static 'js/sidan.js' %}",
  "{% static 'vendor/htmx.min.js' %}",
  "{% static 'icons/sidan-192.png' %}"
];
var STATIC_PREFIX = "{% get_static_prefix %}";
var OFFLINE = "<!doctype html><html lang=\"{{ LANGUAGE_CODE|default:'zh-hans' }}\"><meta charset=\"utf-8\">" +
  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{{ offline_title|escapejs }}</title>" +
  "<body style=\"font-family:sans-serif;padding:1.5rem;line-height:1.6\"><h1>{{ offline_title|escapejs }}</h1>" +
  "<p>{{ offline_text|escapejs }}</p><p><a href=\"/r/\" style=\"display:inline-block;padding:.8rem 1.2rem\">{{ offline_retry|escapejs }}</a></p></body></html>";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin === self.location.origin && url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      return new Response(OFFLINE, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}});
    }));
  }
});
