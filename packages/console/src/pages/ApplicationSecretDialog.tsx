import type { ApplicationWithSecret } from '@passline/contracts';
import { Dialog } from '../components/Dialog.tsx';
import { CopyButton } from './CopyButton.tsx';

/**
 * The one time a client secret is on screen: right after a `web` application is created, or its
 * secret rotated. Closing the dialog forgets it; the server never gives it out again.
 */
export function ApplicationSecretDialog(props: {
  shown: { application: ApplicationWithSecret; reason: 'created' | 'rotated' } | undefined;
  onClose: () => void;
}) {
  const application = props.shown?.application;
  const secret = application?.clientSecret;
  const title = props.shown?.reason === 'rotated' ? 'New client secret' : 'Application created';
  return (
    <Dialog open={props.shown !== undefined} title={title} onClose={props.onClose} wide>
      {application ? (
        <div className="dialog-body" data-testid="application-secret">
          {props.shown?.reason === 'created' ? (
            <p>
              “{application.name}” is ready. Configure your app with its client ID
              {secret ? ' and client secret' : ''}.
            </p>
          ) : (
            <p>The previous secret of “{application.name}” no longer works. Update your app with this one.</p>
          )}
          <dl className="credential-list">
            <dt>Client ID</dt>
            <dd>
              <code data-testid="client-id">{application.id}</code>
              <CopyButton text={application.id} label="Copy the client ID" />
            </dd>
            {secret ? (
              <>
                <dt>Client secret</dt>
                <dd>
                  <code data-testid="client-secret">{secret}</code>
                  <CopyButton text={secret} label="Copy the client secret" />
                </dd>
              </>
            ) : null}
          </dl>
          {secret ? (
            <p className="note note-warn">
              <strong>Store the client secret now.</strong> It won't be shown again: if it is lost, rotate the secret to
              get a new one.
            </p>
          ) : null}
          <div className="actions">
            <button type="button" className="primary" onClick={props.onClose}>
              {secret ? 'I have stored the secret' : 'Done'}
            </button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
