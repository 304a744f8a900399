(function () {
  "use strict";
  var table = document.getElementById("identities");
  var form = document.getElementById("controls");
  if (!table || !form) {
    return;
  }
  var groups = Array.prototype.slice.call(table.tBodies);
  var texts = groups.map(function (group) {
    return group.textContent.replace(/\s+/g, " ").toLowerCase();
  });
  var kind = document.getElementById("f-kind");
  var provider = document.getElementById("f-provider");
  var risk = document.getElementById("f-risk");
  var search = document.getElementById("f-text");
  var counter = document.getElementById("shown");

  function filter() {
    var wantKind = kind.value;
    var wantProvider = provider.value;
    var minRisk = parseInt(risk.value, 10) || 0;
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    groups.forEach(function (group, i) {
      var row = group.rows[0];
      var ok =
        (!wantKind || row.getAttribute("data-kind") === wantKind) &&
        (!wantProvider || row.getAttribute("data-provider") === wantProvider) &&
        (parseInt(row.getAttribute("data-risk"), 10) || 0) >= minRisk &&
        words.every(function (word) {
          return texts[i].indexOf(word) !== -1;
        });
      group.hidden = !ok;
      if (ok) {
        shown += 1;
      }
    });
    counter.textContent = shown + " of " + groups.length + " shown";
  }

  function sortKey(group, column, type) {
    var cell = group.rows[0].cells[column];
    if (!cell) {
      return null;
    }
    var raw = cell.hasAttribute("data-value")
      ? cell.getAttribute("data-value")
      : cell.textContent.replace(/\s+/g, " ").trim();
    if (raw === "") {
      return null;
    }
    if (type === "num") {
      var number = parseFloat(raw);
      return isNaN(number) ? null : number;
    }
    return type === "date" ? raw : raw.toLowerCase();
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") {
      return a - b;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function sortBy(column, ascending) {
    var type = headers[column].getAttribute("data-sort") || "text";
    var keyed = groups.map(function (group, index) {
      return { group: group, key: sortKey(group, column, type), index: index };
    });
    keyed.sort(function (x, y) {
      if (x.key === null || y.key === null) {
        if (x.key === y.key) {
          return x.index - y.index;
        }
        return x.key === null ? 1 : -1;
      }
      var order = compare(x.key, y.key);
      if (!ascending) {
        order = -order;
      }
      return order || x.index - y.index;
    });
    keyed.forEach(function (item) {
      table.appendChild(item.group);
    });
    headers.forEach(function (th, i) {
      if (i === column) {
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
  }

  headers.forEach(function (th, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.title = "Sort by " + th.textContent;
    while (th.firstChild) {
      button.appendChild(th.firstChild);
    }
    th.appendChild(button);
    button.addEventListener("click", function () {
      var current = th.getAttribute("aria-sort");
      var ascending;
      if (current) {
        ascending = current !== "ascending";
      } else {
        ascending = th.getAttribute("data-sort") !== "num";
      }
      sortBy(column, ascending);
    });
  });
  if (headers.length) {
    headers[0].setAttribute("aria-sort", "descending");
  }

  table.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || target.closest("a, button, summary, select, input")) {
      return;
    }
    var row = target.closest("tr.row");
    if (!row || row.parentNode.parentNode !== table) {
      return;
    }
    var selection = window.getSelection ? String(window.getSelection()) : "";
    if (selection) {
      return;
    }
    var details = row.parentNode.querySelector("tr.detail details");
    if (details) {
      details.open = !details.open;
    }
  });

  [kind, provider, risk].forEach(function (select) {
    select.addEventListener("change", filter);
  });
  search.addEventListener("input", filter);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  // Presets from the URL fragment, for links to a view of the report:
  // #kind=password&provider=aws&risk=60&q=prod&sort=locations&dir=asc
  var preset = Object.create(null);
  location.hash
    .replace(/^#/, "")
    .split("&")
    .forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0) {
        try {
          preset[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1).replace(/\+/g, " "));
        } catch (err) {
          // A malformed escape: ignore this pair.
        }
      }
    });
  [
    [kind, preset.kind],
    [provider, preset.provider],
    [risk, preset.risk],
  ].forEach(function (entry) {
    var select = entry[0];
    var value = entry[1];
    if (value !== undefined) {
      for (var i = 0; i < select.options.length; i += 1) {
        if (select.options[i].value === value) {
          select.selectedIndex = i;
        }
      }
    }
  });
  if (preset.q !== undefined) {
    search.value = preset.q;
  }
  if (preset.sort !== undefined) {
    headers.forEach(function (th, column) {
      var name = th.textContent.trim().toLowerCase().replace(/\s+/g, "-");
      if (name === preset.sort.toLowerCase()) {
        sortBy(column, preset.dir !== "desc");
      }
    });
  }

  form.hidden = false;
  filter();
})();
