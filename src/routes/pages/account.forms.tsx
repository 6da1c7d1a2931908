/** @jsxImportSource hono/jsx */

/**
 * Sign in or create an account without leaving the page: one form in two modes, so a
 * newcomer needs no trip to the API. common.js runs it (the token lives in this tab's
 * sessionStorage), so the section stays hidden without script.
 */
export function AccountForms({ intro }: { intro: string }) {
  return (
    <section class="card" id="account" hidden aria-labelledby="h-account">
      <h2 id="h-account">Account</h2>
      <p class="muted">{intro}</p>
      <p id="signed-in" hidden>
        Signed in
        <span id="signed-in-name" />.{" "}
        <button type="button" id="sign-out">
          Sign out
        </button>
      </p>
      <form id="sign-in" class="stack" data-mode="login" novalidate>
        <p id="account-message" class="notice empty" role="status" />
        <div id="account-name-row" class="stack" hidden>
          <label for="account-name">Your name</label>
          <input id="account-name" name="display_name" type="text" autocomplete="name" maxlength={100} />
        </div>
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          aria-describedby="password-hint"
          required
        />
        <p id="password-hint" class="muted" hidden>
          At least 8 characters; not a common password, and not your email.
        </p>
        <button type="submit" id="account-submit">
          Sign in
        </button>
        <p>
          <span id="account-switch-text">New here?</span>{" "}
          <button type="button" id="account-switch" class="link">
            Create an account
          </button>
        </p>
      </form>
    </section>
  );
}
