import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';

/**
 * Structured JSON logs. Credentials are redacted wherever they might appear; phone numbers are
 * masked where they are logged (see phone.ts), and codes are never passed to the logger except by
 * the dev-sms connector, whose log line is its delivery channel.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'passline' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          'config.authToken',
          'config.accessKeySecret',
          '*.password',
          '*.key',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
