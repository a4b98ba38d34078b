/* The query page's editor: turns the server-rendered form (sparql/templates/sparql.html) into YASGUI's
   editor (YASQE) with its results views (YASR) right under it. Progressive enhancement: without this
   script, or without the vendored YASGUI, the form and the server's table keep working.

   Nothing here talks to another host: queries, and the class and property lists for completion, go to
   our own endpoint; prefixes come from the page (our namespaces), never from prefix.cc; LOV's
   completers are replaced; nothing is kept in localStorage, so a shared link always shows its query. */
(function () {
  "use strict";

  var form = document.getElementById("query-form");
  if (!form || !window.Yasgui) return;
  var config = JSON.parse(form.getAttribute("data-editor"));
  var Yasqe = window.Yasgui.Yasqe;
  var Yasr = window.Yasgui.Yasr;

  function shareHref(query) {
    return config.endpoint + "?" + new URLSearchParams({ query: query }).toString();
  }

  // --- Completion from our own data ---------------------------------------------------------------

  var termLists = {};
  function terms(kind) {
    // One query per kind, on first use, to our endpoint.
    if (!termLists[kind]) {
      var query = kind === "class"
        ? "SELECT DISTINCT ?t WHERE { { ?t a <http://www.w3.org/2002/07/owl#Class> } UNION { [] a ?t } }"
        : "SELECT DISTINCT ?t WHERE { { ?t a <http://www.w3.org/2002/07/owl#ObjectProperty> } UNION " +
          "{ ?t a <http://www.w3.org/2002/07/owl#DatatypeProperty> } UNION { [] ?t [] } }";
      termLists[kind] = fetch(config.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
        body: new URLSearchParams({ query: query }).toString(),
      })
        .then(function (reply) { return reply.ok ? reply.json() : { results: { bindings: [] } }; })
        .then(function (json) {
          return json.results.bindings
            .filter(function (b) { return b.t && b.t.type === "uri"; })
            .map(function (b) { return b.t.value; })
            .sort();
        })
        .catch(function () { return []; });
    }
    return termLists[kind];
  }

  function ourCompleter(name, get) {
    var original = Yasqe.Autocompleters[name];
    if (!original) return;
    Yasqe.registerAutocompleter(Object.assign({}, original, { get: get, persistenceId: null }), true);
  }

  ourCompleter("prefixes", function () {
    return Object.keys(config.prefixes).sort().map(function (p) { return p + ": <" + config.prefixes[p] + ">"; });
  });
  ["class", "property"].forEach(function (kind) {
    ourCompleter(kind, function (yasqe, token) {
      var wanted = (token && (token.autocompletionString || token.string)) || "";
      return terms(kind).then(function (list) {
        return list.filter(function (iri) { return iri.indexOf(wanted) === 0; }).slice(0, 100);
      });
    });
  });

  // --- The table view: our IRIs link to this server's pages, as in the server's table --------------

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function localHref(iri) {
    if (iri.indexOf(config.base) === 0) return "/" + iri.slice(config.base.length);
    if (/^https?:\/\//.test(iri)) return iri;
    return null;
  }

  var Table = Yasr.plugins.table;
  if (Table) {
    class OurTable extends Table {
      getUriLinkFromBinding(binding, prefixes) {
        var iri = binding.value;
        var shown = iri;
        var prefixed = false;
        for (var p in prefixes || {}) {
          var ns = prefixes[p];
          if (ns && iri.indexOf(ns) === 0 && iri.length > ns.length) {
            shown = p + ":" + iri.slice(ns.length);
            prefixed = true;
            break;
          }
        }
        var href = localHref(iri);
        var text = escapeHtml(shown);
        var link = href
          ? '<a class="iri" href="' + escapeHtml(href) + '" title="' + escapeHtml(iri) + '">' + text + "</a>"
          : text;
        return prefixed || this.persistentConfig.compact ? link : "&lt;" + link + "&gt;";
      }

      // YASR gives the table's search and sort the raw value run through DOMPurify, and DataTables
      // reads search text back through innerHTML: hostile data is parsed as markup on the way. Give
      // them the value escaped instead, so data is only ever text.
      getColumns() {
        return super.getColumns().map(function (column, i) {
          if (i === 0 || !column.render) return column;
          var display = column.render;
          return Object.assign({}, column, {
            render: function (cell, type, row, meta) {
              if (cell === "") return cell;
              if (type === "filter" || type === "sort" || !type) return escapeHtml(cell.value);
              return display(cell, type, row, meta);
            },
          });
        });
      }
    }
    OurTable.defaults = Table.defaults;
    Yasr.registerPlugin("table", OurTable);
  }
  if (window.IlrsChart) Yasr.registerPlugin("chart", window.IlrsChart);

  // --- The editor and its results ------------------------------------------------------------------

  var textarea = form.querySelector("textarea");
  var button = form.querySelector("button[type=submit]");
  var share = form.querySelector("a.share");
  var serverResults = document.getElementById("results");
  var resultsEl = document.getElementById("editor-results");
  var holder = document.createElement("div");
  holder.className = "editor";
  textarea.parentNode.insertBefore(holder, textarea);
  textarea.remove();

  var height = Math.round(Math.max(160, Math.min(300, window.innerHeight * 0.3)));
  var yasqe = new Yasqe(holder, {
    value: textarea.value,
    persistenceId: null,
    consumeShareLink: null,
    createShareableLink: function (y) { return location.origin + shareHref(y.getValue()); },
    showQueryButton: false,
    editorHeight: height + "px",
    requestConfig: {
      endpoint: config.endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
    },
  });
  var yasr = new Yasr(resultsEl, {
    persistenceId: null,
    prefixes: config.prefixes,
    pluginOrder: ["table", "response", "chart"],
    defaultPlugin: "table",
  });

  // The whole answer in any of our formats, from the endpoint (the views hold what the browser got).
  var downloads = document.getElementById("editor-downloads");
  function updateDownloads() {
    var type = String(yasqe.getQueryType() || "").toUpperCase();
    var offered = type === "CONSTRUCT" || type === "DESCRIBE" ? config.downloads.graphs : config.downloads.solutions;
    downloads.textContent = "Download: ";
    offered.forEach(function (format) {
      var link = document.createElement("a");
      link.href = config.endpoint + "?" + new URLSearchParams({ query: yasqe.getValue(), format: format[0] });
      link.download = "results." + format[2];
      link.textContent = format[1];
      downloads.appendChild(link);
    });
    downloads.hidden = false;
  }

  function updateShare() {
    share.href = shareHref(yasqe.getValue());
  }

  function run() {
    var href = shareHref(yasqe.getValue());
    if (location.pathname + location.search !== href) history.replaceState(null, "", href);
    yasqe.query().catch(function () {});
  }

  yasqe.on("change", updateShare);
  yasqe.on("query", function () {
    button.disabled = true;
    button.textContent = "Running…";
  });
  yasqe.on("queryResponse", function (y, response, duration) {
    button.disabled = false;
    button.textContent = "Run query";
    serverResults.hidden = true;
    resultsEl.hidden = false;
    yasr.setResponse(response, duration);
    updateDownloads();
  });
  // Ctrl+Enter (and Cmd+Enter) go through the same path as the button: the URL follows the query.
  yasqe.addKeyMap({ "Ctrl-Enter": run, "Cmd-Enter": run });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  form.querySelector(".hint").hidden = false;

  // --- Examples: load into the editor and run, the list closing again -------------------------------

  var examples = document.querySelector(".sparql-page .examples");
  if (examples) {
    var panel = examples.querySelector(".examples-panel");
    var items = Array.prototype.slice.call(panel.querySelectorAll("li"));
    if (items.length > 8) {
      var filter = document.createElement("input");
      filter.type = "search";
      filter.placeholder = "Filter the examples";
      filter.setAttribute("aria-label", "Filter the examples");
      filter.addEventListener("input", function () {
        var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
        items.forEach(function (li) {
          var text = li.textContent.toLowerCase();
          li.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
        });
      });
      panel.insertBefore(filter, panel.firstChild);
      // Focus the filter for keyboards; on a touch screen that would open the keyboard over the list.
      examples.addEventListener("toggle", function () {
        if (examples.open && !window.matchMedia("(pointer: coarse)").matches) filter.focus();
      });
    }
    panel.addEventListener("click", function (event) {
      var link = event.target.closest("a[href]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      var query = new URL(link.href, location.href).searchParams.get("query");
      if (query === null) return;
      event.preventDefault();
      examples.open = false;
      yasqe.setValue(query);
      run();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && examples.open) examples.open = false;
    });
    document.addEventListener("click", function (event) {
      if (examples.open && !examples.contains(event.target)) examples.open = false;
    });
  }

  window.ilrsEditor = { yasqe: yasqe, yasr: yasr, run: run };
  // A shared link (or the form without scripts) brought a query the server ran: show it in the views.
  if (config.ran) run();
})();
