import { ConnectorError, phoneRegion, splitPhoneNumber } from '@passline/connector-kit';
import type { TemplateCode } from './config.ts';

export interface AliyunRecipient {
  /** What goes into `PhoneNumbers`. */
  phoneNumber: string;
  /** Whether Aliyun treats the number as domestic (mainland China) rather than international. */
  mainlandChina: boolean;
}

/**
 * Aliyun wants a mainland China number bare (`13800138000`) and any other number as country code
 * plus national number, without `+` or `00` (`85291234567`). Hong Kong, Macao and Taiwan count
 * as international for Aliyun, which is what their own regions give.
 */
export function aliyunRecipient(e164: string): AliyunRecipient {
  const parts = splitPhoneNumber(e164);
  if (!parts) {
    throw new ConnectorError('invalid_recipient', `${e164} is not a phone number Aliyun SMS can send to.`);
  }
  const mainlandChina = phoneRegion(e164) === 'CN';
  return {
    phoneNumber: mainlandChina ? parts.nationalNumber : `${parts.countryCallingCode}${parts.nationalNumber}`,
    mainlandChina,
  };
}

/** Aliyun approves domestic and international templates separately, so a usage may name one of each. */
export function templateCodeFor(templateCode: TemplateCode, recipient: AliyunRecipient): string {
  if (typeof templateCode === 'string') return templateCode;
  return recipient.mainlandChina ? templateCode.china : templateCode.overseas;
}
