/* Clients list: search-box suggestions from the coach's own clients (autocomplete). */
(function () {
  "use strict";
  const input = document.getElementById("client-search");
  const list = document.getElementById("client-suggestions");
  if (!input || !list) return;
  let timer = null;
  let lastQuery = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(async function () {
      const query = input.value.trim();
      if (query.length < 2 || query === lastQuery) return;
      lastQuery = query;
      const response = await fetch(input.dataset.url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const data = await response.json();
      list.replaceChildren(
        ...data.results.map(function (r) {
          const option = document.createElement("option");
          option.value = r.name;
          option.label = r.email;
          return option;
        })
      );
    }, 200);
  });
})();
