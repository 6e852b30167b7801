"""The status page's chart: plain JavaScript, no external assets. Every second it fetches
``?json`` of the same page, turns the change in total accesses into requests per second and
redraws an SVG polyline of the last 60 values. ``data-points`` on the SVG counts the samples
drawn and ``data-total`` holds the last total seen (the browser test reads both)."""

SCRIPT = r"""
(function () {
  var svg = document.getElementById("chart"), line = document.getElementById("line");
  var out = document.getElementById("rps"), values = [], last = null, drawn = 0;
  var url = location.pathname + "?json";
  function draw() {
    var top = Math.max(1, Math.max.apply(null, values)), pts = [];
    for (var i = 0; i < values.length; i++) {
      pts.push((i * 10) + "," + (145 - 140 * values[i] / top).toFixed(1));
    }
    line.setAttribute("points", pts.join(" "));
    svg.setAttribute("data-points", String(++drawn));
  }
  function poll() {
    fetch(url, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (d) {
      var now = d.current_time, total = d.accesses;
      if (last !== null && now > last.time) {
        var rate = (total - last.total) / (now - last.time);
        values.push(rate);
        if (values.length > 60) { values.shift(); }
        out.textContent = rate.toFixed(1);
        draw();
      }
      svg.setAttribute("data-total", String(total));
      last = {time: now, total: total};
    }).catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""
