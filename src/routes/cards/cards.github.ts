/**
 * The GitHub cards as pure functions of cleaned data: profile stats, top languages and a
 * repository pin. Every outside string goes through `text` (cards.svg.ts), every number
 * through `compact`, every list is capped, so a card's size has a fixed ceiling.
 */
import type { CleanRepo } from "../github/github.schemas.ts";
import { compact, frame, type Theme, text } from "./cards.svg.ts";

export interface StatsCardData {
  login: string;
  name: string | null;
  stars: number;
  forks: number;
  followers: number;
  repositories: number;
}

export function statsCard(data: StatsCardData, theme: Theme): string {
  const who = text(data.name || data.login, 40);
  const rows: Array<[string, number]> = [
    ["Total stars", data.stars],
    ["Times forked", data.forks],
    ["Followers", data.followers],
    ["Own repositories", data.repositories],
  ];
  const body = rows
    .map(
      ([label, value], i) =>
        `<text class="muted" x="20" y="${62 + i * 24}">${label}</text>` +
        `<text class="fg" x="300" y="${62 + i * 24}" text-anchor="end" font-weight="600">${compact(value)}</text>`,
    )
    .join("");
  return frame({
    width: 320,
    height: 160,
    theme,
    title: `${who}'s GitHub stats`,
    description: rows.map(([label, value]) => `${label}: ${value}`).join(", "),
    body: `<text class="fg title" x="20" y="32">${who}'s GitHub stats</text>${body}`,
  });
}

/** Colours of the languages people meet most (GitHub's linguist), others from a small palette. */
const LANGUAGE_COLOURS: Record<string, string> = {
  TypeScript: "#3178c6",
  JavaScript: "#f1e05a",
  Python: "#3572A5",
  Go: "#00ADD8",
  Rust: "#dea584",
  Java: "#b07219",
  C: "#555555",
  "C++": "#f34b7d",
  Shell: "#89e051",
  Ruby: "#701516",
  HTML: "#e34c26",
  CSS: "#663399",
};
const PALETTE = ["#8250df", "#bf3989", "#1a7f37", "#9a6700", "#cf222e", "#0550ae"];

const colourOf = (name: string, index: number) => LANGUAGE_COLOURS[name] ?? PALETTE[index % PALETTE.length];

export const MAX_LANGUAGES_SHOWN = 8;

/** Bytes per language summed over repositories, the largest first, the rest as "Other". */
export function topLanguages(perRepo: Array<Array<[string, number]>>): Array<[string, number]> {
  const totals = new Map<string, number>();
  for (const languages of perRepo)
    for (const [name, bytes] of languages) totals.set(name, (totals.get(name) ?? 0) + bytes);
  const sorted = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = sorted.slice(0, MAX_LANGUAGES_SHOWN - 1);
  const other = sorted.slice(MAX_LANGUAGES_SHOWN - 1).reduce((sum, [, bytes]) => sum + bytes, 0);
  return other > 0 ? [...shown, ["Other", other]] : shown;
}

export function languagesCard(login: string, languages: Array<[string, number]>, theme: Theme): string {
  const total = languages.reduce((sum, [, bytes]) => sum + bytes, 0) || 1;
  const share = (bytes: number) => Math.round((bytes / total) * 1000) / 10;
  let x = 20;
  const bar = languages
    .map(([name, bytes], i) => {
      const width = Math.max(0, (bytes / total) * 280);
      const part = `<rect x="${x.toFixed(1)}" y="46" width="${width.toFixed(1)}" height="8" fill="${colourOf(name, i)}"/>`;
      x += width;
      return part;
    })
    .join("");
  const list = languages
    .map(([name, bytes], i) => {
      const column = i % 2;
      const row = Math.floor(i / 2);
      const lx = 20 + column * 145;
      const ly = 80 + row * 22;
      return (
        `<circle cx="${lx + 5}" cy="${ly - 4}" r="5" fill="${colourOf(name, i)}"/>` +
        `<text class="fg" x="${lx + 15}" y="${ly}">${text(name, 14)} <tspan class="muted">${share(bytes)}%</tspan></text>`
      );
    })
    .join("");
  const rows = Math.max(1, Math.ceil(languages.length / 2));
  const who = text(login, 40);
  return frame({
    width: 320,
    height: 72 + rows * 22,
    theme,
    title: `Most used languages of ${who}`,
    description: languages.length
      ? languages.map(([name, bytes]) => `${text(name, 30)} ${share(bytes)}%`).join(", ")
      : "No language data in the repositories counted.",
    body:
      `<text class="fg title" x="20" y="32">Most used languages</text>` +
      `<rect class="track" x="20" y="46" width="280" height="8" rx="4"/>${bar}` +
      (languages.length ? list : `<text class="muted" x="20" y="80">No language data yet.</text>`),
  });
}

/** Up to two lines of about `width` code points, breaking at spaces where it can. */
function wrap(value: string | null, width: number): string[] {
  const words = Array.from(String(value ?? "").slice(0, 1000))
    .join("")
    .split(/\s+/)
    .filter(Boolean);
  const lines: string[] = [""];
  for (const word of words) {
    const current = lines[lines.length - 1] as string;
    if (current === "" || Array.from(`${current} ${word}`).length <= width)
      lines[lines.length - 1] = current ? `${current} ${word}` : word;
    else if (lines.length < 2) lines.push(word);
    else {
      lines[1] = `${current} ${word}`;
      break;
    }
  }
  return lines.filter(Boolean).map((line) => text(line, width));
}

export function pinCard(repo: CleanRepo, theme: Theme): string {
  const name = text(repo.full_name || repo.name, 45);
  const lines = wrap(repo.description, 52);
  const language = repo.language ? text(repo.language, 20) : null;
  const description = lines.length
    ? lines.map((line, i) => `<text class="muted" x="20" y="${58 + i * 18}">${line}</text>`).join("")
    : `<text class="muted" x="20" y="58">No description.</text>`;
  const footer =
    (language
      ? `<circle cx="25" cy="106" r="5" fill="${colourOf(repo.language ?? "", 0)}"/><text class="fg" x="36" y="110">${language}</text>`
      : "") +
    `<text class="fg" x="${language ? 190 : 20}" y="110">★ ${compact(repo.stars)}</text>` +
    `<text class="fg" x="${language ? 250 : 80}" y="110">⑂ ${compact(repo.forks)}</text>`;
  return frame({
    width: 400,
    height: 130,
    theme,
    title: `${name}${repo.archived ? " (archived)" : ""}`,
    description: `${lines.join(" ") || "No description."} ${language ? `Language: ${language}. ` : ""}Stars: ${repo.stars}. Forks: ${repo.forks}.`,
    body:
      `<text class="accent title" x="20" y="32">${name}</text>` +
      (repo.archived ? `<text class="muted small" x="380" y="32" text-anchor="end">Archived</text>` : "") +
      description +
      footer,
  });
}
