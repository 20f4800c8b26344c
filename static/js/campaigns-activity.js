// Recording an activity: the training form (hội nghị, tọa đàm…) only matters for trainings and study tours.
(function () {
  var kind = document.getElementById("id_kind");
  var training = document.getElementById("id_training_kind");
  if (!kind || !training) return;
  var box = training.closest(".mb-3");
  function sync() {
    var show = kind.value === "training" || kind.value === "study_tour";
    box.hidden = !show;
  }
  kind.addEventListener("change", sync);
  sync();
})();
