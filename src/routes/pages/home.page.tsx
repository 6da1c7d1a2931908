/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { renderPage } from "./layout.tsx";

interface Link {
  rel: string;
  href: string;
  title: string;
}

/** What each product is, in a sentence a newcomer can act on, and where it lives. */
const PRODUCTS = [
  {
    name: "Notes",
    href: "/docs#/Notes",
    action: "Notes in the API reference",
    text: "Markdown notes with tags, full-text search and a trash, for signed-in accounts.",
  },
  {
    name: "GitHub dashboard",
    href: "/gh",
    action: "Look up a GitHub user",
    text: "Any user's public profile and repositories, with totals and a language chart, cached here.",
  },
  {
    name: "Polls",
    href: "/p",
    action: "About polls",
    text: "Polls with one or more questions; votes are counted race-free and results update live.",
  },
  {
    name: "Live status",
    href: "/status",
    action: "See the service's status",
    text: "Requests, errors, latency and dependencies of this service, refreshed every few seconds.",
  },
];

/** GET / for a browser: the front door (the JSON index's links, as a page). */
export function homePage(c: Context<AppEnv>, links: Link[]) {
  const docs = links.some((link) => link.href === "/docs");
  return renderPage(
    c,
    { title: "Welcome", current: "/" },
    <div id="home">
      <section class="card intro" aria-labelledby="h-welcome">
        <h1 id="h-welcome">devhub</h1>
        <p class="lead">
          An API for developers with three products — notes, a GitHub dashboard and polls — and a live view of
          its own health. Everything here is also a JSON API, described by an OpenAPI document.
        </p>
        <p>
          {docs ? (
            <>
              <a href="/docs">Read the API reference</a> ·{" "}
            </>
          ) : null}
          <a href="/openapi.json">Download the OpenAPI document</a> · <a href="/status">Service status</a>
        </p>
      </section>
      <section aria-labelledby="h-products">
        <h2 id="h-products" class="sr-only">
          Products and pages
        </h2>
        <ul class="grid two plain products">
          {PRODUCTS.filter((product) => docs || !product.href.startsWith("/docs")).map((product) => (
            <li class="card">
              <h3>{product.name}</h3>
              <p>{product.text}</p>
              <p>
                <a href={product.href}>{product.action}</a>
              </p>
            </li>
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="h-start">
        <h2 id="h-start">Try the API</h2>
        <p>Every endpoint answers JSON; errors are RFC 9457 problem details. From a terminal:</p>
        <pre>
          <code>{`curl ${new URL(c.req.url).origin}/health\ncurl ${new URL(c.req.url).origin}/github/users/octocat`}</code>
        </pre>
        <p class="muted">Asked with a JSON client, this address answers an index of these links.</p>
      </section>
    </div>,
  );
}
