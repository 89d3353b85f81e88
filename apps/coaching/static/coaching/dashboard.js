/* Client dashboard charts (Chart.js + Luxon adapter + annotation plugin, served locally).
 * Every chart reads one JSON endpoint of /coach/; times are drawn in the client's zone. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("dashboard-config").textContent);
  const tz = config.timezone;
  const DateTime = luxon.DateTime;
  const charts = {};
  const COMPONENTS = {
    fasting: ["Fasting", "#1f6feb"],
    amino_acids: ["Amino acids", "#8250df"],
    energy: ["Energy", "#1a7f37"],
    glycemia: ["Glycemia", "#d9480f"],
    exercise: ["Exercise", "#0a8a8a"],
  };
  const MINUTE = 60 * 1000;

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.animation = false; // instant redraws: printing and tests see final charts

  async function getJSON(url) {
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(url + " answered " + response.status);
    return response.json();
  }

  function draw(id, chartConfig) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart(document.getElementById(id), chartConfig);
    return charts[id];
  }

  function showError(id, error) {
    const canvas = document.getElementById(id);
    const note = document.createElement("p");
    note.className = "error";
    note.textContent = "Could not load this chart (" + error.message + ").";
    canvas.parentElement.after(note);
    document.body.dataset.chartsError = "true";
  }

  function shortDate(iso) {
    return DateTime.fromISO(iso).toFormat("d LLL");
  }

  /* ------------------------------------------------------------ glucose trace */
  let glucoseRange = "day";

  async function loadGlucose() {
    const end = document.getElementById("glucose-end").value || config.today;
    const data = await getJSON(config.urls.glucose + "?range=" + glucoseRange + "&end=" + end);
    const annotations = {
      inRange: {
        type: "box", yMin: 70, yMax: 180, borderWidth: 0, drawTime: "beforeDatasetsDraw",
        backgroundColor: "rgba(26,127,55,0.07)",
      },
    };
    data.fasts.forEach(function (fast, i) {
      annotations["fast" + i] = {
        type: "box", xMin: fast.start, xMax: fast.end, borderWidth: 0,
        drawTime: "beforeDatasetsDraw", backgroundColor: "rgba(31,111,235,0.13)",
        label: {
          display: glucoseRange !== "14d", content: "fast " + fast.hours + " h",
          position: { x: "start", y: "start" }, font: { size: 10 }, color: "#1f4fa0",
          backgroundColor: "rgba(255,255,255,0)",
        },
      };
    });
    const gapMs = Math.max(20, 2 * (data.bucket_minutes || 5)) * MINUTE;
    draw("chart-glucose", {
      type: "line",
      data: {
        datasets: [
          {
            label: "Glucose (mg/dL)",
            data: data.points.map(function (p) { return { x: p[0], y: p[1] }; }),
            borderColor: "#14202e", borderWidth: 1.5, pointRadius: 0, tension: 0.15,
            spanGaps: gapMs,
          },
          {
            label: "Meals", type: "scatter",
            data: data.meals.map(function (m) { return { x: m.t, y: 48, meal: m }; }),
            pointStyle: "triangle", pointRadius: 7, pointHoverRadius: 9,
            backgroundColor: "#d9480f", borderColor: "#d9480f",
          },
        ],
      },
      options: {
        normalized: true,
        interaction: { mode: "nearest", intersect: false },
        scales: {
          x: {
            type: "time", min: data.start, max: data.end,
            adapters: { date: { zone: tz } },
            ticks: { maxTicksLimit: 14 },
            time: {
              unit: glucoseRange === "day" ? "hour" : "day",
              tooltipFormat: "ccc d LLL, HH:mm",
              displayFormats: { hour: "HH:mm", day: "ccc d LLL" },
            },
          },
          y: { min: 40, suggestedMax: 220, title: { display: true, text: "mg/dL" } },
        },
        plugins: {
          legend: { display: false },
          annotation: { annotations: annotations },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                const meal = ctx.raw.meal;
                if (meal) {
                  const protein = meal.protein_g === null ? "–" : meal.protein_g;
                  return (meal.name || "Meal") + ": " + meal.kcal + " kcal, " + protein + " g protein";
                }
                return ctx.parsed.y + " mg/dL";
              },
            },
          },
        },
      },
    });
    const note = document.getElementById("glucose-note");
    note.textContent = " · " + data.readings + " readings" +
      (data.bucket_minutes ? " (drawn as " + data.bucket_minutes + "-minute buckets)" : "");
    document.body.dataset.glucoseRange = glucoseRange;
  }

  /* ------------------------------------------------------------ AGP */
  async function loadAgp() {
    const data = await getJSON(config.urls.agp + "?days=" + config.metricsDays);
    const series = function (key) { return data.bins.map(function (b) { return b[key]; }); };
    const line = function (label, key, extra) {
      return Object.assign({
        label: label, data: series(key), pointRadius: 0, borderWidth: 1, tension: 0.3,
        spanGaps: true, fill: false,
      }, extra);
    };
    draw("chart-agp", {
      type: "line",
      data: {
        labels: data.bins.map(function (b) { return b.time; }),
        datasets: [
          line("5th", "p5", { borderColor: "#9db8e6", borderDash: [4, 3] }),
          line("95th", "p95", {
            borderColor: "#9db8e6", borderDash: [4, 3], fill: 0,
            backgroundColor: "rgba(31,111,235,0.10)",
          }),
          line("25th", "p25", { borderColor: "#5b8fe0" }),
          line("75th", "p75", {
            borderColor: "#5b8fe0", fill: 2, backgroundColor: "rgba(31,111,235,0.25)",
          }),
          line("Median", "p50", { borderColor: "#14202e", borderWidth: 2.5 }),
        ],
      },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { maxTicksLimit: 9, autoSkip: true } },
          y: { min: 40, suggestedMax: 250, title: { display: true, text: "mg/dL" } },
        },
        plugins: {
          legend: { labels: { boxWidth: 12 } },
          annotation: {
            annotations: {
              low: { type: "line", yMin: 70, yMax: 70, borderColor: "#c62828", borderWidth: 1 },
              high: { type: "line", yMin: 180, yMax: 180, borderColor: "#b26a00", borderWidth: 1 },
            },
          },
        },
      },
    });
  }

  /* ------------------------------------------------------------ daily charts */
  let dailyDays = 30;

  function onDayClick(dates) {
    return function (event, elements, chart) {
      const hits = chart.getElementsAtEventForMode(event, "index", { intersect: false }, true);
      if (hits.length) openDay(dates[hits[0].index]);
    };
  }

  async function loadDaily() {
    const data = await getJSON(config.urls.daily + "?days=" + dailyDays);
    const labels = data.dates.map(shortDate);
    const click = onDayClick(data.dates);
    const common = {
      onClick: click,
      interaction: { mode: "index", intersect: false },
      scales: { x: { ticks: { maxTicksLimit: 16, autoSkip: true } } },
    };
    const componentSets = Object.keys(data.components).map(function (key) {
      const meta = COMPONENTS[key] || [key, "#888"];
      return {
        label: meta[0], data: data.components[key], backgroundColor: meta[1], stack: "parts",
      };
    });
    draw("chart-score", {
      type: "bar",
      data: {
        labels: labels,
        datasets: componentSets.concat([{
          type: "line", label: "Score", data: data.score, stack: "total", borderColor: "#14202e",
          backgroundColor: "#14202e", borderWidth: 1.5, pointRadius: 2, spanGaps: false,
        }]),
      },
      options: Object.assign({}, common, {
        scales: {
          x: { stacked: true, ticks: { maxTicksLimit: 16, autoSkip: true } },
          y: { stacked: true, min: 0, max: 100, title: { display: true, text: "score" } },
        },
        plugins: { legend: { labels: { boxWidth: 12 } } },
      }),
    });
    const target = data.target_hours;
    draw("chart-fasting", {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          {
            label: "Fasted hours", data: data.fasted_hours,
            backgroundColor: data.fasted_hours.map(function (h) {
              return h >= target ? "#1f6feb" : "#a9c4f5";
            }),
          },
          {
            type: "line", label: "Target (" + target + " h)",
            data: data.dates.map(function () { return target; }),
            borderColor: "#c62828", borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0,
          },
        ],
      },
      options: Object.assign({}, common, {
        scales: {
          x: common.scales.x,
          y: { min: 0, suggestedMax: Math.max(24, target + 2), title: { display: true, text: "hours" } },
        },
        plugins: { legend: { labels: { boxWidth: 12 } } },
      }),
    });
    draw("chart-nutrition", {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          { label: "kcal", data: data.kcal, backgroundColor: "#f4a261", yAxisID: "y" },
          {
            type: "line", label: "Protein (g)", data: data.protein_g, yAxisID: "y1",
            borderColor: "#8250df", backgroundColor: "#8250df", pointRadius: 2, borderWidth: 1.5,
          },
        ],
      },
      options: Object.assign({}, common, {
        scales: {
          x: common.scales.x,
          y: { min: 0, title: { display: true, text: "kcal" } },
          y1: {
            min: 0, position: "right", grid: { drawOnChartArea: false },
            title: { display: true, text: "protein g" },
          },
        },
        plugins: { legend: { labels: { boxWidth: 12 } } },
      }),
    });
    document.body.dataset.dailyDays = String(dailyDays);
  }

  /* ------------------------------------------------------------ day timeline */
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text; // never innerHTML: user text
    if (className) node.className = className;
    return node;
  }

  function clock(iso) {
    return iso ? DateTime.fromISO(iso, { zone: tz }).toFormat("HH:mm") : "now";
  }

  function column(title, items) {
    const box = el("div");
    box.append(el("h3", title));
    const list = el("ul");
    (items.length ? items : ["–"]).forEach(function (item) { list.append(el("li", item)); });
    box.append(list);
    return box;
  }

  async function openDay(date) {
    const url = config.urls.day.replace(config.today + ".json", date + ".json");
    const day = await getJSON(url);
    const section = document.getElementById("day-section");
    document.getElementById("day-title").textContent =
      DateTime.fromISO(day.date).toFormat("cccc d LLLL yyyy");
    const fasts = day.fasts.map(function (f) {
      return clock(f.day_start) + " → " + (f.ongoing && !f.ended_at ? "ongoing" : clock(f.day_end)) +
        " (" + f.hours_in_day + " h this day, " + f.protocol + ")";
    });
    fasts.push("Fasted in total: " + day.fasted_hours + " h of " + day.hours + " h");
    const meals = day.meals.map(function (m) {
      const protein = m.protein_g === null ? "–" : m.protein_g;
      return clock(m.eaten_at) + " " + (m.name || "Meal") + " — " + Math.round(m.kcal) +
        " kcal, " + protein + " g protein";
    });
    const g = day.glucose || {};
    const summary = [
      "Energy " + day.totals.kcal + " kcal, protein " + day.totals.protein_g + " g, carbs " +
        day.totals.carbs_g + " g, fat " + day.totals.fat_g + " g",
      "Glucose: " + (g.readings || 0) + " readings" +
        (g.mean_mgdl != null ? ", mean " + g.mean_mgdl + " mg/dL, TIR " + g.tir_percent + " %" : ""),
    ];
    if (day.score && day.score.has_data) {
      summary.push("Score " + (day.score.score == null ? "–" : day.score.score) + " (confidence " +
        day.score.confidence + ", " + day.score.status + ")");
    } else {
      summary.push("No score for this day yet");
    }
    day.flags.forEach(function (f) { summary.push("Flag " + f.code + " (" + f.severity + ")"); });
    const grid = el("div", null, "day-grid");
    grid.append(column("Fasting", fasts), column("Meals", meals), column("Summary", summary));
    document.getElementById("day-body").replaceChildren(grid);
    section.hidden = false;
    section.dataset.date = day.date;
    section.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }

  /* ------------------------------------------------------------ wiring */
  function segmented(selector, attribute, onPick) {
    document.querySelectorAll(selector).forEach(function (button) {
      button.addEventListener("click", function () {
        document.querySelectorAll(selector).forEach(function (b) { b.classList.remove("active"); });
        button.classList.add("active");
        onPick(button.getAttribute(attribute));
      });
    });
  }

  segmented("[data-range]", "data-range", function (value) {
    glucoseRange = value;
    loadGlucose().catch(function (e) { showError("chart-glucose", e); });
  });
  segmented("[data-days]", "data-days", function (value) {
    dailyDays = Number(value);
    loadDaily().catch(function (e) { showError("chart-score", e); });
  });
  document.getElementById("glucose-end").addEventListener("change", function () {
    loadGlucose().catch(function (e) { showError("chart-glucose", e); });
  });
  document.getElementById("day-close").addEventListener("click", function () {
    document.getElementById("day-section").hidden = true;
  });
  document.getElementById("print-btn").addEventListener("click", function () { window.print(); });
  // Canvases keep their screen size unless told: resize for the printed page and back.
  window.addEventListener("beforeprint", function () {
    Object.values(charts).forEach(function (c) { c.resize(); });
  });
  window.addEventListener("afterprint", function () {
    Object.values(charts).forEach(function (c) { c.resize(); });
  });

  Promise.all([
    loadGlucose().catch(function (e) { showError("chart-glucose", e); }),
    loadAgp().catch(function (e) { showError("chart-agp", e); }),
    loadDaily().catch(function (e) { showError("chart-score", e); }),
  ]).then(function () { document.body.dataset.chartsReady = "true"; });
})();
