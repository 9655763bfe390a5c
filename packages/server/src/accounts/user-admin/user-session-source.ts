/**
 * Where an end user's sessions live: refresh-token families of the Experience API and hosted pages
 * (accounts), and the grants applications hold through OpenID Connect (oidc). The users admin lists
 * and ends sessions through these without knowing either's tables; main.ts hands it both.
 */
export interface UserSessionRecord {
  id: string;
  kind: 'passline' | 'application';
  /** The application, for `application` sessions. */
  application: { id: string; name: string } | null;
  /** Milliseconds since the epoch. */
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number | null;
}

export interface UserSessionSource {
  /** The user's live sessions. */
  list(userId: string): Promise<UserSessionRecord[]>;
  /** Ends every session of the user (suspension, deletion, "revoke sessions"); how many ended. */
  revokeAll(userId: string): Promise<number>;
}
