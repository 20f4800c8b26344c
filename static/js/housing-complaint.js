// Complaint form: show the household field only for complaints about a household, the fund field only for funds.
(function () {
  var form = document.querySelector("[data-testid=complaint-form]");
  if (!form) return;
  var concerns = form.querySelector("select[name=concerns]");
  function box(name) {
    var field = form.querySelector("[name=" + name + "]");
    return field ? field.closest(".mb-3") : null;
  }
  function update() {
    var household = box("household"), fund = box("fund_label");
    if (household) household.hidden = concerns.value !== "household";
    if (fund) fund.hidden = concerns.value !== "fund";
  }
  if (concerns) { concerns.addEventListener("change", update); update(); }
})();
