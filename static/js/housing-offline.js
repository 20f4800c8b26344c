// Offline stage updates of residential-area boards (issue 21).
// Households and their stages come from the data URL (the service worker keeps the last copy);
// an update is kept in IndexedDB with an id made here, shown "chờ gửi", and sent when the network
// is back, with retries that wait longer each time. The server answers 201 (saved), 200 (already
// saved: the same id), 409 (the stage moved on meanwhile: shown, kept until the person decides)
// or 400 (refused: shown, kept). Photos are shrunk here and keep their EXIF block (time, GPS),
// with the orientation tag set to "upright" because the canvas has already turned the pixels.
(function () {
  "use strict";
  var app = document.getElementById("ct-offline");
  if (!app) return;
  var MAX_SIDE = 1600, QUALITY = 0.85, DB_NAME = "chungtay-field", STORE = "queue";
  var stages = JSON.parse(app.dataset.stages || "[]");
  var stageLabel = {};
  stages.forEach(function (s) { stageLabel[s.value] = s.label; });
  var households = {};
  var current = null; // the household whose form is open
  var chosen = [];    // shrunk photos of the open form: [{name, blob}]
  var timer = null;

  // --- IndexedDB --------------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "client_id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), result;
        var store = t.objectStore(STORE);
        var req = work(store);
        if (req) req.onsuccess = function () { result = req.result; };
        t.oncomplete = function () { db.close(); resolve(result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }
  var queue = {
    all: function () { return tx("readonly", function (s) { return s.getAll(); }).then(function (r) { return r || []; }); },
    put: function (item) { return tx("readwrite", function (s) { return s.put(item); }); },
    drop: function (id) { return tx("readwrite", function (s) { return s.delete(id); }); }
  };

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- Photos: shrink on a canvas, put the original EXIF back ---------------------------------
  function exifSegment(bytes) {
    if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
    var off = 2;
    while (off + 4 < bytes.length && bytes[off] === 0xff) {
      var marker = bytes[off + 1], len = (bytes[off + 2] << 8) | bytes[off + 3];
      if (marker === 0xda) break; // start of scan: no more metadata
      if (marker === 0xe1 && bytes[off + 4] === 0x45 && bytes[off + 5] === 0x78 && bytes[off + 6] === 0x69 && bytes[off + 7] === 0x66) {
        return bytes.slice(off, off + 2 + len);
      }
      off += 2 + len;
    }
    return null;
  }
  function uprightExif(seg) {
    var tiff = 10, view = new DataView(seg.buffer, seg.byteOffset, seg.byteLength);
    if (seg.length < tiff + 8) return seg;
    var little = view.getUint16(tiff) === 0x4949;
    var ifd = tiff + view.getUint32(tiff + 4, little);
    if (ifd + 2 > seg.length) return seg;
    var count = view.getUint16(ifd, little);
    for (var i = 0; i < count; i++) {
      var entry = ifd + 2 + i * 12;
      if (entry + 12 > seg.length) break;
      if (view.getUint16(entry, little) === 0x0112) view.setUint16(entry + 8, 1, little);
    }
    return seg;
  }
  function withExif(jpeg, seg) {
    var out = new Uint8Array(jpeg.length + seg.length);
    out.set(jpeg.subarray(0, 2), 0);
    out.set(seg, 2);
    out.set(jpeg.subarray(2), 2 + seg.length);
    return out;
  }
  function shrink(file) {
    return file.arrayBuffer().then(function (buffer) {
      var original = new Uint8Array(buffer);
      return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
        var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
        if (scale === 1 && file.size < 500 * 1024) return { name: file.name, blob: file };
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", QUALITY); })
          .then(function (blob) { return blob.arrayBuffer(); })
          .then(function (small) {
            var bytes = new Uint8Array(small), seg = exifSegment(original);
            if (seg) bytes = withExif(bytes, uprightExif(seg));
            return { name: file.name.replace(/\.[^.]+$/, "") + ".jpg", blob: new Blob([bytes], { type: "image/jpeg" }) };
          });
      });
    }).catch(function () { return { name: file.name, blob: file }; }); // cannot decode here: the server shrinks it
  }

  // --- Rendering ------------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  var STATE_TEXT = { waiting: "chờ gửi", sending: "đang gửi…", conflict: "xung đột", error: "bị từ chối", saved: "đã gửi" };
  var STATE_CLASS = { waiting: "text-bg-warning", sending: "text-bg-info", conflict: "text-bg-danger", error: "text-bg-danger", saved: "text-bg-success" };
  var sentNow = [];

  function renderQueue() {
    return queue.all().then(function (items) {
      var list = document.getElementById("ct-queue");
      list.textContent = "";
      var rows = items.sort(function (a, b) { return a.created - b.created; }).concat(sentNow);
      if (!rows.length) {
        list.appendChild(el("li", { "class": "list-group-item small text-muted" }, "Không có cập nhật nào chờ gửi."));
        return;
      }
      rows.forEach(function (item) {
        var li = el("li", { "class": "list-group-item", "data-testid": "queued", "data-state": item.state, "data-client-id": item.client_id });
        var head = el("div", { "class": "d-flex justify-content-between gap-2" });
        head.appendChild(el("span", {}, item.code + " · " + (stageLabel[item.stage] || item.stage) + " · " + item.photos.length + " ảnh"));
        head.appendChild(el("span", { "class": "badge " + STATE_CLASS[item.state], "data-testid": "queue-state" }, STATE_TEXT[item.state]));
        li.appendChild(head);
        if (item.message) li.appendChild(el("div", { "class": "small mt-1" }, item.message));
        if (item.state === "conflict" || item.state === "error") {
          var actions = el("div", { "class": "d-flex gap-2 mt-2" });
          if (item.state === "conflict") {
            var again = el("button", { type: "button", "class": "btn btn-sm btn-outline-primary", "data-testid": "send-anyway" }, "Vẫn gửi cập nhật này");
            again.addEventListener("click", function () { item.force = true; item.state = "waiting"; item.next_try = 0; queue.put(item).then(flush); });
            actions.appendChild(again);
          }
          var drop = el("button", { type: "button", "class": "btn btn-sm btn-outline-secondary" }, "Bỏ cập nhật này");
          drop.addEventListener("click", function () {
            if (window.confirm("Bỏ cập nhật này khỏi máy? Ảnh chưa gửi sẽ mất.")) queue.drop(item.client_id).then(renderQueue);
          });
          actions.appendChild(drop);
          li.appendChild(actions);
        }
        list.appendChild(li);
      });
    });
  }

  function renderHouseholds(data) {
    var list = document.getElementById("ct-households");
    list.textContent = "";
    document.getElementById("ct-as-of").textContent = data.as_of ? "(số liệu ngày " + data.as_of + ")" : "";
    if (data.message) {
      // The server's own words (translated): the user's scope is too large to take offline.
      list.appendChild(el("li", { "class": "list-group-item small text-warning-emphasis", "data-testid": "offline-too-many" }, data.message));
      return;
    }
    if (!data.households.length) {
      list.appendChild(el("li", { "class": "list-group-item small text-muted" }, "Chưa có hộ nào được giao cho bạn."));
      return;
    }
    data.households.forEach(function (h) {
      households[h.id] = h;
      var li = el("li", { "class": "list-group-item", "data-testid": "field-household", "data-code": h.code });
      li.appendChild(el("div", { "class": "fw-semibold" }, h.code + " · " + h.name));
      li.appendChild(el("div", { "class": "small text-muted" }, h.area + " · " + h.stage_label + (h.date ? " ngày " + h.date : "") + " (" + h.percent + "%)"));
      if (h.next_stage) {
        li.appendChild(el("div", { "class": "small" }, "Tiếp theo: " + h.next_label + ". Chụp: " + h.photo_next));
        var button = el("button", { type: "button", "class": "btn btn-primary btn-sm mt-1", "data-testid": "record-offline" }, "Ghi tiến độ");
        button.addEventListener("click", function () { openForm(h); });
        li.appendChild(button);
      }
      list.appendChild(li);
    });
  }

  function loadHouseholds() {
    return fetch(app.dataset.dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(renderHouseholds)
      .catch(function () {
        var list = document.getElementById("ct-households");
        list.textContent = "";
        list.appendChild(el("li", { "class": "list-group-item small text-danger" }, "Chưa có danh sách hộ trên máy. Mở trang này một lần khi có mạng."));
      });
  }

  // --- The form --------------------------------------------------------------------------------
  var form = document.getElementById("ct-form");
  var photosInput = document.getElementById("ct-photos");
  function openForm(h) {
    current = h; chosen = [];
    document.getElementById("ct-form-title").textContent = "Hộ " + h.code + " · " + h.name;
    document.getElementById("ct-form-hint").textContent = "Hiện: " + h.stage_label + ". Chụp: " + h.photo_next;
    var select = document.getElementById("ct-stage");
    select.textContent = "";
    stages.forEach(function (s) {
      var option = el("option", { value: s.value }, s.label);
      if (s.value === h.next_stage) option.selected = true;
      select.appendChild(option);
    });
    document.getElementById("ct-date").value = app.dataset.today;
    document.getElementById("ct-note").value = "";
    document.getElementById("ct-form-error").textContent = "";
    document.getElementById("ct-previews").textContent = "";
    photosInput.value = "";
    form.classList.remove("d-none");
    form.scrollIntoView();
  }
  photosInput.addEventListener("change", function () {
    var box = document.getElementById("ct-previews");
    box.textContent = "";
    chosen = [];
    var files = Array.prototype.slice.call(photosInput.files || []);
    Promise.all(files.map(shrink)).then(function (photos) {
      chosen = photos;
      photos.forEach(function (p) {
        var img = el("img", { alt: p.name, width: "96", "class": "rounded border" });
        img.src = URL.createObjectURL(p.blob);
        box.appendChild(img);
      });
      box.dataset.ready = String(photos.length);
    });
  });
  document.getElementById("ct-cancel").addEventListener("click", function () { form.classList.add("d-none"); current = null; });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) return;
    var date = document.getElementById("ct-date").value, error = document.getElementById("ct-form-error");
    if (!date) { error.textContent = "Ngày: chưa chọn ngày."; return; }
    if (!chosen.length && !window.confirm("Chưa có ảnh hiện trường. Vẫn lưu giai đoạn này mà không có ảnh?")) return;
    var item = {
      client_id: uuid(), household_id: current.id, code: current.code, seen_stage: current.stage,
      stage: document.getElementById("ct-stage").value, date: date,
      note: document.getElementById("ct-note").value, photos: chosen, state: "waiting",
      attempts: 0, next_try: 0, created: Date.now(), message: ""
    };
    // A second update of the same house follows the one still waiting, not the stage last downloaded.
    queue.all().then(function (items) {
      var before = items.filter(function (i) { return i.household_id === item.household_id; })
        .sort(function (a, b) { return a.created - b.created; });
      if (before.length) item.seen_stage = before[before.length - 1].stage;
      return queue.put(item);
    }).then(function () {
      form.classList.add("d-none"); current = null; chosen = [];
      return renderQueue();
    }).then(flush).catch(function () { error.textContent = "Không lưu được trên máy (bộ nhớ trình duyệt đầy?)."; });
  });

  // --- Sending ------------------------------------------------------------------------------
  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : app.dataset.csrf;
  }
  function backoff(attempts) { return Math.min(5000 * Math.pow(2, attempts), 10 * 60 * 1000); }
  function schedule(delay) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, delay);
  }
  function sendOne(item) {
    var body = new FormData();
    ["client_id", "stage", "date", "note", "seen_stage"].forEach(function (k) { body.append(k, item[k] || ""); });
    if (item.force) body.append("force", "1");
    item.photos.forEach(function (p) { body.append("photos", p.blob, p.name); });
    var url = app.dataset.sendUrl.replace("/0/", "/" + item.household_id + "/");
    return fetch(url, { method: "POST", body: body, credentials: "same-origin", redirect: "manual", headers: { "X-CSRFToken": csrf(), Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 200 || response.status === 201) {
          return response.json().then(function (data) {
            sentNow.push({ client_id: item.client_id, code: item.code, stage: item.stage, photos: item.photos, state: "saved", message: data.message });
            return queue.drop(item.client_id);
          });
        }
        if (response.status === 409 || response.status === 400) {
          return response.json().then(function (data) {
            item.state = response.status === 409 ? "conflict" : "error";
            item.message = data.message;
            return queue.put(item);
          });
        }
        // Signed out (redirect/403) or the server is down: keep it and try again later.
        item.state = "waiting"; item.attempts += 1; item.next_try = Date.now() + backoff(item.attempts);
        item.message = response.type === "opaqueredirect" || response.status === 403
          ? "Phiên đăng nhập đã hết: đăng nhập lại để gửi." : "Máy chủ chưa nhận, sẽ thử lại.";
        return queue.put(item);
      }, function () {
        item.state = "waiting"; item.attempts += 1; item.next_try = Date.now() + backoff(item.attempts);
        item.message = "Chưa gửi được, sẽ thử lại.";
        return queue.put(item);
      });
  }
  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return renderQueue();
    flushing = true;
    return queue.all().then(function (items) {
      // In the order they were recorded: a house's second stage goes after its first.
      var due = items.filter(function (i) { return i.state === "waiting" && (i.next_try || 0) <= Date.now(); })
        .sort(function (a, b) { return a.created - b.created; });
      return due.reduce(function (chain, item) {
        return chain.then(function () { item.state = "sending"; return queue.put(item).then(renderQueue).then(function () { return sendOne(item); }); });
      }, Promise.resolve()).then(function () { return queue.all(); });
    }).then(function (left) {
      var waiting = left.filter(function (i) { return i.state === "waiting"; });
      if (waiting.length) {
        var next = Math.min.apply(null, waiting.map(function (i) { return i.next_try || 0; }));
        schedule(Math.max(1000, next - Date.now()));
      }
      if (sentNow.length) loadHouseholds();
    }).finally(function () { flushing = false; return renderQueue(); });
  }

  function showNetwork() {
    document.getElementById("ct-offline-banner").classList.toggle("d-none", navigator.onLine);
  }
  window.addEventListener("online", function () { showNetwork(); flush(); });
  window.addEventListener("offline", showNetwork);
  showNetwork();

  // An update left "sending" when the page was closed mid-way is waiting again.
  queue.all().then(function (items) {
    return Promise.all(items.filter(function (i) { return i.state === "sending"; }).map(function (i) { i.state = "waiting"; return queue.put(i); }));
  }).then(renderQueue).then(loadHouseholds).then(flush);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(app.dataset.swUrl, { scope: app.dataset.swScope }).catch(function () {});
  }
})();
