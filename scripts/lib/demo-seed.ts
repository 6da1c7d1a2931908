/**
 * Demo data for `npm run demo`, written through the API itself (so it is exactly what a user
 * could have made): three accounts, a few notes each, and polls of every kind with votes.
 * Re-running is safe: accounts that exist are logged into, and the ids of what was made are
 * kept in .data/demo.json, so a note or poll that still exists is not made again.
 */
import { readFile, writeFile } from "node:fs/promises";

/** Local-only credentials, printed for the person running the demo. */
export const DEMO_PASSWORD = "demo-Lantern-73-harbour";
export const DEMO_ACCOUNTS = [
  { email: "ada@demo.devhub.test", display_name: "Ada (demo)" },
  { email: "grace@demo.devhub.test", display_name: "Grace (demo)" },
  { email: "linus@demo.devhub.test", display_name: "Linus (demo)" },
];

const NOTES = [
  {
    title: "Welcome to devhub notes",
    content: "Notes are **Markdown**. Tag them, pin them, search them, and restore them from the trash.",
    tags: ["welcome", "howto"],
    pinned: true,
  },
  { title: "Release checklist", content: "- [ ] tests green\n- [ ] changelog\n- [ ] tag", tags: ["work"] },
  { title: "Reading list", content: "Designing Data-Intensive Applications", tags: ["books"] },
];

const choices = (...labels: string[]) => labels.map((label) => ({ label }));
/** One poll of each kind: single and multiple choice, account and anonymous voters, each visibility. */
const POLLS = [
  {
    title: "Team lunch on Friday",
    description: "Two questions: one pick, then up to two extras.",
    voters: "authenticated",
    results_visibility: "always",
    questions: [
      { prompt: "Where?", kind: "single", choices: choices("Pizza", "Sushi", "Tacos") },
      {
        prompt: "Extras?",
        kind: "multiple",
        max_selections: 2,
        choices: choices("Drinks", "Dessert", "Salad"),
      },
    ],
  },
  {
    title: "Which editor do you use?",
    description: "Anonymous: one vote per browser. Results show after you vote.",
    voters: "anonymous",
    results_visibility: "after_vote",
    max_votes_per_ip: 1000,
    questions: [
      { prompt: "Your main editor", kind: "single", choices: choices("VS Code", "Vim", "Emacs", "Zed") },
    ],
  },
  {
    title: "Conference talk topics",
    description: "Pick up to three; results are open to everyone.",
    voters: "anonymous",
    results_visibility: "always",
    max_votes_per_ip: 1000,
    questions: [
      {
        prompt: "Topics",
        kind: "multiple",
        max_selections: 3,
        choices: choices("Edge computing", "Postgres", "Testing", "Accessibility", "Security"),
      },
    ],
  },
];

interface Poll {
  id: string;
  voters: string;
  questions: Array<{ id: string; kind: string; choices: Array<{ id: string }> }>;
}
interface DemoState {
  notes: Record<string, string[]>;
  polls: string[];
}

async function call(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
) {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? "GET",
    headers: {
      Accept: "application/json",
      ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
      ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function expect(
  what: string,
  answer: Promise<{ status: number; body: Record<string, unknown> }>,
  ok: number[],
) {
  const { status, body } = await answer;
  if (!ok.includes(status)) throw new Error(`${what}: HTTP ${status} ${JSON.stringify(body)}`);
  return body;
}

/** Registers the account, or logs in when it already exists; returns an access token. */
async function signIn(base: string, account: (typeof DEMO_ACCOUNTS)[number]): Promise<string> {
  const registered = await call(base, "/auth/register", {
    method: "POST",
    body: { ...account, password: DEMO_PASSWORD },
  });
  if (registered.status === 201) return String(registered.body.access_token);
  const body = await expect(
    `log in ${account.email}`,
    call(base, "/auth/login", { method: "POST", body: { email: account.email, password: DEMO_PASSWORD } }),
    [200],
  );
  return String(body.access_token);
}

/** The stored ids that still answer 200 (the database may have been reset since). */
async function stillThere(base: string, token: string, paths: string[]): Promise<boolean> {
  if (paths.length === 0) return false;
  for (const path of paths) if ((await call(base, path, { token })).status !== 200) return false;
  return true;
}

/** Each voter picks by a fixed pattern, so the bars differ but re-runs pick the same. */
function ballot(poll: Poll, voter: number) {
  return {
    answers: poll.questions.map((question, index) => {
      const first = (voter + index) % question.choices.length;
      const picks = question.kind === "multiple" ? [first, (first + 1) % question.choices.length] : [first];
      return { question_id: question.id, choice_ids: picks.map((pick) => question.choices[pick]?.id) };
    }),
  };
}

export interface DemoSeed {
  polls: string[];
}

export async function seedDemo(base: string, stateFile: string): Promise<DemoSeed> {
  const state: DemoState = JSON.parse(
    await readFile(stateFile, "utf8").catch(() => '{"notes":{},"polls":[]}'),
  );
  const tokens = [];
  for (const account of DEMO_ACCOUNTS) tokens.push(await signIn(base, account));
  const [owner = ""] = tokens;

  for (const [index, account] of DEMO_ACCOUNTS.entries()) {
    const token = tokens[index] ?? "";
    const kept = state.notes[account.email] ?? [];
    if (
      await stillThere(
        base,
        token,
        kept.map((id) => `/notes/${id}`),
      )
    )
      continue;
    const made = [];
    for (const note of NOTES.slice(0, 3 - index)) {
      const body = await expect(
        "create note",
        call(base, "/notes", { method: "POST", token, body: note }),
        [201],
      );
      made.push(String(body.id));
    }
    state.notes[account.email] = made;
  }

  if (
    !(await stillThere(
      base,
      owner,
      state.polls.map((id) => `/polls/${id}`),
    ))
  ) {
    state.polls = [];
    for (const definition of POLLS) {
      const poll = (await expect(
        "create poll",
        call(base, "/polls", { method: "POST", token: owner, body: definition }),
        [201],
      )) as unknown as Poll;
      state.polls.push(poll.id);
      // Account polls: every demo account votes once. Anonymous ones: seven browsers (no cookie each).
      const voters = poll.voters === "authenticated" ? tokens.length : 7;
      for (let voter = 0; voter < voters; voter += 1) {
        const token = poll.voters === "authenticated" ? tokens[voter] : undefined;
        await expect(
          "vote",
          call(base, `/polls/${poll.id}/votes`, { method: "POST", token, body: ballot(poll, voter) }),
          [200, 201],
        );
      }
    }
  }
  await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  return { polls: state.polls };
}
