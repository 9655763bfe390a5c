import type { UserSession } from '@passline/contracts';

/** Small pieces the Users list and a user's page share. */

export const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

/** A time as the admin's browser writes it; `never` for none. */
export function formatTime(iso: string | null, none = 'never'): string {
  return iso ? new Date(iso).toLocaleString() : none;
}

export function StatusBadge(props: { suspended: boolean }) {
  return props.suspended ? (
    <span className="badge badge-error">Suspended</span>
  ) : (
    <span className="badge badge-ok">Active</span>
  );
}

export const sessionKindLabels: Record<UserSession['kind'], string> = {
  passline: 'Passline sign-in',
  application: 'Application',
};
