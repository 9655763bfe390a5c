import type { Application } from '@passline/contracts';
import { connectSnippet } from './applications.ts';
import { CopyButton } from './CopyButton.tsx';

/** "Connect your app": what a developer configures in their OpenID Connect client library. */
export function ApplicationConnect(props: { application: Application; discoveryUrl: string; onRotate: () => void }) {
  const { application, discoveryUrl } = props;
  const snippet = connectSnippet(application, discoveryUrl);
  return (
    <section className="panel" aria-labelledby="connect-title">
      <h2 id="connect-title">Connect your app</h2>
      <dl className="credential-list">
        <dt>Discovery URL</dt>
        <dd>
          <code data-testid="discovery-url">{discoveryUrl}</code>
          <CopyButton text={discoveryUrl} label="Copy the discovery URL" />
        </dd>
        <dt>Client ID</dt>
        <dd>
          <code data-testid="client-id">{application.id}</code>
          <CopyButton text={application.id} label="Copy the client ID" />
        </dd>
        {application.type === 'web' ? (
          <>
            <dt>Client secret</dt>
            <dd>
              <span className="muted">
                {application.hasClientSecret
                  ? 'Shown only once, when it was made. Lost it? Rotate it.'
                  : 'None yet: rotate to make one.'}
              </span>
              <button type="button" onClick={props.onRotate}>
                Rotate secret
              </button>
            </dd>
          </>
        ) : null}
      </dl>
      <p className="help" data-testid="client-auth-note">
        {application.type === 'web'
          ? 'A confidential client: your server authenticates at the token endpoint with client_secret_basic (HTTP Basic with the client ID and secret). Keep the secret on the server.'
          : 'A public client, without a secret: every authorization request must use PKCE with S256 (code_challenge_method=S256).'}
      </p>
      <div className="snippet">
        <pre data-testid="connect-snippet">{snippet}</pre>
        <CopyButton text={snippet} label="Copy the configuration" />
      </div>
    </section>
  );
}
