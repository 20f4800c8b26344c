// Public unit page: bars per child unit (Chart.js) and a map of ~1 km cells (Leaflet + OSM tiles).
// Both degrade: without the libraries or the network, the tables and the plain list stay.
(function () {
  var bars = document.getElementById("du-lieu-don-vi");
  var canvas = document.getElementById("bieu-do-don-vi");
  if (bars && canvas && window.Chart) {
    var data = JSON.parse(bars.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: canvas.dataset.planned, data: data.planned, backgroundColor: "#9e9e9e" },
          { label: canvas.dataset.completed, data: data.completed, backgroundColor: "#2e7d32" }
        ]
      },
      options: { responsive: true, indexAxis: data.labels.length > 6 ? "y" : "x" }
    });
  }

  // The cells come from their own cacheable URL (data-src) once the page is shown: the page stays small.
  var box = document.getElementById("ban-do");
  if (!box) { return; }
  if (!window.L || !box.dataset.src || !window.fetch) { box.hidden = true; return; }
  var draw = function (cells) {
    if (!cells.length) { box.hidden = true; return; }
    var map = window.L.map(box, { scrollWheelZoom: false });
    var offline = function () {
      if (box.dataset.shownOffline) { return; }
      box.dataset.shownOffline = "1";
      var note = document.createElement("p");
      note.className = "small text-warning-emphasis mb-1";
      note.textContent = box.dataset.offline;
      box.parentNode.insertBefore(note, box);
      var list = document.querySelector("[data-testid=map-list]");
      if (list) { list.open = true; }
    };
    var tiles = window.L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 17,
      attribution: "&copy; OpenStreetMap"
    });
    tiles.on("tileerror", offline);
    tiles.addTo(map);
    var bounds = [];
    cells.forEach(function (c) {
      var marker = window.L.circleMarker([c.lat, c.lon], {
        radius: Math.min(6 + c.households * 2, 22),
        color: c.completed === c.households ? "#2e7d32" : "#b71c1c"
      });
      var text = document.createElement("span");
      text.textContent = c.households + " " + box.dataset.households + ", " + c.completed + " " + box.dataset.completed;
      marker.bindPopup(text);
      marker.addTo(map);
      bounds.push([c.lat, c.lon]);
    });
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
    box.dataset.markers = String(bounds.length);
    box.dataset.ready = "1";
  };
  window.fetch(box.dataset.src, { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("map cells: " + response.status); }
      return response.json();
    })
    .then(function (data) { draw(data.cells || []); })
    .catch(function () {
      box.hidden = true;
      var list = document.querySelector("[data-testid=map-list]");
      if (list) { list.open = true; }
    });
})();
