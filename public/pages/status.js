// /status: polls GET /stats and redraws. Per-minute charts come from the report's `timeline`
// (last hour, server-side); per-route rates are differences between successive reports,
// so that chart covers the time since this page opened (the server keeps route totals only).
(() => {
  const { api, el, palette, token, onSchemeChange } = window.devhub;
  const root = document.getElementById("status");
  const refreshMs = Number(root.dataset.refreshMs) || 3000;
  const $ = (id) => document.getElementById(id);
  const HOUR = 3600;
  const MAX_ROUTES = 6;
  const routeHistory = []; // [{ t, totals: {route: requests} }]
  const charts = {};

  const { hhmm, hhmmss, when, percent, duration } = window.devhubWords;
  const fmt = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
  // uPlot's default 50 px between time ticks is narrower than "00:00:00": labels ran together.
  // Ticks are spaced by the widest label in the axis font, plus a gap.
  const AXIS_FONT = "12px system-ui, sans-serif";
  const X_TICK_SPACE = (() => {
    const context = document.createElement("canvas").getContext("2d");
    context.font = AXIS_FONT;
    return Math.ceil(context.measureText("00:00:00").width) + 24;
  })();

  function timeRange(u) {
    const times = u.data[0];
    const last = times.length ? times[times.length - 1] : Date.now() / 1000;
    return [Math.min(times.length ? times[0] : last, last - 300), last];
  }

  function chart(id, labels, data) {
    const container = $(id);
    const colours = palette();
    const key = `${id}:${labels.join("|")}`;
    const existing = charts[id];
    if (existing && existing.key === key) {
      existing.plot.setData(data);
    } else {
      existing?.plot.destroy();
      const axis = {
        font: AXIS_FONT,
        stroke: colours.text,
        grid: { stroke: colours.grid },
        ticks: { stroke: colours.grid },
      };
      const plot = new uPlot(
        {
          width: Math.max(280, container.clientWidth),
          height: 220,
          // At least a five-minute span, so a chart with one or two points still reads as time.
          // Taken from the data: uPlot widens a one-point span by days before a range function
          // sees it (every tick then read "00:00", and setData kept that scale).
          scales: { x: { time: true, range: timeRange } },
          hooks: {
            setLegend: [
              (u) => {
                const newest = u.data[0].length - 1;
                if (u.legend.idx == null && newest >= 0) u.setLegend({ idx: newest }, false);
              },
            ],
          },
          axes: [
            // Seconds only where ticks are closer than a minute (the since-opened route chart).
            {
              ...axis,
              space: X_TICK_SPACE,
              values: (_u, ticks, _axis, space) => {
                const labels = ticks.map(ticks[1] - ticks[0] < 60 ? hhmmss : hhmm);
                // What the axis shows, for tests and DOM readers (a canvas has no text).
                container.dataset.xAxis = JSON.stringify({ font: AXIS_FONT, space, labels });
                return labels;
              },
            },
            { ...axis, size: 50 },
          ],
          series: [
            { label: "Time", value: (_u, ts) => (ts == null ? "–" : hhmmss(ts)) },
            ...labels.map((label, index) => ({
              label,
              stroke: colours.series[index % colours.series.length],
              width: 2,
              points: { show: false },
            })),
          ],
        },
        data,
        container,
      );
      charts[id] = { plot, key };
      container.querySelector(".placeholder")?.remove();
    }
    // The legend shows the latest values until the pointer picks another moment (uPlot's own
    // idle legend reads "--" for every series, which looks like missing data).
    const last = data[0].length - 1;
    if (last >= 0) charts[id].plot.setLegend({ idx: last });
    // A plain-text trace of what is drawn: handy for tests and for anyone reading the DOM.
    container.dataset.sum = String(
      data.slice(1).reduce((sum, s) => sum + s.reduce((a, v) => a + (v ?? 0), 0), 0),
    );
  }

  function fillList(id, entries) {
    const list = $(id);
    list.replaceChildren(
      ...entries.map(([name, value]) => {
        const item = el("li");
        item.append(el("span", {}, name), el("strong", {}, value));
        return item;
      }),
    );
    if (entries.length === 0) list.replaceChildren(el("li", {}, "none yet"));
  }

  function drawTimeline(report) {
    const t = report.timeline.map((point) => Date.parse(point.at) / 1000);
    chart(
      "chart-requests",
      ["Requests", "Errors"],
      [t, report.timeline.map((p) => p.requests), report.timeline.map((p) => p.errors)],
    );
    chart(
      "chart-latency",
      ["p50", "p95", "p99"],
      [
        t,
        report.timeline.map((p) => p.p50),
        report.timeline.map((p) => p.p95),
        report.timeline.map((p) => p.p99),
      ],
    );
  }

  function drawRouteRates(report) {
    const now = Date.now() / 1000;
    const totals = Object.fromEntries(Object.entries(report.routes).map(([route, r]) => [route, r.requests]));
    routeHistory.push({ t: now, totals });
    while (routeHistory.length > 2 && routeHistory[0].t < now - HOUR) routeHistory.shift();
    const busiest = Object.entries(totals)
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_ROUTES)
      .map(([route]) => route)
      .sort();
    const points = routeHistory.slice(1);
    const data = [points.map((p) => p.t)];
    for (const route of busiest) {
      data.push(
        points.map((p, index) => {
          const before = routeHistory[index];
          const delta = (p.totals[route] ?? 0) - (before.totals[route] ?? 0);
          return Math.max(0, (delta / Math.max(1, p.t - before.t)) * 60);
        }),
      );
    }
    // Rates are differences between two reports: nothing to draw until the second one.
    if (busiest.length && points.length) chart("chart-routes", busiest, data);
  }

  function drawTables(report) {
    $("environment").textContent = report.environment;
    $("rate").textContent = fmt(report.requests.rate_per_minute);
    $("error-rate").textContent = fmt(report.errors.rate_per_minute);
    // From the counts, not `errors.ratio` (rounded to 2 decimals, so 0.4 % read "0.0 %").
    $("error-share").textContent =
      `${percent(report.errors.count, report.requests.total)} of ${report.requests.total} requests since start`;
    const l = report.windows["60m"].latency_ms;
    $("latency").textContent = `${fmt(l.p50)} / ${fmt(l.p95)} / ${fmt(l.p99)}`;
    $("uptime").textContent = duration(report.uptime.seconds);
    $("uptime-since").textContent = `since ${when(report.uptime.since)}`;
    $("version").textContent = report.version.commit
      ? `${report.version.app} (${report.version.commit})`
      : report.version.app;
    fillList(
      "codes",
      // Classes first, then each 4xx code (an object spread would put numeric keys first).
      [
        ...Object.entries(report.requests.by_status_class),
        ...Object.entries(report.requests.client_errors_by_status),
      ].filter(([, n]) => n > 0),
    );
    const { hit_ratio: ratio, ...outcomes } = report.cache.github;
    fillList("cache", [
      ...Object.entries(outcomes),
      ["hit ratio", ratio === null ? "–" : `${Math.round(ratio * 100)}%`],
    ]);
    const health = (name, h) => [name, `${h.healthy ? "up" : "DOWN"} (${fmt(h.latency_ms)} ms)`];
    fillList("health", [health("PostgreSQL", report.database), health("KV", report.cache.kv)]);
    const quota = report.github.rate_limit;
    $("github").textContent =
      quota.remaining === null
        ? "No GitHub call seen yet."
        : `${quota.remaining} of ${quota.limit} calls left, renews ${quota.reset ? when(quota.reset) : "–"}` +
          (quota.blocked_until ? `; paused until ${when(quota.blocked_until)} (${quota.reason})` : "");
    const last = report.errors.last;
    $("last-error").textContent = last
      ? `${when(last.at)} — ${last.type} on ${last.route}: ${last.message}`
      : "None";
    $("routes").replaceChildren(
      ...Object.entries(report.routes).map(([route, r]) => {
        const row = el("tr");
        row.append(el("th", { scope: "row" }, route));
        for (const value of [
          r.requests,
          r.errors,
          percent(r.errors, r.requests),
          r.latency_ms.p50,
          r.latency_ms.p95,
          r.latency_ms.p99,
        ])
          row.append(el("td", { class: "num" }, typeof value === "number" ? fmt(value) : value));
        return row;
      }),
    );
  }

  function setState(state, title, detail) {
    $("state").dataset.state = state;
    $("state-title").textContent = title;
    $("state-detail").textContent = detail;
  }

  /** The headline, in the words of status-words.js. */
  function showState(report) {
    const { state, title, detail } = window.devhubWords.overallState(report);
    setState(state, title, detail);
  }

  let timer;
  async function refresh() {
    clearTimeout(timer);
    try {
      const { status, body } = await api("/stats");
      if (status === 401 || status === 403) {
        $("token-form").hidden = false;
        $("token-error").textContent = token.get() ? "That token may not read statistics." : "";
        token.clear();
        $("updated").textContent = "Waiting for a token.";
        return;
      }
      if (status !== 200) throw new Error(body?.detail ?? `HTTP ${status}`);
      $("token-form").hidden = true;
      drawTables(body);
      drawTimeline(body);
      drawRouteRates(body);
      showState(body);
      $("updated").textContent = `Updated ${hhmmss(Date.now() / 1000)}, every ${refreshMs / 1000} s`;
    } catch (error) {
      setState("unknown", "Status unknown", `This page could not load /stats (${error.message}); retrying.`);
      $("updated").textContent = `Could not load /stats: ${error.message}. Retrying.`;
    }
    timer = setTimeout(refresh, refreshMs);
  }

  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    token.set($("token").value.trim());
    $("token").value = "";
    refresh();
  });
  // Chart colours come from the CSS variables: rebuild the charts when the scheme flips.
  onSchemeChange(() => {
    for (const id of Object.keys(charts)) {
      charts[id].plot.destroy();
      delete charts[id];
    }
    refresh();
  });
  new ResizeObserver(() => {
    for (const [id, { plot }] of Object.entries(charts))
      plot.setSize({ width: Math.max(280, $(id).clientWidth), height: 220 });
  }).observe(root);
  refresh();
})();
