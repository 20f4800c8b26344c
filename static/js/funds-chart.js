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
        { label: canvas.dataset.in || "Tiền thu", data: series.received, backgroundColor: "#2e7d32" },
        { label: canvas.dataset.out || "Tiền chi", data: series.disbursed, backgroundColor: "#b71c1c" }
      ]
    },
    // The box (.ct-chart) sets the height: at 360 px a fixed aspect ratio squashes the bars to a strip.
    options: { responsive: true, maintainAspectRatio: false, scales: { y: { ticks: { callback: vnd } } },
               plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + vnd(c.parsed.y); } } } } }
  });
})();
