// Dashboard charts (Chart.js) and household map (Leaflet). Data comes from json_script blocks.
(function () {
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // The box (.ct-chart) sets each chart's height, so a phone's narrow width never squashes it; on a phone
  // the legend and the axes take a smaller type so that they fit beside the bars.
  var phone = window.matchMedia("(max-width: 576px)").matches;
  var legend = { position: "bottom", labels: { boxWidth: phone ? 10 : 40, font: { size: phone ? 11 : 12 } } };
  var ticks = { font: { size: phone ? 10 : 12 } };

  var bars = data("du-lieu-don-vi");
  var unitsCanvas = document.getElementById("bieu-do-don-vi");
  if (window.Chart && bars && unitsCanvas && bars.labels.length) {
    new window.Chart(unitsCanvas, {
      type: "bar",
      data: {
        labels: bars.labels,
        datasets: [
          { label: unitsCanvas.dataset.planned, data: bars.planned, backgroundColor: "#c9b8a6" },
          { label: unitsCanvas.dataset.completed, data: bars.completed, backgroundColor: "#2e7d32" },
          { label: unitsCanvas.dataset.handed, data: bars.handed_over, backgroundColor: "#1565c0" }
        ]
      },
      options: {
        indexAxis: bars.labels.length > 8 || phone ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { ticks: ticks }, y: { ticks: ticks } },
        plugins: { legend: legend }
      }
    });
  }

  var series = data("du-lieu-tien-do");
  var lineCanvas = document.getElementById("bieu-do-tien-do");
  if (window.Chart && series && lineCanvas && series.labels.length) {
    new window.Chart(lineCanvas, {
      type: "line",
      data: {
        labels: series.labels,
        datasets: [
          { label: lineCanvas.dataset.started, data: series.cum_started, borderColor: "#ef6c00", tension: 0.2 },
          { label: lineCanvas.dataset.completed, data: series.cum_completed, borderColor: "#2e7d32", tension: 0.2 }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { x: { ticks: ticks }, y: { ticks: ticks } }, plugins: { legend: legend } }
    });
  }

  var points = data("du-lieu-ban-do");
  var mapEl = document.getElementById("ban-do");
  var list = document.getElementById("ban-do-danh-sach");
  var note = document.getElementById("ban-do-loi");
  function fallback() {
    if (note) { note.classList.remove("d-none"); }
    if (list) { list.open = true; }
    if (mapEl) { mapEl.dataset.fallback = "1"; }
  }
  if (!mapEl || !points || !points.length) { return; }
  if (!window.L) { mapEl.classList.add("d-none"); fallback(); return; }
  var colors = { approved: "#9e9e9e", surveyed: "#757575", started: "#ef6c00", building: "#f9a825",
                 completed: "#2e7d32", handed_over: "#1565c0" };
  var map = window.L.map(mapEl, { preferCanvas: true });
  var failed = false;
  var tiles = window.L.tileLayer(mapEl.dataset.tiles, { maxZoom: 19, attribution: mapEl.dataset.attribution });
  tiles.on("tileerror", function () { if (!failed) { failed = true; fallback(); } });
  tiles.addTo(map);
  var bounds = [];
  var biggest = Math.max.apply(null, points.map(function (p) { return p.count || 0; }));
  points.forEach(function (p) {
    if (p.count) {  // a child unit's bubble: area proportional to its located houses
      var bubble = window.L.circleMarker([p.lat, p.lon], {
        radius: 6 + 24 * Math.sqrt(p.count / biggest), color: "#333", weight: 1,
        fillColor: p.percent >= 100 ? "#2e7d32" : (p.percent > 0 ? "#f9a825" : "#9e9e9e"), fillOpacity: 0.7
      });
      var unitLink = document.createElement("a");
      unitLink.href = p.url;
      unitLink.textContent = p.name;
      var unitBox = document.createElement("div");
      unitBox.appendChild(unitLink);
      unitBox.appendChild(document.createElement("br"));
      unitBox.appendChild(document.createTextNode(p.count + " · " + p.completed + "/" + p.planned + " (" + p.percent + "%)"));
      bubble.bindPopup(unitBox);
      bubble.addTo(map);
      bounds.push([p.lat, p.lon]);
      return;
    }
    var marker = window.L.circleMarker([p.lat, p.lon], {
      radius: 6, color: "#333", weight: 1, fillColor: colors[p.status] || "#9e9e9e", fillOpacity: 0.9
    });
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.code + " — " + p.name;
    var box = document.createElement("div");
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(p.area + " · " + p.status_label + " · " + p.phase));
    marker.bindPopup(box);
    marker.addTo(map);
    bounds.push([p.lat, p.lon]);
  });
  map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
  mapEl.dataset.markers = String(bounds.length);
  mapEl.dataset.ready = "1";
})();
