import { requiredUsageTypes } from '@passline/connector-kit';

// Every label value goes through one of these, so a series count stays bounded whatever the
// traffic: no phone number, IP, id or free text ever becomes a label.

const usages = new Set<string>(requiredUsageTypes);
const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** An ISO 3166-1 alpha-2 code, or `unknown` (non-geographic numbers, unparsed input). */
export function countryLabel(country: string | null | undefined): string {
  return country && /^[A-Z]{2}$/.test(country) ? country : 'unknown';
}

/** One of the connector kit's usage types, or `other` (relayed codes name their own). */
export function usageLabel(usage: string): string {
  return usages.has(usage) ? usage : 'other';
}

/** A saved connector's id or a factory id: both come from Passline's own records, never input. */
export function connectorLabel(connector: string | null | undefined): string {
  return connector && /^[\w.-]{1,64}$/.test(connector) ? connector : 'none';
}

export function methodLabel(method: string): string {
  return methods.has(method) ? method : 'other';
}

/** 2xx, 3xx, 4xx, 5xx. */
export function statusClassLabel(status: number): string {
  return `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx`;
}

/** An error code from the registry (`rate_limit.phone`) is a bounded label; anything else is not. */
export function reasonLabel(reason: string): string {
  return /^[a-z_]+\.[a-z_]+$/.test(reason) ? reason : 'other';
}
