// Stage update form (phone first): preview the chosen photos and suggest the stage's usual percent.
(function () {
  var form = document.querySelector("[data-testid=progress-form]");
  if (!form) return;
  var percents = {};
  try { percents = JSON.parse(form.dataset.stagePercent || "{}"); } catch (e) { percents = {}; }
  var stage = form.querySelector("select[name=stage]");
  var percent = form.querySelector("input[name=percent]");
  function suggest() {
    if (stage && percent && percents[stage.value] !== undefined) {
      percent.placeholder = percents[stage.value];
    }
  }
  if (stage) { stage.addEventListener("change", suggest); suggest(); }

  var input = form.querySelector("input[type=file][name=photos]");
  // A stage is evidence: saving one without a photo must be a choice, not a slip of the thumb.
  form.addEventListener("submit", function (event) {
    if (input && form.dataset.confirmNoPhoto && !(input.files && input.files.length) &&
        !window.confirm(form.dataset.confirmNoPhoto)) {
      event.preventDefault();
    }
  });
  var box = document.getElementById("anh-xem-truoc");
  if (!input || !box) return;
  input.addEventListener("change", function () {
    box.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (file) {
      if (!file.type || file.type.indexOf("image/") !== 0) return;
      var img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      img.alt = file.name;
      img.width = 96;
      img.className = "rounded border";
      img.onload = function () { URL.revokeObjectURL(img.src); };
      box.appendChild(img);
    });
  });
})();
