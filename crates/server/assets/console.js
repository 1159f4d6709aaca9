// The console's relationship graph (Cytoscape.js, embedded): reads the page's JSON, draws it
// coloured by community and sized by degree, and shows the selected person beside it. The
// table under the graph lists the same people for keyboards and screen readers.
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("graph");
    var data = document.getElementById("graph-data");
    if (!el || !data || typeof window.cytoscape !== "function") return;
    var elements = JSON.parse(data.textContent || "[]");
    var nodes = elements.filter(function (e) { return e.group === "nodes"; }).length;
    var cy = window.cytoscape({
      container: el,
      elements: elements,
      wheelSensitivity: 0.3,
      minZoom: 0.05,
      maxZoom: 4,
      style: [
        { selector: "node", style: {
          "background-color": "data(colour)", "width": "data(size)", "height": "data(size)",
          "label": nodes <= 150 ? "data(label)" : "", "font-size": 9, "color": "#333",
          "text-valign": "bottom", "text-margin-y": 2, "border-width": 1, "border-color": "#fff" } },
        { selector: "node:selected", style: { "border-width": 4, "border-color": "#111" } },
        { selector: "edge", style: {
          "width": "data(weight)", "line-color": "#b8b8b8", "curve-style": "haystack", "opacity": 0.7 } },
        { selector: "edge[type = 'mentor'], edge[type = 'coach']", style: { "line-color": "#7a7a7a" } }
      ],
      layout: nodes > 1200
        ? { name: "grid", avoidOverlap: true }
        : { name: "cose", animate: false, randomize: false, nodeRepulsion: 8000, idealEdgeLength: 60,
            numIter: nodes > 400 ? 400 : 1000, componentSpacing: 60 }
    });
    var detail = document.getElementById("graph-detail");
    function show(n) {
      var d = n.data();
      detail.replaceChildren();
      var h = document.createElement("h3");
      var a = document.createElement("a");
      a.href = "/console/participants/" + d.id;
      a.textContent = d.label;
      h.appendChild(a);
      detail.appendChild(h);
      [["Community", d.segment || "none"], ["Engagement", d.state], ["Stage", d.stage],
       ["Relationships", String(d.degree)]].forEach(function (row) {
        var p = document.createElement("p");
        p.className = "meta";
        p.textContent = row[0] + ": " + row[1];
        detail.appendChild(p);
      });
    }
    cy.on("tap", "node", function (e) { show(e.target); });
    el.setAttribute("data-ready", "true");
    window.wisdomosGraph = cy;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  // Segment colour swatches: set from data, since inline styles are not allowed.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".swatch[data-colour]").forEach(function (s) {
      s.style.backgroundColor = s.getAttribute("data-colour");
    });
  });
})();
