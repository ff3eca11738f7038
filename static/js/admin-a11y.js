// Fixes to the markup of select2, the autocomplete widget Django's admin ships (added by Django
// ticket #14370; its accessibility is select2's issue #3744, unfixed in Django 5.2):
// - the search field of a multiple choice has no label (axe "label", critical): it takes the
//   label of the select it stands for;
// - the "remove all" control is a span inside the list of choices (axe "list", serious): it is
//   moved just before the list.
// select2 redraws its markup on every change, so the fixes are applied again on each one.
function fixSelect2() {
  for (const field of document.querySelectorAll(".select2-search__field:not([aria-label])")) {
    const select = field.closest(".select2-container")?.previousElementSibling;
    const label = select && document.querySelector(`label[for="${select.id}"]`);
    if (label) {
      field.setAttribute("aria-label", label.textContent.trim().replace(/:$/, ""));
    }
  }
  for (const clear of document.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear")) {
    clear.parentElement.before(clear);
  }
}

window.addEventListener("load", () => {
  fixSelect2();
  new MutationObserver(fixSelect2).observe(document.body, { childList: true, subtree: true });
});
