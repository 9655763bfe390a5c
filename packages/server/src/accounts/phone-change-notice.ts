import { maskPhone } from '../phone.ts';
import type { BackgroundTasks } from '../services/background-tasks.ts';
import type { ConnectorService } from '../services/connectors/connector-service.ts';
import { DeliveryFailure } from '../services/connectors/delivery-errors.ts';

/** The notice usage: its templates have no `{{code}}`, and it never falls back to Generic. */
export const phoneChangedUsage = 'PhoneChanged';

export interface NoticeLogger {
  warn(object: Record<string, unknown>, message: string): void;
}

export type PhoneChangeNotice = ReturnType<typeof createPhoneChangeNotice>;

/**
 * Tells a number that the account it belonged to moved to another one, so an owner who did not make
 * the change learns of it. It goes out once the change is committed (a background task starts after
 * the writes before it are durable) and is never awaited by the request: a failed notice must not undo, delay or fail the change. The connector service writes
 * the message-log row (sent or failed); a failure is also a warning here, with the number masked.
 */
export function createPhoneChangeNotice(deps: {
  connectors: ConnectorService;
  logger: NoticeLogger;
  background: BackgroundTasks;
}) {
  async function deliver(oldPhone: string): Promise<void> {
    const active = await deps.connectors.getActive('sms');
    if (!active) {
      deps.logger.warn({ to: maskPhone(oldPhone) }, 'phone-change notice not sent: no SMS connector is active');
      return;
    }
    await deps.connectors.deliver(
      active.factory,
      active.config,
      { to: oldPhone, usage: phoneChangedUsage, payload: {} },
      { connectorId: active.row.id, verificationId: null, isTest: false },
    );
  }

  return {
    sendInBackground(oldPhone: string, userId: string): void {
      deps.background.run(() =>
        deliver(oldPhone).catch((error: unknown) => {
          // Connector errors can quote the provider, which may quote the number: log the kind only.
          const cause =
            error instanceof DeliveryFailure
              ? { errorKind: error.connectorError.kind, messageLogId: error.messageLogId }
              : { err: error };
          deps.logger.warn(
            { userId, to: maskPhone(oldPhone), ...cause },
            'phone-change notice to the old number failed',
          );
        }),
      );
    },
  };
}
