// The GSM 03.38 basic set and its extension table: what Vonage can send as plain text.
const gsm7 = /^[A-Za-z0-9 @£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà^{}\\[~\]|€]*$/;

/** Whether `text` needs no `type=unicode`. */
export function isGsm7(text: string): boolean {
  return gsm7.test(text);
}
