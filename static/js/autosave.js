// Autosave for written work: saves as the student types (debounced) and when the field
// loses focus, carries the revision the page holds so a stale page never overwrites newer
// text, and keeps retrying while the network is down, saying so on the page.
//
// Answers to guiding questions save through htmx; a refused save (a conflict with another
// tab, or bad input) must still show its message, which htmx only swaps in for 2xx answers.
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    const status = event.detail.xhr.status;
    if ((status === 400 || status === 409) && event.detail.elt.closest("form.answers")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  const form = document.querySelector("form[data-autosave]");
  if (!form) return;
  const field = form.querySelector("textarea");
  const status = document.getElementById("draft-status");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const DELAY = 1200;
  let timer = null;
  let retryDelay = 2000;
  let inFlight = null; // the save on its way, as a promise
  let savedText = field.value;
  let stale = false;

  function say(text, kind) {
    status.textContent = text;
    status.dataset.state = kind || "";
  }

  function dirty() {
    return field.value !== savedText;
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function setRevision(value) {
    // Every form that names a revision (saving, submitting) goes out with the newest one,
    // so this tab never looks stale to itself.
    document.querySelectorAll("input[name=revision]").forEach(function (input) {
      input.value = value;
    });
  }

  function save() {
    if (stale || inFlight || !dirty()) return inFlight;
    inFlight = send().finally(function () {
      inFlight = null;
    });
    return inFlight;
  }

  async function send() {
    const sent = field.value;
    const body = new FormData(form);
    body.set("text", sent);
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: body,
        headers: { "X-Autosave": "1", "X-CSRFToken": token },
        credentials: "same-origin",
      });
    } catch (error) {
      response = null;
    }
    if (response && response.ok) {
      setRevision(response.headers.get("X-Revision"));
      savedText = sent;
      retryDelay = 2000;
      say((await response.text()).trim(), "saved");
      if (dirty()) schedule(DELAY);
    } else if (response && response.status === 409) {
      stale = true;
      const holder = document.createElement("div");
      holder.innerHTML = await response.text();
      form.parentNode.insertBefore(holder, form);
      say("Not saved: this page is out of date. See the message above.", "error");
    } else if (response && response.status === 400) {
      say((await response.text()).trim(), "error");
    } else {
      say("Not saved yet: no connection. Your words are still here; retrying…", "offline");
      schedule(retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    }
  }

  field.addEventListener("input", function () {
    if (stale) return;
    say("Not saved yet: typing…", "pending");
    schedule(DELAY);
  });
  field.addEventListener("blur", function () {
    clearTimeout(timer);
    save();
  });
  window.addEventListener("online", function () {
    retryDelay = 2000;
    save();
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty() && !stale) {
      save();
      event.preventDefault();
    }
  });
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (inFlight) {
      // Clicking a button moved focus and started a save: the button's request waits for
      // it, then goes out with the revision that save returned.
      event.preventDefault();
      const button = event.submitter;
      inFlight.then(function () {
        if (!stale) form.requestSubmit(button);
      });
      return;
    }
    // A normal submit carries the text and revision itself; stop pending autosaves.
    savedText = field.value;
  });
})();
