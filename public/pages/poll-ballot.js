// /p/:id: the voter's own ballot (GET/PUT/DELETE /polls/:id/votes/mine) and, on invite-only
// polls, the invitation that identifies the voter. poll.js calls window.devhub.pollBallot.
//
// The invitation comes in the link's fragment (/p/:id#invite=dhi_…): a fragment is never sent
// to the server, so it stays out of access logs and of any Referer. `?invite=` is accepted too
// (a link some tool rewrote); either way it is taken out of the address bar at once and kept in
// sessionStorage for this tab only, then sent as the Poll-Invite header.
window.devhub.pollBallot = ({ id, form, say, ranking }) => {
  const { api, problemText, sending } = window.devhub;
  const $ = (name) => document.getElementById(name);
  const KEY = `devhub.invite.${id}`;
  let ballot = null;

  function takeInviteFromLink() {
    const fromHash = new URLSearchParams(location.hash.slice(1)).get("invite");
    const fromQuery = new URLSearchParams(location.search).get("invite");
    const found = fromHash || fromQuery;
    if (found) {
      // Only something shaped like an invitation goes into a header (`dhi_` + base64url).
      if (/^dhi_[A-Za-z0-9_-]{1,100}$/.test(found)) sessionStorage.setItem(KEY, found);
      const url = new URL(location.href);
      url.searchParams.delete("invite");
      if (fromHash) url.hash = "";
      history.replaceState(null, "", url);
    }
    return sessionStorage.getItem(KEY);
  }
  const invite = takeInviteFromLink();

  /** The API, as this voter: bearer token (common.js), voter cookie, and the invitation. */
  const request = (path, options = {}) =>
    api(path, { ...options, headers: { ...(invite ? { "Poll-Invite": invite } : {}), ...options.headers } });

  // An invite-only poll's form is for invitation holders: the note stands in for it otherwise.
  if (form?.dataset.needsInvite !== undefined) {
    form.hidden = !invite;
    $("vote-needs-invite").hidden = Boolean(invite);
  }

  // A ranked question's controls are its rank selects (poll-ranking.js keeps its buttons in step).
  const choiceInputs = () => form?.querySelectorAll("fieldset input, fieldset select") ?? [];

  /** Shows `next` (an OwnBallot, or null for none): its answers checked, and what may be done with it. */
  function show(next) {
    ballot = next;
    if (!form) return;
    const changeable = Boolean(ballot?.can_change);
    if (ballot) {
      const picked = new Set(ballot.answers.flatMap((answer) => answer.choice_ids));
      for (const input of choiceInputs()) input.checked = picked.has(input.value);
    }
    // A ranked answer: listed in rank order, and the selects start from it.
    ranking.showBallot(ballot);
    for (const input of choiceInputs()) input.disabled = Boolean(ballot) && !changeable;
    ranking.refresh();
    $("submit-vote").hidden = Boolean(ballot);
    $("submit-vote").disabled = false;
    $("change-vote").hidden = !changeable;
    $("withdraw-vote").hidden = !changeable;
  }

  /** Reads the voter's ballot; true when the answer was definite (a ballot, or none). */
  async function load() {
    const { status, body } = await request(`/polls/${id}/votes/mine`);
    if (status === 200) show(body);
    else if (status === 404 && /ballot-not-found$/.test(body?.type ?? "")) show(null);
    return status === 200 || status === 404;
  }

  /** The form's answers: a new ballot (POST) or, with one already cast, its replacement (PUT). */
  async function submit(answers) {
    const changing = ballot !== null;
    const { status, body } = await sending(changing ? $("change-vote") : $("submit-vote"), () =>
      request(`/polls/${id}/votes${changing ? "/mine" : ""}`, {
        method: changing ? "PUT" : "POST",
        json: { answers },
      }),
    );
    if (status === 201) {
      say("Your vote was recorded.");
      // Without a readable ballot, nothing more may be sent from this form.
      if (!(await load())) for (const control of form.elements) control.disabled = true;
    } else if (status === 200) {
      say("Your vote was changed.");
      show(body);
    } else if (/invite-required$/.test(body?.type ?? ""))
      // The API's detail speaks of headers: a person needs to know what to do instead.
      say(
        "This invitation was not accepted (revoked, or the link is incomplete): ask the poll's owner for a new link.",
        true,
      );
    else
      say(
        problemText(status, body, changing ? "The change did not go through" : "The vote did not go through"),
        true,
      );
    return status === 201 || status === 200;
  }

  async function withdraw() {
    const { status, body } = await sending($("withdraw-vote"), () =>
      request(`/polls/${id}/votes/mine`, { method: "DELETE" }),
    );
    if (status !== 204) {
      say(problemText(status, body, "The vote could not be withdrawn"), true);
      return false;
    }
    say("Your vote was withdrawn; it no longer counts. You may vote again.");
    for (const input of choiceInputs()) input.checked = false;
    ranking.clear();
    show(null);
    return true;
  }

  return { request, load, submit, withdraw, hasInvite: Boolean(invite) };
};
