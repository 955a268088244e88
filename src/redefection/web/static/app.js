// redefection: a little progressive enhancement, our own code, no framework.
// Every form works without this script (post, redirect, get). With it:
// - review forms (class "js-review") post in place: the server answers with the fact's card, which replaces the old
//   one, and the evidence marks of that fact in the text take its new review state; then the page's other parts
//   that a review changes (class "js-live" with an id: a case's "Reviewed n of m", its changes) are read again;
// - "Copy citation" buttons copy their data-copy text.
"use strict";

(function () {
  var STATES = ["st-machine", "st-confirmed", "st-corrected", "st-rejected"];

  function csrfToken(form) {
    var field = form.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function announce(text) {
    var region = document.getElementById("js-status");
    if (!region) {
      region = document.createElement("p");
      region.id = "js-status";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      document.body.appendChild(region);
    }
    region.textContent = text;
  }

  function restyleMarks(card) {
    var state = STATES.filter(function (name) { return card.classList.contains(name); })[0];
    if (!state || !card.id) { return; }
    document.querySelectorAll('mark[data-fact="' + card.id + '"]').forEach(function (mark) {
      STATES.forEach(function (name) { mark.classList.remove(name); });
      mark.classList.add(state);
    });
  }

  function refreshLive() {
    var live = document.querySelectorAll(".js-live[id]");
    if (!live.length || !window.DOMParser) { return; }
    fetch(window.location.href, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (text) {
      if (!text) { return; }
      var page = new DOMParser().parseFromString(text, "text/html");
      live.forEach(function (old) {
        var fresh = page.getElementById(old.id);
        if (fresh) { old.replaceWith(document.importNode(fresh, true)); }
      });
    }).catch(function () { /* the page is still right after a reload */ });
  }

  function submitInPlace(form, card) {
    card.classList.add("js-busy");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRF-Token": csrfToken(form) }
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      return response.text().then(function (text) {
        return { status: response.status, html: type.indexOf("text/html") === 0, text: text };
      });
    }).then(function (answer) {
      card.classList.remove("js-busy");
      if (answer.html && (answer.status === 200 || answer.status === 400)) {
        var holder = document.createElement("template");
        holder.innerHTML = answer.text.trim();
        var fresh = holder.content.querySelector(".fact");
        if (fresh) {
          card.replaceWith(fresh);
          restyleMarks(fresh);
          announce(answer.status === 200 ? "Saved." : "Not saved: see the message in the fact.");
          if (answer.status === 200) { refreshLive(); }
          return;
        }
      }
      form.submit();  // anything unexpected (logged out, forbidden): let the browser show the page
    }).catch(function () {
      card.classList.remove("js-busy");
      form.submit();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("js-review") || !window.fetch) { return; }
    var card = form.closest(".fact");
    if (!card) { return; }
    event.preventDefault();
    submitInPlace(form, card);
  });

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest(".js-copy") : null;
    if (!button || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(button.getAttribute("data-copy") || "").then(function () {
      var before = button.textContent;
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = before; }, 1500);
    });
  });
}());
