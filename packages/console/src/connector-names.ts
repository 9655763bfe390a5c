/**
 * One way to name a connector wherever the message log shows one: the provider's name and the
 * connector's id, shortened. The log outlives connectors, so a deleted one keeps its name (from its
 * connector type) and says it was deleted; a test of settings never saved has no connector id.
 */
export interface ConnectorRef {
  connectorId: string | null;
  factoryId: string;
}

export interface ConnectorNames {
  /** Connector type id → its name, e.g. "twilio-sms" → "Twilio SMS". */
  factories: ReadonlyMap<string, string>;
  /** Ids of connectors that still exist. */
  live: ReadonlySet<string>;
}

export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 12)}…` : id;
}

export function connectorLabel(ref: ConnectorRef, names: ConnectorNames): string {
  const name = names.factories.get(ref.factoryId) ?? ref.factoryId;
  if (ref.connectorId === null) return `${name} (test of unsaved settings)`;
  const deleted = names.live.has(ref.connectorId) ? '' : ', deleted';
  return `${name} (${shortId(ref.connectorId)}${deleted})`;
}

/**
 * The connector filter's choices: every connector the log names (newest first), then live ones
 * that have sent nothing yet. Each appears once.
 */
export function connectorChoices(
  logged: readonly ConnectorRef[],
  live: ReadonlyArray<{ id: string; factoryId: string }>,
): Array<ConnectorRef & { connectorId: string }> {
  const seen = new Set<string>();
  const choices: Array<ConnectorRef & { connectorId: string }> = [];
  const all = [...logged, ...live.map((connector) => ({ connectorId: connector.id, factoryId: connector.factoryId }))];
  for (const ref of all) {
    if (ref.connectorId === null || seen.has(ref.connectorId)) continue;
    seen.add(ref.connectorId);
    choices.push({ connectorId: ref.connectorId, factoryId: ref.factoryId });
  }
  return choices;
}
