// The written assignment: a live word count, and Submit asks before handing the work in.
// Without this script the count is the one the page was made with and Submit goes to a page
// that asks instead.
(function () {
  "use strict";

  const form = document.getElementById("draft-form");
  if (!form) return;
  const field = form.querySelector("textarea");
  const count = document.getElementById("word-count");
  let timer = null;

  function words(text) {
    const trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  function show() {
    const n = words(field.value);
    count.textContent = n + (n === 1 ? " word" : " words");
  }

  if (field && count) {
    // Counted, and announced (aria-live), once the student pauses rather than at every key.
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(show, 700);
    });
  }

  const submit = form.querySelector("[data-confirm-submit]");
  if (!submit) return;
  submit.addEventListener("click", function (event) {
    const n = words(field.value);
    const question =
      "Hand in your work now (" + n + (n === 1 ? " word" : " words") + ")? " +
      "Your teacher will see it once it is handed in.";
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // Confirmed here, so the server need not ask again; the save in flight, if any, is still
    // waited for by the autosave script before the form goes out.
    submit.removeAttribute("name");
  });
})();
