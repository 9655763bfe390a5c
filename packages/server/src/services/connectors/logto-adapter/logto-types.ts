/**
 * The parts of Logto's connector contract (`@logto/connector-kit` 5) the adapter reads, written out
 * here so the server does not depend on Logto's kit: a Logto connector package brings its own copy
 * (and its own zod 3), and the adapter only ever touches what these types name.
 */

/** Logto's `ConnectorConfigFormItemType`. */
export type LogtoFormItemType = 'Text' | 'Number' | 'MultilineText' | 'Switch' | 'Select' | 'MultiSelect' | 'Json';

export interface LogtoFormItem {
  key: string;
  label: string;
  type: LogtoFormItemType;
  placeholder?: string;
  required?: boolean;
  defaultValue?: unknown;
  description?: string;
  tooltip?: string;
  isConfidential?: boolean;
  selectItems?: Array<{ value: string; title?: string }>;
}

/** Logto's i18n phrases: `{ en: '...', 'zh-CN': '...' }`. */
export type LogtoPhrases = Record<string, string>;

export interface LogtoMetadata {
  id: string;
  target?: string;
  name: LogtoPhrases;
  description: LogtoPhrases;
  /** A path relative to the package folder (`./logo.svg`) or a URL. */
  logo: string;
  logoDark?: string | null;
  /** A path relative to the package folder (`./README.md`). */
  readme: string;
  /** Older connectors: a path to a JSON file holding a starting config. */
  configTemplate?: string;
  formItems?: LogtoFormItem[];
}

/** The zod 3 schema a Logto connector validates its config with: only `safeParse` is called. */
export interface Zod3Schema {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: Zod3Error };
}

export interface Zod3Error {
  issues: Array<{ path: Array<string | number>; message: string }>;
}

export interface LogtoSendMessageData {
  to: string;
  type: string;
  payload: Record<string, unknown>;
}

export interface LogtoConnector {
  metadata: LogtoMetadata;
  /** Logto's `ConnectorType`: `Sms`, `Email` or `Social`. */
  type: string;
  configGuard: Zod3Schema;
  /** With a config as second argument the connector uses it instead of calling `getConfig`. */
  sendMessage?: (data: LogtoSendMessageData, config?: unknown) => Promise<unknown>;
}

/** The default export of a Logto connector package. */
export type CreateLogtoConnector = (options: {
  getConfig: (id: string) => Promise<unknown>;
}) => Promise<LogtoConnector>;
