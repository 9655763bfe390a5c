import { maskPhone, parsePhone } from '../phone.ts';
import type { BackgroundTasks } from '../services/background-tasks.ts';
import { DeliveryFailure } from '../services/connectors/delivery-errors.ts';
import type { RoutedDeliver } from '../services/routing/routed-delivery.ts';
import type { SmsRoutingService } from '../services/routing/sms-routing.ts';

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
  /** The notice goes the way a code to that number would: its routing chain, with failover. */
  routing: Pick<SmsRoutingService, 'chainFor'>;
  deliverRouted: RoutedDeliver;
  logger: NoticeLogger;
  background: BackgroundTasks;
}) {
  async function deliver(oldPhone: string): Promise<void> {
    const phone = parsePhone(oldPhone);
    const chain = await deps.routing.chainFor(phone.number, phone.country);
    if (chain.connectors.length === 0) {
      deps.logger.warn({ to: maskPhone(oldPhone) }, 'phone-change notice not sent: no SMS connector is active');
      return;
    }
    await deps.deliverRouted(
      chain.connectors,
      { to: oldPhone, usage: phoneChangedUsage, payload: {} },
      { verificationId: null, isTest: false, country: phone.country ?? null },
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
