import { describe, expect, it } from 'vitest';
import { computeVonageSignature, vonageStringToSign } from './signature.ts';

// Vonage publishes no worked example (a fixed secret, parameters and the resulting sig) for signed
// SMS requests: its "Signing Messages" guide only describes the steps. These expected values were
// computed independently with OpenSSL over the string below, e.g.
//   printf '%s' "$STRING" | openssl dgst -sha256 -hmac secret123
//   printf '%s' "${STRING}secret123" | openssl dgst -md5        (md5hash)
const params = {
  api_key: 'abcd1234',
  to: '447700900000',
  from: 'Passline',
  text: 'Code: 1=2&3',
  timestamp: '1700000000',
};
const string = '&api_key=abcd1234&from=Passline&text=Code: 1_2_3&timestamp=1700000000&to=447700900000';

describe('vonage-sms signature', () => {
  it('signs the parameters sorted by name, with & and = in values replaced by _', () => {
    expect(vonageStringToSign(params)).toBe(string);
  });

  it('leaves an existing sig out of the signed text', () => {
    expect(vonageStringToSign({ ...params, sig: 'abc' })).toBe(string);
  });

  it.each([
    ['md5hash', 'b7776e658ed0e2b7a1a37156caa57c4a'],
    ['md5', 'a6680c0b5af97834e21e81a6b65d405b'],
    ['sha1', '2173822fc0d258c49c61900571101570d31efccb'],
    ['sha256', '3bff0128db8abb545ccdd65ec6950c1ac60a9c4bb4b4e870409942c705f1b93c'],
    [
      'sha512',
      '6a9fbdcc1711eb3f909045c3b026572eeb58ef1a5e89f44692087db3698d2e09974d53b59f6abd2b42525f8bc1dc1c563f8ab3b26ffe94f05c0702b3222792f4',
    ],
  ] as const)('computes %s as OpenSSL does', (method, expected) => {
    expect(computeVonageSignature(params, 'secret123', method)).toBe(expected);
  });

  it('changes with the secret and with any parameter', () => {
    const base = computeVonageSignature(params, 'secret123', 'sha256');
    expect(computeVonageSignature(params, 'secret124', 'sha256')).not.toBe(base);
    expect(computeVonageSignature({ ...params, to: '447700900001' }, 'secret123', 'sha256')).not.toBe(base);
  });
});
