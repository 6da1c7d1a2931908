// /p/:id: a ranked question's instant-runoff count, rebuilt when results change. The server
// renders the same markup first (src/routes/pages/poll.runoff.tsx): keep the two in step.
window.devhub.runoffView = (question) => {
  const { el } = window.devhub;
  const ranked = question.ranked;
  const labels = new Map(question.choices.map((choice) => [choice.id, choice.label]));
  const label = (id) => labels.get(id) ?? "";
  const last = ranked.rounds.at(-1);
  const TIE_BREAK_WORDS = {
    earlier_rounds: "by the earlier rounds' counts",
    position: "by the choices' order (the one listed last was dropped)",
  };

  let outcome;
  if (ranked.outcome === "no_ballots") outcome = "No ballots yet: no winner.";
  else if (ranked.outcome === "tie")
    outcome = `Tie between ${ranked.tied.map(label).join(" and ")} after round ${last?.round}: no winner.`;
  else {
    const votes = last?.counts.find((count) => count.choice_id === ranked.winner)?.votes ?? 0;
    outcome = `Winner: ${label(ranked.winner)}, with ${votes} of ${last?.continuing_ballots} continuing ballots in round ${last?.round}.`;
  }
  const settled = ranked.rounds
    .filter((round) => round.tie_break)
    .map(
      (round) => `Round ${round.round}: a tie for fewest was settled ${TIE_BREAK_WORDS[round.tie_break]}.`,
    );
  const caption = [
    "Instant-runoff rounds. A tie for fewest votes is settled by the earlier rounds' counts, then by the choices' order.",
    ...(settled.length ? settled : ["No tie needed settling."]),
  ].join(" ");

  const captionId = `runoff-${question.id}`;
  const table = el("table");
  const head = el("tr");
  head.append(el("th", { scope: "col" }, "Round"));
  for (const choice of question.choices) head.append(el("th", { scope: "col" }, choice.label));
  head.append(el("th", { scope: "col" }, "Exhausted"), el("th", { scope: "col" }, "Eliminated"));
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  for (const round of ranked.rounds) {
    const votes = new Map(round.counts.map((count) => [count.choice_id, count.votes]));
    const row = el("tr");
    row.append(el("th", { scope: "row" }, round.round));
    for (const choice of question.choices)
      row.append(el("td", { class: "num" }, votes.get(choice.id) ?? "—"));
    row.append(
      el("td", { class: "num" }, round.exhausted_ballots),
      el("td", {}, round.eliminated ? label(round.eliminated) : "—"),
    );
    body.append(row);
  }
  table.append(el("caption", { id: captionId }, caption), thead, body);
  const scroll = el("div", {
    class: "runoff-scroll",
    tabindex: 0,
    role: "region",
    "aria-labelledby": captionId,
  });
  scroll.append(table);
  const view = el("div", { class: "runoff", "data-outcome": ranked.outcome });
  view.append(el("p", { class: "runoff-outcome" }, outcome), scroll);
  return view;
};
