// Inside an OpenID Connect sign-in (/interaction/:uid): every link stays inside the interaction,
// "Cancel" returns to the application with access_denied, and the consent page asks for the
// application's scopes.
import { interactionRedirectSchema } from '@passline/contracts';
import { api } from './client.ts';
import { $, button, report, showError } from './dom.ts';
import { messageFor } from './messages.ts';
import { interaction } from './page-state.ts';

const scopeText: Record<string, string> = {
  phone: 'See your phone number',
  offline_access: 'Keep access while you are away (up to 30 days after you last use it)',
};

async function step(action: 'consent' | 'abort'): Promise<void> {
  const result = await api('POST', `/interaction/${interaction.uid}/${action}`, interactionRedirectSchema, {});
  if (result.ok) location.assign(result.data.redirectTo);
  else showError(messageFor(result.error));
}

/** Points the page's links at the interaction's own pages, and offers to cancel. */
export function setUpInteractionLinks(): void {
  const base = `/interaction/${interaction.uid}`;
  $<HTMLAnchorElement>('link-sign-in').href = base;
  $<HTMLAnchorElement>('link-register').href = `${base}/register`;
  $<HTMLAnchorElement>('link-forgot').href = `${base}/forgot-password`;
  $<HTMLAnchorElement>('done-link').href = base;
  button('link-cancel').hidden = false;
  button('link-cancel').addEventListener('click', () => step('abort').catch(report));
}

export function showConsent(): void {
  $('consent-client').textContent = interaction.clientName;
  const list = $('consent-scopes');
  for (const scope of interaction.scopes.length > 0 ? interaction.scopes : ['sign-in']) {
    const item = document.createElement('li');
    item.textContent = scopeText[scope] ?? (scope === 'sign-in' ? 'Know who you are when you sign in' : scope);
    list.append(item);
  }
  button('consent-allow').addEventListener('click', () => step('consent').catch(report));
  button('consent-deny').addEventListener('click', () => step('abort').catch(report));
  $('consent').hidden = false;
  button('link-cancel').hidden = true;
}
