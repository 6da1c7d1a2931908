/**
 * For the poll page's browser checks: which update path the page runs (its visible
 * #live-status and data-mode), and a count of the results it fetches over HTTP, so a test
 * can show an update arrived over the WebSocket and not by the polling fallback.
 */
import type { Page } from "playwright-core";

export const liveMode = (page: Page) => page.locator("#live-status").getAttribute("data-mode");

export const meterValue = (page: Page, label: string) =>
  page.locator(`#results li:has(.label:text-is("${label}")) meter`).getAttribute("value");

/** Counts GET /polls/{id}/results requests the page makes from now on. */
export async function countResultReads(page: Page, pollId: string): Promise<{ readonly count: number }> {
  const reads = { count: 0 };
  await page.route(`**/polls/${pollId}/results`, (route) => {
    reads.count += 1;
    return route.continue();
  });
  return reads;
}

/**
 * Another client's vote through the JSON API (first choice of every question): with the
 * token, or as an API client without one, which reads the poll first for its voter cookie.
 */
export async function voteFirstChoices(
  base: string,
  poll: { id: string; questions: Array<{ id: string; choices: Array<{ id: string }> }> },
  token?: string,
): Promise<number> {
  let credentials: Record<string, string>;
  if (token) credentials = { Authorization: `Bearer ${token}` };
  else {
    const visit = await fetch(`${base}/polls/${poll.id}`);
    await visit.arrayBuffer();
    credentials = { Cookie: (visit.headers.get("set-cookie") ?? "").split(";")[0] as string };
  }
  const response = await fetch(`${base}/polls/${poll.id}/votes`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...credentials },
    body: JSON.stringify({
      answers: poll.questions.map((question) => ({
        question_id: question.id,
        choice_ids: [question.choices[0]?.id],
      })),
    }),
  });
  await response.arrayBuffer();
  return response.status;
}
