import type { KoaContextWithOIDC } from 'oidc-provider';

// The few pages oidc-provider draws itself (an error, the sign-out question, "you are signed out"),
// in the hosted pages' style sheet and under the same strict content security policy.

const securityHeaders: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(ctx: KoaContextWithOIDC, title: string, body: string): void {
  ctx.set(securityHeaders);
  ctx.type = 'html';
  ctx.body = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} · Passline</title>
  <link rel="icon" type="image/svg+xml" href="/favicon.svg">
  <link rel="stylesheet" href="/hosted/style.css">
</head>
<body>
  <main class="card">
    <h1>${escapeHtml(title)}</h1>
    ${body}
  </main>
</body>
</html>`;
}

/** An error the browser lands on (a bad redirect URI, an unknown client): said plainly, never the stack. */
export function renderOidcError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): void {
  const description = out.error_description ?? 'The request could not be completed.';
  page(
    ctx,
    'Sign-in could not continue',
    `<p class="error" role="alert">${escapeHtml(description)}</p>
    <p class="hint">Error code: <code>${escapeHtml(out.error)}</code>. Go back to the application and try again.</p>`,
  );
}

/** RP-initiated logout asks before it signs out: `form` is oidc-provider's form with its XSRF token. */
export function renderLogoutQuestion(ctx: KoaContextWithOIDC, form: string): void {
  const clientName = ctx.oidc.client?.clientName;
  page(
    ctx,
    'Sign out',
    `${form}
    <p class="lead">${clientName ? `${escapeHtml(clientName)} asks to sign you out.` : 'Do you want to sign out?'}</p>
    <div class="actions">
      <button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Yes, sign me out</button>
      <button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>
    </div>`,
  );
}

export function renderLoggedOut(ctx: KoaContextWithOIDC): void {
  page(ctx, 'You are signed out', '<p class="lead">You can close this window.</p>');
}
