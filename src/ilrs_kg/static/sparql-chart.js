/* A chart view for YASR (the query page's results, static/sparql-editor.js registers it).
   @zazuko/yasgui ships table, response, boolean and error views only; this small plugin adds a bar chart
   instead of a second vendored library: a numeric column against a label column, or, for a result
   without numbers, how many rows share each value of a column (e.g. members per join year). Drawn as
   SVG through the DOM (text via textContent, no inline styles), so it needs nothing the page's
   Content-Security-Policy refuses and renders no markup from the data. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"].map(function (t) { return XSD + t; });
  var MAX_BARS = 60;
  var COUNT = "";

  function svg(name, attributes, text) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function isNumeric(binding) {
    return binding && binding.type !== "uri" && binding.type !== "bnode" &&
      NUMERIC.indexOf(binding.datatype) >= 0 && isFinite(Number(binding.value));
  }

  function shorten(binding, prefixes) {
    if (!binding) return "(none)";
    if (binding.type === "uri") {
      for (var p in prefixes) {
        if (binding.value.indexOf(prefixes[p]) === 0) return p + ":" + binding.value.slice(prefixes[p].length);
      }
    }
    return binding.value;
  }

  class Chart {
    constructor(yasr) {
      this.yasr = yasr;
      this.label = "Chart";
      this.priority = 5;
      this.settings = {};
    }

    columns() {
      var bindings = this.yasr.results.getBindings() || [];
      var variables = this.yasr.results.getVariables() || [];
      var numeric = variables.filter(function (v) {
        var present = bindings.filter(function (b) { return b[v]; });
        return present.length > 0 && present.every(function (b) { return isNumeric(b[v]); });
      });
      return { variables: variables, numeric: numeric, bindings: bindings };
    }

    canHandleResults() {
      var results = this.yasr.results;
      return !!results && results.getType && results.getType() === "json" &&
        !!results.getVariables() && results.getVariables().length > 0 && !!results.getBindings();
    }

    getIcon() {
      var icon = svg("svg", { viewBox: "0 0 16 16", width: "16", height: "16", "aria-hidden": "true" });
      [[1, 9, 3, 6], [6, 4, 3, 11], [11, 7, 3, 8]].forEach(function (r) {
        icon.appendChild(svg("rect", { x: r[0], y: r[1], width: r[2], height: r[3], fill: "currentColor" }));
      });
      return icon;
    }

    bars(found, labelColumn, valueColumn) {
      var prefixes = this.yasr.getPrefixes ? this.yasr.getPrefixes() : {};
      if (valueColumn !== COUNT) {
        return found.bindings
          .filter(function (b) { return isNumeric(b[valueColumn]); })
          .map(function (b) { return { label: shorten(b[labelColumn], prefixes), value: Number(b[valueColumn].value) }; });
      }
      var counts = new Map();
      found.bindings.forEach(function (b) {
        var key = shorten(b[labelColumn], prefixes);
        counts.set(key, (counts.get(key) || 0) + 1);
      });
      return Array.from(counts, function (entry) { return { label: entry[0], value: entry[1] }; })
        .sort(function (a, b) { return b.value - a.value || (a.label < b.label ? -1 : 1); });
    }

    select(name, options, chosen, onChange) {
      var label = document.createElement("label");
      label.textContent = name + " ";
      var select = document.createElement("select");
      options.forEach(function (option) {
        var element = document.createElement("option");
        element.value = option[0];
        element.textContent = option[1];
        element.selected = option[0] === chosen;
        select.appendChild(element);
      });
      select.addEventListener("change", function () { onChange(select.value); });
      label.appendChild(select);
      return label;
    }

    draw() {
      var self = this;
      var found = this.columns();
      var others = found.variables.filter(function (v) { return found.numeric.indexOf(v) < 0; });
      var labelColumn = found.variables.indexOf(this.settings.label) >= 0 ? this.settings.label
        : (others[0] || found.variables[0]);
      var valueColumn = this.settings.value === COUNT || found.numeric.indexOf(this.settings.value) >= 0
        ? this.settings.value : (found.numeric.filter(function (v) { return v !== labelColumn; })[0] || COUNT);
      if (valueColumn === undefined) valueColumn = COUNT;

      var root = document.createElement("div");
      root.className = "ilrs-chart";
      var controls = document.createElement("div");
      controls.className = "ilrs-chart-controls";
      var redraw = function (key) {
        return function (value) {
          self.settings[key] = value;
          self.yasr.resultsEl.innerHTML = "";
          self.draw();
        };
      };
      controls.appendChild(this.select("Bars for", found.variables.map(function (v) { return [v, "?" + v]; }),
        labelColumn, redraw("label")));
      var values = [[COUNT, "number of rows"]].concat(found.numeric.map(function (v) { return [v, "?" + v]; }));
      controls.appendChild(this.select("Length", values, valueColumn, redraw("value")));
      root.appendChild(controls);

      var bars = this.bars(found, labelColumn, valueColumn);
      if (bars.length === 0) {
        var empty = document.createElement("p");
        empty.className = "empty";
        empty.textContent = "Nothing to chart: no rows with a number in that column.";
        root.appendChild(empty);
        this.yasr.resultsEl.appendChild(root);
        return;
      }
      var shown = bars.slice(0, MAX_BARS);
      var max = Math.max.apply(null, shown.map(function (b) { return Math.abs(b.value); })) || 1;
      // Drawn at the width it is shown at, so the text stays legible on a phone.
      var width = Math.max(300, Math.min(960, this.yasr.resultsEl.clientWidth || 760));
      var labelWidth = Math.round(Math.min(300, width * 0.42)), row = 22, top = 4;
      var room = Math.floor((labelWidth - 8) / 6.5);
      var chart = svg("svg", {
        viewBox: "0 0 " + width + " " + (top + shown.length * row + 4),
        width: width,
        role: "img",
        "aria-label": "Bar chart of " + (valueColumn === COUNT ? "row counts" : "?" + valueColumn) +
          " by ?" + labelColumn,
      });
      shown.forEach(function (bar, i) {
        var y = top + i * row;
        var length = Math.max(1, Math.round((Math.abs(bar.value) / max) * (width - labelWidth - 70)));
        var text = bar.label.length > room ? bar.label.slice(0, room - 1) + "…" : bar.label;
        var group = svg("g", { class: "bar-row" });
        group.appendChild(svg("title", {}, bar.label + ": " + bar.value));  // the whole label, on hover
        group.appendChild(svg("text", { x: labelWidth - 8, y: y + 15, "text-anchor": "end", class: "bar-label" },
          text));
        group.appendChild(svg("rect", { x: labelWidth, y: y + 3, width: length, height: row - 6, class: "bar" }));
        group.appendChild(svg("text", { x: labelWidth + length + 6, y: y + 15, class: "bar-value" },
          String(bar.value)));
        chart.appendChild(group);
      });
      root.appendChild(chart);
      if (bars.length > shown.length) {
        var more = document.createElement("p");
        more.className = "empty";
        more.textContent = "Showing the first " + shown.length + " of " + bars.length + " bars.";
        root.appendChild(more);
      }
      this.yasr.resultsEl.appendChild(root);
    }

    destroy() {}
  }

  window.IlrsChart = Chart;
})();
