// The import review: a passage selected in the document (with the mouse, or the keyboard
// with caret browsing) fills the excerpt form's character offsets, and its first and last
// words for the eye. Typing other words clears the offsets, so the words decide, and the
// page says what they point to as they are typed. Without this script the form takes the
// words alone and the server says the same on saving.
//
// Offsets count only the document's own text: every run of it is a span carrying
// data-at (its offset in the cleaned text); labels and notes between them don't count.
(function () {
  "use strict";

  const WORDS = 6;

  // A refused correction answers 400 (or 403 for a lesson no longer a draft) with the
  // review and its message; show it in place.
  document.addEventListener("htmx:beforeSwap", function (event) {
    const status = event.detail.xhr.status;
    if ((status === 400 || status === 403) && event.detail.elt.closest("[data-review]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The button pressed is gone with the part it was in; keyboard users carry on from the
  // answer, which says what happened.
  document.addEventListener("htmx:afterSettle", function () {
    const answer = document.querySelector("#review [data-review-answer]");
    if (answer) answer.focus();
  });

  function runs(range, container) {
    return Array.from(container.querySelectorAll("[data-at]")).filter(function (span) {
      return span.firstChild && range.intersectsNode(span.firstChild);
    });
  }

  function offsetIn(span, node, offset, fallback) {
    return node === span.firstChild ? offset : fallback;
  }

  // The selection as [start, end, text] in the cleaned text, or null.
  function selected() {
    const container = document.getElementById("source-text");
    const selection = window.getSelection();
    if (!container || !selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) return null;
    const spans = runs(range, container);
    if (!spans.length) return null;
    const first = spans[0];
    const last = spans[spans.length - 1];
    const startIn = offsetIn(first, range.startContainer, range.startOffset, 0);
    const endIn = offsetIn(last, range.endContainer, range.endOffset, last.firstChild.length);
    const start = Number(first.dataset.at) + startIn;
    const end = Number(last.dataset.at) + endIn;
    let text = "";
    spans.forEach(function (span, index) {
      const value = span.firstChild.data;
      const from = index === 0 ? startIn : 0;
      const to = index === spans.length - 1 ? endIn : value.length;
      if (index > 0 && Number(span.dataset.at) > Number(spans[index - 1].dataset.at) + spans[index - 1].firstChild.length) {
        text += "\n\n";
      }
      text += value.slice(from, to);
    });
    if (end <= start || !text.trim()) return null;
    return [start, end, text];
  }

  function fill() {
    const form = document.getElementById("excerpt-form");
    const picked = selected();
    if (!form || !picked) return;
    const words = picked[2].trim().split(/\s+/);
    form.querySelector("[name=start]").value = picked[0];
    form.querySelector("[name=end]").value = picked[1];
    form.querySelector("[name=first_words]").value = words.slice(0, WORDS).join(" ");
    form.querySelector("[name=last_words]").value = words.slice(-WORDS).join(" ");
    const status = document.getElementById("selection-status");
    if (status) {
      const shown = picked[2].length > 160 ? picked[2].slice(0, 157) + "…" : picked[2];
      status.textContent = "Selected " + picked[2].trim().length + " characters: “" + shown.trim() + "”";
    }
  }

  let timer = null;
  document.addEventListener("selectionchange", function () {
    clearTimeout(timer);
    timer = setTimeout(fill, 150);
  });

  // The document's text as the server holds it: runs at their offsets, and spaces where a
  // paragraph break stands.
  function documentText() {
    let text = "";
    document.querySelectorAll("#source-text [data-at]").forEach(function (span) {
      const at = Number(span.dataset.at);
      if (at > text.length) text += " ".repeat(at - text.length);
      text += span.firstChild ? span.firstChild.data : "";
    });
    return text;
  }

  function phrase(words) {
    const parts = words.trim().split(/\s+/).filter(Boolean);
    if (!parts.length) return null;
    const escaped = parts.map(function (part) {
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    });
    return new RegExp(escaped.join("\\s+"), "gi");
  }

  function matches(pattern, text, from) {
    const found = [];
    pattern.lastIndex = from;
    let match;
    while ((match = pattern.exec(text))) {
      found.push(match);
      pattern.lastIndex = match.index + Math.max(1, match[0].length);
    }
    return found;
  }

  // What the typed words point to, said as the server will say it on saving.
  function describeWords(form) {
    const firstWords = form.querySelector("[name=first_words]").value;
    const lastWords = form.querySelector("[name=last_words]").value;
    const first = phrase(firstWords);
    const last = phrase(lastWords);
    if (!first) return "Give the first few words and the last few words of the passage.";
    const text = documentText();
    const starts = matches(first, text, 0);
    if (!starts.length) return "“" + firstWords.trim() + "” is not in the document's text.";
    if (starts.length > 1) {
      return "“" + firstWords.trim() + "” is in the document " + starts.length + " times; give more of the first words.";
    }
    if (!last) return "“" + firstWords.trim() + "” starts the passage; now give its last few words.";
    const ends = matches(last, text, starts[0].index);
    if (!ends.length) return "“" + lastWords.trim() + "” does not come after the first words.";
    if (ends.length > 1) {
      return "“" + lastWords.trim() + "” comes " + ends.length + " times after the first words; give more of the last words.";
    }
    const passage = text.slice(starts[0].index, ends[0].index + ends[0][0].length).replace(/\s+/g, " ");
    const shown = passage.length > 160 ? passage.slice(0, 77) + " … " + passage.slice(-77) : passage;
    return "These words point to " + passage.length + " characters: “" + shown + "”";
  }

  let typing = null;
  document.addEventListener("input", function (event) {
    const field = event.target;
    if (field.name !== "first_words" && field.name !== "last_words") return;
    const form = field.closest("#excerpt-form");
    if (!form) return;
    form.querySelector("[name=start]").value = "";
    form.querySelector("[name=end]").value = "";
    const status = document.getElementById("selection-status");
    if (!status) return;
    clearTimeout(typing);
    typing = setTimeout(function () {
      status.textContent = describeWords(form);
    }, 400);
  });
})();
