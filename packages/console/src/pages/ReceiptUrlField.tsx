import type { Connector } from '@passline/contracts';
import { CopyButton } from './CopyButton.tsx';
import './receipt-url.css';

/**
 * Delivery receipts for providers that report to a URL set once in their own console (Aliyun,
 * Tencent): the URL to paste there, read-only. Nothing is shown for other connectors.
 */
/** Where the built-in providers take it (their READMEs say more). */
const whereToPaste: Record<string, string> = {
  'aliyun-sms':
    'Paste it in the Aliyun SMS console under receipt settings: HTTP batch push, as the callback URL for SmsReport (delivery reports).',
  'tencent-sms':
    'Paste it in the Tencent Cloud SMS console: Application Management > Basic Configuration > event callback, as the SMS delivery status callback URL.',
};

export function ReceiptUrlField(props: { connector: Connector }) {
  const url = props.connector.receiptUrl;
  if (!url) return null;
  return (
    <section className="panel" aria-labelledby="receipts-title">
      <h2 id="receipts-title">Delivery receipts</h2>
      <div className="field">
        <label className="label" htmlFor="receipt-url">
          Delivery receipt URL
        </label>
        <div className="copy-field">
          <input
            id="receipt-url"
            type="text"
            readOnly
            value={url}
            spellCheck={false}
            aria-describedby="receipt-url-help"
            onFocus={(event) => event.currentTarget.select()}
          />
          <CopyButton text={url} label="Copy the delivery receipt URL" />
        </div>
        <p className="help" id="receipt-url-help">
          {whereToPaste[props.connector.factoryId] ??
            `Paste it in the ${props.connector.name} console as the address for delivery status reports.`}{' '}
          It contains a secret: keep it to that console.
        </p>
      </div>
    </section>
  );
}
