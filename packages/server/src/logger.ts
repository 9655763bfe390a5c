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

/**
 * The server's log stream: written from libuv's thread pool instead of one blocking write per line
 * on the event loop (dev-sms logs every message; failed requests are logged too), which is about
 * 10 % of a send's cost. Lines still in the buffer are flushed when the process exits; only a hard
 * kill can lose the last few. CLI commands keep synchronous logs, so their output stays in order.
 */
export function serverLogDestination(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}
