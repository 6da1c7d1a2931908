// /p/:id: the ranking control of ranked questions (poll.ranking.tsx renders one rank <select> per
// choice, which works without script). With script each choice also gets "Move up" / "Move down"
// buttons, the list keeps itself in rank order (ranked first, then the rest as listed), a move is
// announced ("Beta moved to rank 1"), and the ranks are checked before anything is sent.
// The selects stay the one truth: the buttons only change their values.
window.devhub.pollRanking = (form) => {
  const { el } = window.devhub;
  const fieldsets = () => [...(form?.querySelectorAll('fieldset[data-kind="ranked"]') ?? [])];
  const rows = (fieldset) => [...fieldset.querySelectorAll(".rank-row")];
  const selectOf = (row) => row.querySelector("select");
  const labelOf = (row) => row.querySelector("label").textContent;
  const rankOf = (row) => Number(selectOf(row).value) || undefined;
  const limitOf = (fieldset) => Number(fieldset.dataset.max);
  // The question's own order (data-position), among unranked choices and equal ranks.
  const listed = (row) => Number(row.dataset.position);

  let announcer = null;
  function announce(text) {
    if (!announcer) {
      announcer = el("p", { class: "sr-only", "aria-live": "polite", id: "rank-announce" });
      form.append(announcer);
    }
    // Cleared first, so the same words twice in a row are still spoken.
    announcer.textContent = "";
    setTimeout(() => {
      announcer.textContent = text;
    }, 50);
  }

  /** Ranked rows first, by rank; then the others in the question's order. Focus stays put. */
  function sort(fieldset) {
    const focused = document.activeElement;
    const list = fieldset.querySelector(".ranking");
    const order = rows(fieldset).sort(
      (a, b) =>
        (rankOf(a) ?? Number.POSITIVE_INFINITY) - (rankOf(b) ?? Number.POSITIVE_INFINITY) ||
        listed(a) - listed(b),
    );
    for (const row of order) list.append(row);
    if (focused instanceof HTMLElement && document.activeElement !== focused) focused.focus();
    updateButtons(fieldset);
  }

  function updateButtons(fieldset) {
    const limit = limitOf(fieldset);
    const highest = Math.max(0, ...rows(fieldset).map((row) => rankOf(row) ?? 0));
    for (const row of rows(fieldset)) {
      const rank = rankOf(row);
      const disabled = selectOf(row).disabled;
      row.querySelector("[data-move=up]").disabled = disabled || rank === 1 || (!rank && highest >= limit);
      row.querySelector("[data-move=down]").disabled = disabled || !rank;
    }
  }

  /**
   * Up: swaps with the choice ranked just above (an unranked choice takes the next free rank).
   * Down: swaps with the choice ranked just below; the lowest-ranked choice becomes unranked.
   */
  function move(fieldset, row, direction) {
    const rank = rankOf(row);
    const holder = (wanted) => rows(fieldset).find((other) => rankOf(other) === wanted);
    const highest = Math.max(0, ...rows(fieldset).map((other) => rankOf(other) ?? 0));
    let next;
    if (direction === "up") next = rank ? rank - 1 : highest + 1;
    else next = rank && rank < highest ? rank + 1 : undefined;
    if (next !== undefined && (next < 1 || next > limitOf(fieldset))) return;
    const displaced = next === undefined ? undefined : holder(next);
    if (displaced && displaced !== row) selectOf(displaced).value = rank ? String(rank) : "";
    selectOf(row).value = next === undefined ? "" : String(next);
    clearError(fieldset);
    sort(fieldset);
    const button = row.querySelector(`[data-move=${direction}]`);
    const other = row.querySelector(`[data-move=${direction === "up" ? "down" : "up"}]`);
    (button.disabled ? (other.disabled ? selectOf(row) : other) : button).focus();
    announce(
      next === undefined ? `${labelOf(row)} is no longer ranked.` : `${labelOf(row)} moved to rank ${next}.`,
    );
  }

  function enhance(fieldset) {
    for (const row of rows(fieldset)) {
      const label = labelOf(row);
      const buttons = el("span", { class: "rank-moves" });
      for (const [direction, words] of [
        ["up", "Move up"],
        ["down", "Move down"],
      ]) {
        const button = el("button", { type: "button", class: "secondary", "data-move": direction }, words);
        button.setAttribute("aria-label", `${words}: ${label}`);
        button.addEventListener("click", () => move(fieldset, row, direction));
        buttons.append(button);
      }
      row.append(buttons);
      selectOf(row).addEventListener("change", () => {
        clearError(fieldset);
        sort(fieldset);
      });
    }
    sort(fieldset);
  }

  const errorOf = (fieldset) => fieldset.querySelector(".field-error");
  function describe(fieldset, withError) {
    const hint = `rank-hint-${fieldset.dataset.question}`;
    for (const row of rows(fieldset))
      selectOf(row).setAttribute("aria-describedby", withError ? `${hint} ${errorOf(fieldset).id}` : hint);
  }
  function clearError(fieldset) {
    errorOf(fieldset).hidden = true;
    errorOf(fieldset).textContent = "";
    for (const row of rows(fieldset)) selectOf(row).removeAttribute("aria-invalid");
    describe(fieldset, false);
  }

  /** What is wrong with the ranks given, in words, and the rows at fault; null when nothing. */
  function problem(fieldset) {
    const ranked = rows(fieldset).filter((row) => rankOf(row));
    if (ranked.length === 0) return { text: "Rank at least one choice.", at: rows(fieldset) };
    const limit = limitOf(fieldset);
    if (ranked.length > limit) return { text: `Rank at most ${limit} choices.`, at: ranked };
    for (const row of ranked) {
      const same = ranked.filter((other) => rankOf(other) === rankOf(row));
      if (same.length > 1)
        return {
          text: `Rank ${rankOf(row)} is given to ${same.map(labelOf).join(" and ")}: give each rank to one choice.`,
          at: same,
        };
    }
    for (let rank = 1; rank <= ranked.length; rank += 1)
      if (!ranked.some((row) => rankOf(row) === rank))
        return { text: `Rank ${rank} is missing: use ranks 1, 2, 3… without gaps.`, at: ranked };
    return null;
  }

  /**
   * The ranked questions' answers (choice ids, first preference first), or null after showing
   * each question's problem next to it (the first faulty select gets the focus).
   */
  function answers() {
    const result = new Map();
    let firstFault = null;
    for (const fieldset of fieldsets()) {
      clearError(fieldset);
      const found = problem(fieldset);
      if (found) {
        errorOf(fieldset).textContent = found.text;
        errorOf(fieldset).hidden = false;
        describe(fieldset, true);
        for (const row of found.at) selectOf(row).setAttribute("aria-invalid", "true");
        firstFault ??= selectOf(found.at[0]);
        continue;
      }
      const ranked = rows(fieldset).filter((row) => rankOf(row));
      ranked.sort((a, b) => rankOf(a) - rankOf(b));
      result.set(
        fieldset.dataset.question,
        ranked.map((row) => row.dataset.choice),
      );
    }
    firstFault?.focus();
    return firstFault ? null : result;
  }

  /** Puts `ids` (first preference first) into the question's selects; the rest unranked. */
  function set(fieldset, ids) {
    for (const row of rows(fieldset)) {
      const at = ids.indexOf(row.dataset.choice);
      selectOf(row).value = at >= 0 ? String(at + 1) : "";
    }
    clearError(fieldset);
    sort(fieldset);
  }

  /** The voter's counted ranking as a list of its own (ids, or null for none). */
  function showOwn(fieldset, ids) {
    const box = fieldset.querySelector(".own-ranking");
    const labels = new Map(rows(fieldset).map((row) => [row.dataset.choice, labelOf(row)]));
    box.querySelector("ol").replaceChildren(...(ids ?? []).map((id) => el("li", {}, labels.get(id) ?? "")));
    box.hidden = !ids?.length;
  }

  /** Shows a ballot's ranked answers (or none) in the lists and the selects. */
  function showBallot(ballot) {
    for (const fieldset of fieldsets()) {
      const ids = ballot?.answers.find(
        (answer) => answer.question_id === fieldset.dataset.question,
      )?.choice_ids;
      showOwn(fieldset, ids);
      if (ballot) set(fieldset, ids ?? []);
    }
  }

  /** After the form's controls were enabled or disabled: the move buttons follow their selects. */
  const refresh = () => {
    for (const fieldset of fieldsets()) updateButtons(fieldset);
  };

  for (const fieldset of fieldsets()) enhance(fieldset);
  const clear = () => {
    for (const fieldset of fieldsets()) set(fieldset, []);
  };
  return { answers, showBallot, refresh, clear };
};
