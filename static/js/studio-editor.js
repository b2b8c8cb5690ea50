// The lesson studio's editor pages: refused saves are shown in place, every form on the page
// is brought up to the revision an in-place save made, focus returns to the control that was
// used after htmx replaces a section, and modules can be dragged into a new order (the
// Move up / Move down buttons do the same without a mouse or a script).
(function () {
  "use strict";

  // A refused save (bad input 400, read-only 403, stale page 409) carries the page part that
  // explains it; htmx only swaps 2xx answers unless told otherwise.
  document.addEventListener("htmx:beforeSwap", function (event) {
    const status = event.detail.xhr.status;
    if ([400, 403, 409].includes(status) && event.detail.target.closest("[data-studio-editor]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A question's excerpt choices sent again after the module's excerpts changed keep the
  // choice the author made but has not saved, when that excerpt is still there.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    const target = event.detail.target;
    if (!target.id || !target.id.startsWith("choice-")) return;
    const before = target.querySelector("select");
    const after = event.detail.fragment.querySelector("select");
    if (!before || !after) return;
    if (Array.from(after.options).some((option) => option.value === before.value)) {
      after.value = before.value;
    }
  });

  // A save that succeeded at revision `was` proves that nothing else on the page was out of
  // date, so the forms still carrying `was` now carry the save's new revision; a form left
  // older than that stays older, and the server refuses it as stale.
  function bringRevisionsUpToDate(state) {
    const was = state.dataset.was;
    const now = state.dataset.now;
    if (!was || !now) return;
    document.querySelectorAll("input[data-revision]").forEach(function (input) {
      if (input.value === was) input.value = now;
    });
    document.querySelectorAll("[data-reorder-url]").forEach(function (list) {
      if (list.dataset.revision === was) list.dataset.revision = now;
    });
    delete state.dataset.was;
    delete state.dataset.now;
  }

  // Revisions are brought up to date as soon as the new content is in, before anything on
  // the page can be pressed again.
  document.addEventListener("htmx:afterSwap", function () {
    const state = document.getElementById("studio-state");
    if (state) bringRevisionsUpToDate(state);
  });

  // After a swap, focus goes to the first of the named controls that still exists (a moved
  // item's button, or its section), or to the problem the save ran into.
  document.addEventListener("htmx:afterSettle", function () {
    const state = document.getElementById("studio-state");
    if (!state) return;
    bringRevisionsUpToDate(state);
    const problem = document.getElementById("problem");
    if (problem) {
      problem.focus();
      return;
    }
    const ids = (state.dataset.focus || "").split(/\s+/).filter(Boolean);
    state.dataset.focus = "";
    for (const id of ids) {
      const target = document.getElementById(id);
      if (target) {
        target.focus();
        return;
      }
    }
  });

  // Dragging a module to a new place sends the whole new order with the page's revision.
  let dragged = null;
  let before = "";

  function orderOf(list) {
    return Array.from(list.children)
      .map(function (li) {
        return li.dataset.pk;
      })
      .join(",");
  }

  document.addEventListener("dragstart", function (event) {
    const item = event.target.closest && event.target.closest(".studio-modules > li[draggable]");
    if (!item) return;
    dragged = item;
    before = orderOf(item.parentNode);
    item.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.pk);
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    const over = event.target.closest && event.target.closest(".studio-modules > li");
    if (!over || over === dragged || over.parentNode !== dragged.parentNode) return;
    event.preventDefault();
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    const list = dragged.parentNode;
    dragged.classList.remove("is-dragging");
    dragged = null;
    const order = orderOf(list);
    if (order === before) return;
    htmx.ajax("POST", list.dataset.reorderUrl, {
      source: list,
      target: "#modules",
      swap: "outerHTML",
      values: { revision: list.dataset.revision, order: order },
    });
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });
})();
