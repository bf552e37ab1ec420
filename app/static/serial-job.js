// The serial job progress page: polls the job while it runs and moves the bar; once the job is over the
// page reloads, so that the server renders the final state. Without script, a meta refresh does this.
(function () {
  "use strict";
  var box = document.getElementById("serial-job");
  if (!box || !box.dataset.poll) return;
  function show(id, text) {
    var element = document.getElementById(id);
    if (element) element.textContent = text;
  }
  function poll() {
    fetch(box.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (job) {
        document.getElementById("job-progress").value = job.percent;
        show("job-percent", job.percent);
        show("job-issued", job.issued);
        show("job-state", job.state_name);
        box.dataset.state = job.state;
        if (job.state === "succeeded" || job.state === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 500);
})();
