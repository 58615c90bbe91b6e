// The inbox lives: countdowns tick each second, and the lists are fetched again every few seconds.
(function () {
  "use strict";
  var POLL_MS = 5000;
  var labels = document.getElementById("labels");
  var started = Date.now();

  function clock(seconds) {
    var s = Math.abs(seconds), m = Math.floor(s / 60), r = s % 60;
    return (seconds < 0 ? "-" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  }

  function tick() {
    var passed = Math.floor((Date.now() - started) / 1000);
    document.querySelectorAll(".countdown[data-left]").forEach(function (cell) {
      var left = parseInt(cell.dataset.left, 10) - passed;
      cell.classList.toggle("overdue", left < 0);
      cell.textContent = left < 0 ? labels.dataset.overdue + " " + clock(left) : clock(left);
    });
  }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function fill(table, rows, empty) {
    var body = table.querySelector("tbody");
    body.textContent = "";
    if (!rows.length) {
      var tr = document.createElement("tr");
      tr.className = "empty";
      cell(tr, empty).colSpan = 5;
      body.appendChild(tr);
      return;
    }
    rows.forEach(function (item) {
      var tr = document.createElement("tr");
      tr.dataset.id = item.id;
      if (item.urgent) tr.className = "urgent";
      var first = cell(tr, "");
      var link = document.createElement("a");
      link.href = "/staff/tickets/" + item.id;
      link.textContent = "#" + item.id;
      first.appendChild(link);
      if (item.urgent) {
        var tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = " " + labels.dataset.urgent;
        first.appendChild(tag);
      }
      cell(tr, item.station);
      cell(tr, item.topic);
      cell(tr, labels.dataset.minutes.replace("{n}", item.waited));
      if (table.dataset.kind === "queue") {
        var countdown = cell(tr, "");
        countdown.className = "countdown";
        countdown.dataset.left = item.left;
      } else {
        cell(tr, item.replied ? labels.dataset.replied : labels.dataset.notReplied);
      }
      body.appendChild(tr);
    });
  }

  function poll() {
    fetch("/staff/api/inbox?lang=" + labels.dataset.lang, {credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (response.status === 401) { window.location.href = "/staff/signin"; return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        started = Date.now();
        fill(document.getElementById("queue"), data.queue, labels.dataset.emptyQueue);
        fill(document.getElementById("mine"), data.mine, labels.dataset.emptyMine);
        tick();
        document.body.dataset.polled = String(Number(document.body.dataset.polled || 0) + 1);
      })
      .catch(function () { /* the next poll tries again */ });
  }

  if (!labels) return;
  tick();
  setInterval(tick, 1000);
  if (document.body.dataset.page === "inbox") setInterval(poll, POLL_MS);
})();
