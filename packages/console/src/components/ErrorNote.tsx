import { ApiError } from '../api.ts';

/** An error in words, announced to screen readers. */
export function ErrorNote(props: { error: unknown; prefix?: string }) {
  if (!props.error) return null;
  const error = props.error;
  const message = error instanceof Error ? error.message : String(error);
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <div className="note note-error" role="alert">
      {props.prefix ? <strong>{props.prefix} </strong> : null}
      {message}
      {issues.length > 1 ? (
        <ul>
          {issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              {issue.path ? <code>{issue.path}</code> : null} {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
