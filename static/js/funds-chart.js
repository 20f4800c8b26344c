// Monthly money in/out chart on the funds overview. Data comes from a json_script block.
(function () {
  var data = document.getElementById("du-lieu-thu-chi");
  var canvas = document.getElementById("bieu-do-thu-chi");
  if (!data || !canvas || !window.Chart) { return; }
  var series = JSON.parse(data.textContent);
  var vnd = function (v) { return v.toLocaleString("vi-VN") + " đ"; };
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: series.labels,
      datasets: [
        { label: canvas.dataset.in || "Thu", data: series.received, backgroundColor: "#2e7d32" },
        { label: canvas.dataset.out || "Chi", data: series.disbursed, backgroundColor: "#b71c1c" }
      ]
    },
    options: { responsive: true, scales: { y: { ticks: { callback: vnd } } },
               plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + vnd(c.parsed.y); } } } } }
  });
})();
