import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { bearer } from "../helpers/auth.ts";
import { anonymousBrowser, answersFor, ownerWithPoll, resultsOf } from "../helpers/polls.ts";

const nasty = {
  title: 'Q4 "planning", part 1\nsecond line',
  voters: "anonymous",
  questions: [
    {
      prompt: "=cmd|' /C calc'!A0",
      choices: [
        { label: "+1 agree, strongly" },
        { label: '-"no"' },
        { label: "@SUM(1+1)" },
        { label: "日本語の選択肢" },
      ],
    },
    { prompt: "\tTabbed, question", choices: [{ label: "Ja" }, { label: "Nein\r\nnever" }] },
  ],
};

describe("results CSV", () => {
  it("is RFC 4180 with a BOM and CRLF, matches the JSON results, and neutralises formulas", async () => {
    const { owner, poll } = await ownerWithPoll(nasty);
    for (const picks of [
      [[0], [0]],
      [[0], [1]],
      [[3], [0]],
    ]) {
      const browser = await anonymousBrowser(poll.id);
      expect((await browser.vote(answersFor(poll, picks))).status).toBe(201);
    }
    const response = await api(`/polls/${poll.id}/results.csv`, {
      headers: bearer(owner.tokens.access_token),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="poll-${poll.id}-results.csv"`,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.endsWith("\r\n")).toBe(true);

    const records = parse(text, { bom: true, columns: true, skip_empty_lines: true }) as Array<
      Record<string, string>
    >;
    const json = await resultsOf(poll, owner);
    const expected = json.questions.flatMap((question) =>
      question.choices.map((choice) => ({
        question: question.prompt,
        choice: choice.label,
        votes: choice.votes,
        percent: choice.percent,
      })),
    );
    expect(records).toHaveLength(expected.length);
    const unneutralise = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);
    records.forEach((record, index) => {
      const want = expected[index];
      expect(record.poll).toBe(json.title);
      expect(unneutralise(record.question as string)).toBe(want?.question);
      expect(unneutralise(record.choice as string)).toBe(want?.choice);
      expect(Number(record.votes)).toBe(want?.votes);
      expect(Number(record.percent)).toBe(want?.percent);
    });
    for (const record of records) {
      for (const cell of Object.values(record)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(records[0]?.question).toBe("'=cmd|' /C calc'!A0");
    expect(records[3]?.choice).toBe("日本語の選択肢");
  });

  it("is served for Accept: text/csv on /results too", async () => {
    const { owner, poll } = await ownerWithPoll(nasty);
    const browser = await anonymousBrowser(poll.id);
    await browser.vote(answersFor(poll));
    const csv = await api(`/polls/${poll.id}/results`, {
      headers: { ...bearer(owner.tokens.access_token), Accept: "text/csv" },
    });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("vary")).toContain("Accept");
    const json = await api(`/polls/${poll.id}/results`, { headers: bearer(owner.tokens.access_token) });
    expect(json.headers.get("content-type")).toContain("application/json");
  });
});
