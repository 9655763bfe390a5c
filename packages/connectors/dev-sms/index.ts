import {
  defaultNoticeTemplates,
  defaultTextTemplates,
  defineConnector,
  findTemplate,
  readReadme,
  renderTemplate,
  templatesSchema,
  z,
} from '@passline/connector-kit';

import { logo } from './logo.ts';

const defaultTemplates = [
  ...defaultTextTemplates,
  // A notice, not a code: sent to the old number when an account's phone number changes.
  ...defaultNoticeTemplates,
];

const configSchema = z.strictObject({
  templates: templatesSchema(
    { content: z.string().min(1).max(1600).describe('Message text; {{code}} is the verification code.') },
    { textField: 'content' },
  )
    .default(defaultTemplates)
    .describe('One template per usage.'),
});

/**
 * Delivers nothing: it keeps each message in Passline's outbox and writes it to the log, which is
 * the delivery channel during development. It is the one place where a code is deliberately
 * visible, which is why the server warns when it is active in production.
 */
export const devSmsConnector = defineConnector({
  metadata: {
    id: 'dev-sms',
    type: 'sms',
    name: 'Development SMS',
    description: 'Sends nothing: keeps each message in a local outbox and the log, for development and demos.',
    logo,
    readme: readReadme(import.meta.url),
    configTemplate: { templates: defaultTemplates },
  },
  configSchema,
  async sendMessage(input, config, context) {
    // Defaults stand in for notice templates a config saved before the notice existed lacks.
    const text = renderTemplate(
      findTemplate(config.templates, input.usage, defaultTemplates, input.locale).content,
      input.payload,
    );
    await context.outbox.record({ to: input.to, usage: input.usage, text });
    context.logger.info({ usage: input.usage, text }, 'dev-sms message (not delivered)');
    return { messageId: null };
  },
});

export default devSmsConnector;
