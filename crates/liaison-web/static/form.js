// Liaison's forms, in place: a row is added or removed without sending the form, and a field
// that names a person or an organization offers the records whose names match what is typed.
// Every form works without this script: the same buttons then send the form, and a typed name
// is looked up when it is saved.
"use strict";

(function () {
  var TEMPLATE_ROW = "999999";

  // The number a new row of a group takes: one past the highest of the rows in the page.
  function nextIndex(group) {
    var highest = -1;
    group.querySelectorAll(".group-rows > .group-row [name]").forEach(function (input) {
      var found = /^[a-z_]+-(\d+)-/.exec(input.name);
      if (found) {
        highest = Math.max(highest, parseInt(found[1], 10));
      }
    });
    return highest + 1;
  }

  function renumber(element, index) {
    var from = "-" + TEMPLATE_ROW;
    ["name", "id", "for", "aria-describedby", "list", "value"].forEach(function (attribute) {
      element.querySelectorAll("[" + attribute + "]").forEach(function (node) {
        var value = node.getAttribute(attribute);
        if (value.indexOf(from) !== -1 && (attribute !== "value" || node.name === "remove")) {
          node.setAttribute(attribute, value.split(from).join("-" + index));
        }
      });
    });
  }

  function addRow(group) {
    var template = document.getElementById("blank-" + group.dataset.group);
    if (!template) {
      return false;
    }
    var row = template.content.firstElementChild.cloneNode(true);
    renumber(row, nextIndex(group));
    group.querySelector(".group-rows").appendChild(row);
    row.querySelectorAll("input[data-pick]").forEach(picker);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
    return true;
  }

  function removeRow(button) {
    var row = button.closest(".group-row");
    if (!row) {
      return false;
    }
    var group = row.closest("fieldset.group");
    row.remove();
    var add = group && group.querySelector("button.add-row");
    if (add) {
      add.focus();
    }
    return true;
  }

  // What a picked record writes into its field: a unit by its name, any other record by its
  // number, which the form reads as a link (`#12`), followed by its name for the reader.
  function valueOf(match) {
    return match.kind === "unit" ? match.name : "#" + match.id + " " + match.name;
  }

  function closeList(input) {
    var list = input.parentNode.querySelector("ul.matches");
    if (list) {
      list.remove();
    }
    input.setAttribute("aria-expanded", "false");
  }

  function showMatches(input, matches) {
    closeList(input);
    if (matches.length === 0) {
      return;
    }
    var list = document.createElement("ul");
    list.className = "matches";
    list.setAttribute("role", "listbox");
    list.id = input.id + "-matches";
    matches.forEach(function (match) {
      var item = document.createElement("li");
      item.setAttribute("role", "option");
      var choose = document.createElement("button");
      choose.type = "button";
      choose.className = "match";
      choose.textContent = match.name;
      if (match.detail) {
        var detail = document.createElement("small");
        detail.textContent = match.detail;
        choose.appendChild(detail);
      }
      choose.addEventListener("click", function () {
        input.value = valueOf(match);
        closeList(input);
        // A choice offered by the server for this field is settled by this pick.
        var offers = input.parentNode.querySelector("select.offers");
        if (offers) {
          offers.remove();
        }
        input.dispatchEvent(new Event("change", { bubbles: true }));
        input.focus();
      });
      choose.addEventListener("keydown", function (event) {
        var target = null;
        if (event.key === "ArrowDown") {
          target = item.nextElementSibling;
        } else if (event.key === "ArrowUp") {
          target = item.previousElementSibling;
        } else if (event.key === "Escape") {
          closeList(input);
          input.focus();
        }
        if (target) {
          event.preventDefault();
          target.querySelector("button").focus();
        }
      });
      item.appendChild(choose);
      list.appendChild(item);
    });
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "true");
  }

  function picker(input) {
    var asked = 0;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");
    input.addEventListener("input", function () {
      var query = input.value.trim();
      asked += 1;
      var mine = asked;
      // A link typed by number or key is not a name to look up.
      if (query === "" || query.charAt(0) === "#" || query.charAt(0) === "@") {
        closeList(input);
        return;
      }
      var url = "/api/v1/names?kind=" + encodeURIComponent(input.dataset.pick) +
        "&q=" + encodeURIComponent(query) + "&limit=8";
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(function (matches) {
          // Only the answer to what is in the field now is shown.
          if (mine === asked) {
            showMatches(input, matches);
          }
        })
        .catch(function () {
          closeList(input);
        });
    });
    input.addEventListener("keydown", function (event) {
      var list = input.parentNode.querySelector("ul.matches");
      if (!list) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        list.querySelector("button").focus();
      } else if (event.key === "Escape") {
        closeList(input);
      }
    });
  }

  function start() {
    document.querySelectorAll("form.record").forEach(function (form) {
      form.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (!button || button.type !== "submit") {
          return;
        }
        if (button.name === "add") {
          var group = button.closest("fieldset.group");
          if (group && addRow(group)) {
            event.preventDefault();
          }
        } else if (button.name === "remove") {
          if (removeRow(button)) {
            event.preventDefault();
          }
        }
      });
      form.querySelectorAll(".group-rows input[data-pick], .fields input[data-pick]").forEach(picker);
    });
    document.addEventListener("click", function (event) {
      document.querySelectorAll("ul.matches").forEach(function (list) {
        if (!list.parentNode.contains(event.target)) {
          var input = list.parentNode.querySelector("input[data-pick]");
          if (input) {
            closeList(input);
          }
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
