// After a refused form, focus moves to the error summary, so that keyboard and screen-reader
// users start from the list of what to fix (each item links to its field).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
