// /gh/:username: sorts and filters the server-rendered repository table in place (the same
// links work without script through ?sort= and ?language=), and draws the language chart.
(() => {
  const { palette, onSchemeChange } = window.devhub;
  document.documentElement.classList.add("js");
  const table = document.getElementById("repos");
  const body = table.tBodies[0];
  const select = document.getElementById("language");
  const count = document.getElementById("repo-count");
  const params = new URLSearchParams(location.search);
  let sort = params.get("sort") || "stars";

  const compare = {
    stars: (a, b) => Number(b.dataset.stars) - Number(a.dataset.stars),
    updated: (a, b) =>
      a.dataset.updated < b.dataset.updated ? 1 : a.dataset.updated > b.dataset.updated ? -1 : 0,
    name: (a, b) => (a.dataset.name < b.dataset.name ? -1 : a.dataset.name > b.dataset.name ? 1 : 0),
  };

  function apply() {
    const rows = [...body.rows];
    rows.sort((a, b) => compare[sort](a, b) || compare.name(a, b));
    const language = select.value;
    let shown = 0;
    for (const row of rows) {
      row.hidden = language !== "" && row.cells[1].dataset.language !== language;
      if (!row.hidden) shown += 1;
    }
    body.replaceChildren(...rows);
    for (const link of table.querySelectorAll("a.sort")) {
      const th = link.closest("th");
      if (link.dataset.sort === sort)
        th.setAttribute("aria-sort", sort === "name" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
    count.textContent = `${shown} shown, sorted by ${sort}`;
    const next = new URLSearchParams({ sort });
    if (language) next.set("language", language);
    history.replaceState(null, "", `?${next}`);
  }

  for (const link of table.querySelectorAll("a.sort")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      sort = link.dataset.sort;
      apply();
    });
  }
  select.addEventListener("change", apply);

  // The language breakdown as bars: x is the language's index, its name is the tick label.
  const languages = JSON.parse(document.getElementById("language-data").textContent);
  const container = document.getElementById("chart-languages");
  if (languages.length === 0) {
    container.textContent = "No languages to show.";
    return;
  }
  let plot;
  function draw() {
    plot?.destroy();
    const colours = palette();
    const axis = { stroke: colours.text, grid: { stroke: colours.grid }, ticks: { stroke: colours.grid } };
    plot = new uPlot(
      {
        width: Math.max(280, container.clientWidth),
        height: 220,
        scales: {
          x: { time: false, range: [-0.5, languages.length - 0.5] },
          y: { range: (_u, _min, max) => [0, max + 1] },
        },
        axes: [
          {
            ...axis,
            splits: () => languages.map((_, index) => index),
            values: (_u, ticks) => ticks.map((i) => languages[i]?.language ?? ""),
          },
          { ...axis, size: 40 },
        ],
        legend: { show: false },
        cursor: { show: false },
        series: [
          {},
          {
            label: "Repositories",
            fill: colours.series[0],
            stroke: colours.series[0],
            paths: uPlot.paths.bars({ size: [0.6, 80] }),
            points: { show: false },
          },
        ],
      },
      [languages.map((_, index) => index), languages.map((entry) => entry.repositories)],
      container,
    );
  }
  draw();
  onSchemeChange(draw);
  new ResizeObserver(() =>
    plot.setSize({ width: Math.max(280, container.clientWidth), height: 220 }),
  ).observe(container.parentElement);
})();
