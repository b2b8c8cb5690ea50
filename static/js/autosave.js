// Autosave for written work: saves as the student types (debounced) and when the field
// loses focus, carries the revision the page holds so a stale page never overwrites newer
// text, and keeps retrying while the network is down, saying so on the page.
(function () {
  "use strict";
  const form = document.querySelector("form[data-autosave]");
  if (!form) return;
  const field = form.querySelector("textarea");
  const revision = form.querySelector("input[name=revision]");
  const status = document.getElementById("draft-status");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const DELAY = 1200;
  let timer = null;
  let retryDelay = 2000;
  let inFlight = false;
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

  async function save() {
    if (stale || inFlight || !dirty()) return;
    inFlight = true;
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
    inFlight = false;
    if (response && response.ok) {
      revision.value = response.headers.get("X-Revision");
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
  form.addEventListener("submit", function () {
    // A normal submit carries the text and revision itself; stop pending autosaves.
    clearTimeout(timer);
    savedText = field.value;
  });
})();
