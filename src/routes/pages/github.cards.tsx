/** @jsxImportSource hono/jsx */

/**
 * The profile page's card section: each card's Markdown, ready to copy into a README. The
 * page's CSP allows no images from elsewhere, and the cards are ours, so they are shown too.
 */
export function CardSnippets({ origin, login, name }: { origin: string; login: string; name: string }) {
  const cards = [
    { label: `GitHub stats of ${login}`, path: `/cards/github/users/${login}/stats.svg` },
    { label: `Most used languages of ${login}`, path: `/cards/github/users/${login}/languages.svg` },
  ];
  return (
    <section class="card readme-cards" aria-labelledby="h-cards">
      <h2 id="h-cards">Cards for {name}'s README</h2>
      <p class="muted">Copy a line into any Markdown file; the image follows GitHub's light or dark theme.</p>
      {cards.map((card) => (
        <figure>
          <img src={card.path} alt={card.label} loading="lazy" />
          <figcaption>
            <pre>
              <code>{`![${card.label}](${origin}${card.path})`}</code>
            </pre>
          </figcaption>
        </figure>
      ))}
      <p class="muted">
        A repository pin:{" "}
        <code>{`[![owner/repo](${origin}/cards/github/repos/owner/repo/pin.svg)](https://github.com/owner/repo)`}</code>
      </p>
    </section>
  );
}
