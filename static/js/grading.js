// The grading form: a level is saved as soon as it is chosen (htmx), the rest with the form's
// buttons. A button pressed while a level is still being saved waits for that save, so the
// form goes out with the revision it returned. Leaving the page with comments typed but not
// saved asks first. Refusals of a level's save are shown where the total is. A banked
// comment's Use button puts its text in the box at the cursor (or at the end) instead of
// saving the form with it, as it does without JavaScript.
(function () {
  "use strict";
  const form = document.querySelector("form[data-grade-form]");
  if (!form) return;
  let inFlight = 0;
  let waiting = null;
  let submitting = false;

  function typed() {
    return Array.from(form.querySelectorAll("textarea, input[type=text], input[type=number]"));
  }

  function dirty() {
    return typed().some(function (field) {
      return field.value !== field.defaultValue;
    });
  }

  form.addEventListener("htmx:beforeRequest", function () {
    inFlight += 1;
  });
  form.addEventListener("htmx:afterRequest", function () {
    inFlight = Math.max(0, inFlight - 1);
    if (inFlight === 0 && waiting) {
      const submitter = waiting;
      waiting = null;
      // Let htmx swap in the new total and revision before the form is read.
      setTimeout(function () {
        form.requestSubmit(submitter);
      }, 0);
    }
  });
  form.addEventListener("htmx:beforeSwap", function (event) {
    const status = event.detail.xhr.status;
    if (status === 400 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  form.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-insert]");
    if (!button) return;
    event.preventDefault();
    const box = document.getElementById(button.dataset.insert);
    if (!box) return;
    const text = button.dataset.text;
    const start = box.selectionStart;
    const end = box.selectionEnd;
    const focused = document.activeElement === box || box.dataset.touched === "1";
    if (focused && typeof start === "number") {
      const before = box.value.slice(0, start);
      const spacer = before && !/\s$/.test(before) ? " " : "";
      box.value = before + spacer + text + box.value.slice(end);
      box.selectionStart = box.selectionEnd = start + spacer.length + text.length;
    } else {
      const current = box.value.replace(/\s+$/, "");
      box.value = current ? current + "\n" + text : text;
      box.selectionStart = box.selectionEnd = box.value.length;
    }
    box.dataset.touched = "1";
    box.focus();
  });
  form.addEventListener("focusout", function (event) {
    if (event.target.tagName === "TEXTAREA") event.target.dataset.touched = "1";
  });

  form.addEventListener("submit", function (event) {
    if (inFlight > 0) {
      event.preventDefault();
      waiting = event.submitter || form.querySelector("button[type=submit]");
      return;
    }
    submitting = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !dirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
