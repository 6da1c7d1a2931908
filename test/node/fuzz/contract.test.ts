/**
 * Property-based checks of promises the document makes, on the deployable bundle in workerd:
 * what it allows is taken (dates from year 0001, every UUID form), what the server refuses
 * it says (integer spellings), and one id written in two cases is still one id.
 * Seeded and bounded like fuzz.test.ts (FUZZ_RUNS, FUZZ_SEED).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalWorker, registerAccount } from "../../../scripts/lib/local-worker.ts";
import type { Poll } from "../../../src/routes/polls/polls.schemas.ts";
import { anyUuid } from "./schema-arbitrary.ts";
import { startFuzzWorker } from "./worker.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 12) * 2;
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

let worker: LocalWorker;
let auth: Record<string, string> = {};
let poll: Poll;

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(new URL(path, worker.url), {
    ...init,
    headers: { ...auth, ...(init.headers as Record<string, string>) },
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  worker = await startFuzzWorker();
  auth = { Authorization: `Bearer ${(await registerAccount(worker.url, "contract")).access_token}` };
  const created = await call("/polls", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      title: "contract",
      questions: [
        {
          prompt: "q",
          kind: "multiple",
          max_selections: 3,
          choices: [{ label: "a" }, { label: "b" }, { label: "c" }],
        },
      ],
    }),
  });
  poll = JSON.parse(created.text) as Poll;
}, 60_000);

afterAll(async () => {
  await worker?.stop();
});

const pad = (value: number, width: number) => String(value).padStart(width, "0");

/** RFC 3339 instants in years 0001–1900, with offsets that keep them at or after 0001-01-01. */
const earlyInstant = fc
  .record({
    year: fc.integer({ min: 2, max: 1900 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    seconds: fc.integer({ min: 0, max: 86_399 }),
    offset: fc.constantFrom("Z", "+05:30", "-12:00", "+14:00"),
  })
  .map(
    ({ year, month, day, seconds, offset }) =>
      `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}${offset}`,
  );

/** An integer spelled some way other than plain decimal digits. */
const oddSpelling = fc
  .tuple(
    fc.integer({ min: 1, max: 100 }),
    fc.constantFrom(
      (n: number) => `+${n}`,
      (n: number) => `0${n}`,
      (n: number) => `${n}.0`,
      (n: number) => `${n}e0`,
      (n: number) => ` ${n}`,
      (n: number) => `${n} `,
      (n: number) => `0x${n.toString(16)}`,
      (n: number) => `${n / 100}e2`,
    ),
  )
  .map(([n, spell]) => spell(n));

/** Each hex digit of `id` in upper or lower case, at least one changed. */
const otherCase = (id: string) =>
  fc
    .array(fc.boolean(), { minLength: id.length, maxLength: id.length })
    .map((upper) => [...id].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join(""))
    .filter((spelled) => spelled !== id);

describe("the document's promises, fuzzed", () => {
  it("every date filter takes instants in years 0001–1900", async () => {
    await fc.assert(
      fc.asyncProperty(
        earlyInstant,
        fc.constantFrom("created_after", "created_before", "updated_after", "updated_before"),
        async (instant, filter) => {
          const { status, text } = await call(`/notes?${filter}=${encodeURIComponent(instant)}`);
          expect(status, `${filter}=${instant}: ${text}`).toBe(200);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("every UUID the document allows is an id: unknown ones are 404, never 422", async () => {
    await fc.assert(
      fc.asyncProperty(
        anyUuid,
        fc.constantFrom("/notes/", "/polls/", "/auth/api-keys/"),
        async (id, prefix) => {
          const { status, text } = await call(`${prefix}${id}`);
          expect(status, `${prefix}${id}: ${text}`).toBe(404);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("limit is read in decimal digits only: plain is 200, any other spelling 422", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 100 }),
        oddSpelling,
        fc.constantFrom("/notes", "/polls"),
        async (n, odd, list) => {
          expect((await call(`${list}?limit=${n}`)).status, `${list}?limit=${n}`).toBe(200);
          const { status, text } = await call(`${list}?limit=${encodeURIComponent(odd)}`);
          expect(status, `${list}?limit=${odd}: ${text}`).toBe(422);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  // Fails until the ballot compares ids case-blind (the polls work in progress): a choice id
  // written twice in two cases is counted twice today instead of being refused as a duplicate.
  it("a choice or question id written in two cases is a duplicate (422), as in one case", async () => {
    const question = poll.questions[0] as Poll["questions"][number];
    const choice = question.choices[0]?.id as string;
    const vote = (body: unknown) =>
      call(`/polls/${poll.id}/votes`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const sameCase = await vote({ answers: [{ question_id: question.id, choice_ids: [choice, choice] }] });
    expect(sameCase.status).toBe(422);
    await fc.assert(
      fc.asyncProperty(otherCase(choice), otherCase(question.id), async (choiceSpelled, questionSpelled) => {
        const twice = await vote({
          answers: [{ question_id: question.id, choice_ids: [choice, choiceSpelled] }],
        });
        expect(twice.status, `choice_ids [${choice}, ${choiceSpelled}]: ${twice.text}`).toBe(422);
        const answeredTwice = await vote({
          answers: [
            { question_id: question.id, choice_ids: [choice] },
            { question_id: questionSpelled, choice_ids: [choice] },
          ],
        });
        expect(answeredTwice.status, `question ${questionSpelled}: ${answeredTwice.text}`).toBe(422);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
