import { secretMask } from '@passline/connector-kit';
import type { ConnectorView } from './connector-service.ts';

/**
 * What the audit log keeps of a connector: its config as the API shows it (secrets replaced by
 * the mask), without the logo and the signed receipt URL, which are derived and not changes.
 */
export function connectorSnapshot(view: ConnectorView, secretsChanged?: string[]) {
  return {
    factoryId: view.factoryId,
    type: view.type,
    name: view.name,
    active: view.active,
    config: view.config,
    // A changed secret shows the mask before and after; maskedChanges names it, never its value.
    ...(secretsChanged?.length ? { maskedChanges: secretsChanged } : {}),
  };
}

/** The secret fields a PATCH gave a new value (the mask sent back means "unchanged"). */
export function changedSecretFields(secretFields: string[], incoming: Record<string, unknown>): string[] {
  return secretFields.filter((name) => name in incoming && incoming[name] !== secretMask);
}
