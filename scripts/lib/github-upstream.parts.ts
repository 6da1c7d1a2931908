/**
 * The recorded-shape bodies of the stand-in's repository parts and organisations
 * (github-upstream.ts routes to them): contributors, releases, the README, languages.
 * Shapes come from the recorded fixtures (get-release-by-tag.json, get-content.json,
 * get-repository.json's `owner`) and, where nothing was recorded, GitHub's REST docs
 * (scripts/fixtures/github/README.md). A `hostile` account puts the strings a renderer must
 * survive into every free-text field.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "github");
const recorded = (name: string) =>
  (JSON.parse(readFileSync(join(FIXTURES_DIR, name), "utf8")) as Array<{ response: unknown }>).map(
    (pair) => pair.response,
  );

type Raw = Record<string, unknown>;
const releaseTemplate = recorded("get-release-by-tag.json")[0] as Raw;
const contentTemplate = (recorded("get-content.json")[0] as Raw[])[0] as Raw;
const userTemplate = releaseTemplate.author as Raw;

/**
 * What hostile upstream data looks like: markup, an XML-breaking CDATA end, control
 * characters XML 1.0 forbids, a right-to-left override, a lone surrogate, combining marks
 * and a string far longer than any card line.
 */
export const HOSTILE_TEXT =
  '<script>alert(1)</script>"]]><img src=x onerror=alert(2)> &amp; \u0000\u0007\u001b \u202Eevil\u202C ' +
  "\uD800 Z\u0351\u0351\u0351 😀 ".repeat(3) +
  "x".repeat(5000);

export const HOSTILE_README = [
  "# Title <script>alert('readme')</script>",
  "",
  '<img src=x onerror="alert(1)"> <a href="javascript:alert(2)">click</a>',
  "",
  "[safe link](https://example.com/a?b=1&c=2) [bad link](javascript:alert(3)) [data](data:text/html,hi)",
  "",
  '<style>body{display:none}</style><iframe src="https://evil.example"></iframe>',
  "",
  "```html",
  "<script>alert('in code')</script>",
  "```",
  "",
  "- item with `inline <b>code</b>` and **bold <i>x</i>**",
].join("\n");

const DEFAULT_README = [
  "# Hello World",
  "",
  "A recorded-shape README with **bold**, _emphasis_ and `code`.",
  "",
  "## Install",
  "",
  "```sh",
  "npm install hello-world",
  "```",
  "",
  "- one",
  "- two",
  "",
  "See [the docs](https://example.com/docs).",
].join("\n");

export function contributor(login: string, index: number, hostile: boolean): Raw {
  const name = hostile && index === 0 ? HOSTILE_TEXT : `${login}-dev-${index}`;
  return {
    ...userTemplate,
    login: name,
    id: 5000 + index,
    html_url: `https://github.com/${login}-dev-${index}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${5000 + index}?v=4`,
    contributions: 500 - index * 7,
  };
}

export function release(owner: string, repo: string, index: number, hostile: boolean): Raw {
  const tag = `v1.${9 - index}.0`;
  return {
    ...releaseTemplate,
    id: 9000 + index,
    tag_name: tag,
    name: hostile ? HOSTILE_TEXT : `Release ${tag}`,
    body: hostile ? HOSTILE_README : `Changes in ${tag}.`,
    html_url: `https://github.com/${owner}/${repo}/releases/tag/${tag}`,
    draft: false,
    prerelease: index === 1,
    published_at: `2024-0${9 - index}-01T12:00:00Z`,
  };
}

export function readme(owner: string, repo: string, text: string | undefined, hostile: boolean): Raw {
  const markdown = text ?? (hostile ? HOSTILE_README : DEFAULT_README);
  return {
    ...contentTemplate,
    url: `https://api.github.com/repos/${owner}/${repo}/contents/README.md`,
    html_url: `https://github.com/${owner}/${repo}/blob/main/README.md`,
    size: Buffer.byteLength(markdown),
    encoding: "base64",
    // GitHub wraps base64 content at 60 characters.
    content: (
      Buffer.from(markdown)
        .toString("base64")
        .match(/.{1,60}/g) ?? []
    ).join("\n"),
  };
}

const LANGUAGE_BYTES: Array<Record<string, number>> = [
  { TypeScript: 78_769, Shell: 7_769 },
  { Go: 120_000, Makefile: 900 },
  { Rust: 64_000, TypeScript: 12_000 },
  { Python: 40_000, Shell: 1_200 },
];

export function languages(index: number, hostile: boolean): Record<string, number> {
  const base = LANGUAGE_BYTES[index % LANGUAGE_BYTES.length] as Record<string, number>;
  return hostile ? { ...base, [HOSTILE_TEXT.slice(0, 200)]: 99_999 } : base;
}
