/* The board of a selection (selection_board.html): drag a lead's card to another status column
   and the lead takes that status (POST .../board/move with the page's CSRF token). Without
   JavaScript, or from the keyboard, each card's "Move to…" form does the same. */
(function () {
  "use strict";
  var board = document.querySelector("[data-testid='board']");
  if (!board) return;
  var status = document.querySelector("[data-testid='board-status']");
  var csrf = "";
  try {
    csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
  } catch (e) { csrf = ""; }

  function count(column, delta) {
    var badge = column.querySelector("[data-testid='board-count']");
    if (badge) badge.textContent = String(parseInt(badge.textContent, 10) + delta);
  }

  function move(card, column) {
    var from = card.closest(".board-column");
    if (!from || from === column) return;
    var body = JSON.stringify({ lead_id: Number(card.dataset.leadId), status: column.dataset.status });
    fetch(board.dataset.moveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      column.querySelector(".board-cards").appendChild(card);
      var select = card.querySelector("select[name='status']");
      if (select) select.value = column.dataset.status;
      count(from, -1);
      count(column, 1);
      if (status) status.textContent = "";
    }).catch(function () {
      if (status) status.textContent = board.dataset.failed;
    });
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board-card");
    if (!card) return;
    event.dataTransfer.setData("text/plain", card.dataset.leadId);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("is-dragging");
  });
  board.addEventListener("dragend", function (event) {
    var card = event.target.closest && event.target.closest(".board-card");
    if (card) card.classList.remove("is-dragging");
  });
  board.addEventListener("dragover", function (event) {
    if (event.target.closest(".board-column")) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    }
  });
  board.addEventListener("drop", function (event) {
    var column = event.target.closest(".board-column");
    if (!column) return;
    event.preventDefault();
    var id = event.dataTransfer.getData("text/plain");
    var card = board.querySelector(".board-card[data-lead-id='" + CSS.escape(id) + "']");
    if (card) move(card, column);
  });
})();
