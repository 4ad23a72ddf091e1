/* The watchlist's world map: world-atlas's countries-110m.json drawn with d3-geo and
 * topojson-client into the dashboard's SVG, listed countries filled by tier.
 * Data: the JSON of {{ map_data|json_script:"watchlist-map-data" }} (iso3, numeric, name, tier,
 * tier_label, url). world-atlas ids are ISO 3166-1 numeric codes, matched to Country.numeric;
 * a feature without an id (Kosovo, for one) is matched by name.
 * The colours come from static/css/watchlist.css (classes apc-tier--<tier>); no inline styles,
 * so the page's CSP (style-src 'self') holds. The SVG is an image with a caption; the legend and
 * the list beside it carry the same information as text. */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var WIDTH = 960;
  var HEIGHT = 480;

  function el(name, attrs) {
    var node = document.createElementNS(SVG_NS, name);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    return node;
  }

  function numericId(feature) {
    if (feature.id === undefined || feature.id === null || feature.id === "") return "";
    return String(feature.id).padStart(3, "0");
  }

  function draw(svg, world, listed) {
    var byNumeric = new Map();
    var byName = new Map();
    listed.forEach(function (c) {
      if (c.numeric) byNumeric.set(c.numeric, c);
      byName.set(c.name, c);
    });
    var features = window.topojson.feature(world, world.objects.countries).features;
    var projection = window.d3
      .geoEqualEarth()
      .fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], { type: "Sphere" });
    var path = window.d3.geoPath(projection);

    var group = el("g", { class: "apc-map__countries" });
    group.appendChild(el("path", { class: "apc-map__sphere", d: path({ type: "Sphere" }) }));
    features.forEach(function (feature) {
      var d = path(feature);
      if (!d) return;
      var id = numericId(feature);
      var country = id ? byNumeric.get(id) : byName.get((feature.properties || {}).name);
      var shape = el("path", { d: d, class: "apc-map__country" });
      var title = el("title");
      if (id) shape.setAttribute("data-numeric", id);
      if (country) {
        shape.setAttribute(
          "class",
          "apc-map__country apc-map__country--link apc-tier--" + country.tier
        );
        shape.setAttribute("data-iso3", country.iso3);
        shape.setAttribute("data-tier", country.tier);
        title.textContent = country.name + ": " + country.tier_label;
        shape.addEventListener("click", function () {
          window.location.assign(country.url);
        });
      } else {
        title.textContent = ((feature.properties || {}).name || "") + ": not listed";
      }
      shape.appendChild(title);
      group.appendChild(shape);
    });
    svg.appendChild(group);
  }

  function init() {
    var svg = document.getElementById("watchlist-map");
    var data = document.getElementById("watchlist-map-data");
    if (!svg || !data) return;
    if (!window.d3 || !window.topojson || !window.d3.geoEqualEarth) {
      svg.setAttribute("data-rendered", "error");
      return;
    }
    var listed = JSON.parse(data.textContent);
    fetch(svg.getAttribute("data-atlas"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("world atlas: HTTP " + response.status);
        return response.json();
      })
      .then(function (world) {
        draw(svg, world, listed);
        svg.setAttribute("data-rendered", "true");
      })
      .catch(function (error) {
        svg.setAttribute("data-rendered", "error");
        window.console.error(error);
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
