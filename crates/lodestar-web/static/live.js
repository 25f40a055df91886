// Lodestar's live pages: a message reaches its author's tab twice, once as the answer to
// the form and once from the live stream. Whichever comes second is dropped, by element id.
(function () {
  "use strict";
  function present(html) {
    var match = /^\s*<[a-z]+[^>]*\sid="([^"]+)"/i.exec(html);
    return match !== null && document.getElementById(match[1]) !== null;
  }
  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    if (present(event.detail.data)) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "message-list" || !event.detail.serverResponse) {
      return;
    }
    var template = document.createElement("template");
    template.innerHTML = event.detail.serverResponse;
    var dropped = false;
    // The fragment's own children: ":scope" matches nothing in a template's fragment.
    Array.prototype.slice.call(template.content.children).forEach(function (item) {
      if (item.tagName === "LI" && item.id && document.getElementById(item.id) !== null) {
        item.remove();
        dropped = true;
      }
    });
    if (dropped) {
      event.detail.serverResponse = template.innerHTML;
    }
  });
})();
