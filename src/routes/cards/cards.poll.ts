/**
 * The poll results card: a poll's live tallies as bars, from the results the polls code
 * builds (polls.results.ts). Which polls may show results at all is decided by the handler
 * through the polls' own visibility rule (cards.handlers.ts).
 */
import type { PollResults } from "../polls/polls.schemas.ts";
import { compact, frame, type Theme, text } from "./cards.svg.ts";

export const MAX_QUESTIONS_SHOWN = 3;
export const MAX_CHOICES_SHOWN = 8;

export function pollCard(results: PollResults, theme: Theme): string {
  const title = text(results.title, 50);
  let y = 56;
  const parts: string[] = [];
  const said: string[] = [];
  for (const question of results.questions.slice(0, MAX_QUESTIONS_SHOWN)) {
    const prompt = text(question.prompt, 60);
    parts.push(`<text class="fg" x="20" y="${y}" font-weight="600">${prompt}</text>`);
    said.push(`${prompt}:`);
    y += 20;
    for (const choice of question.choices.slice(0, MAX_CHOICES_SHOWN)) {
      const label = text(choice.label, 36);
      const width = Math.max(0, Math.min(100, choice.percent)) * 2.2;
      parts.push(
        `<text class="muted" x="20" y="${y + 11}">${label}</text>` +
          `<rect class="track" x="250" y="${y + 2}" width="220" height="10" rx="3"/>` +
          `<rect class="accent" x="250" y="${y + 2}" width="${width.toFixed(1)}" height="10" rx="3"/>` +
          `<text class="fg small" x="480" y="${y + 11}">${choice.percent.toFixed(1)}% (${compact(choice.votes)})</text>`,
      );
      said.push(`${label} ${choice.percent.toFixed(1)}% (${choice.votes} votes);`);
      y += 20;
    }
    const hidden = question.choices.length - MAX_CHOICES_SHOWN;
    if (hidden > 0) {
      parts.push(`<text class="muted small" x="20" y="${y + 11}">and ${hidden} more</text>`);
      y += 20;
    }
    y += 8;
  }
  const status = results.status === "closed" ? "closed" : "open";
  parts.push(
    `<text class="muted small" x="20" y="${y + 6}">${compact(results.total_voters)} voters · ${status}</text>`,
  );
  return frame({
    width: 580,
    height: y + 22,
    theme,
    title: `Poll: ${title}`,
    description: `${said.join(" ")} ${results.total_voters} voters; the poll is ${status}.`,
    body: `<text class="fg title" x="20" y="30">${title}</text>${parts.join("")}`,
  });
}
