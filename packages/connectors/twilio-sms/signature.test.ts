import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeTwilioSignature, twilioBodySha256, twilioStringToSign, validateTwilioSignature } from './signature.ts';

interface FormVector {
  id: string;
  inputs: { auth_token: string; url: string; params: Record<string, string | string[]> };
  expected: { x_twilio_signature: string; string_to_sign: string };
}
interface JsonVector {
  id: string;
  inputs: { auth_token: string; url_without_hash: string; raw_body: string; params: Record<string, string> };
  expected: { body_sha256_hex: string; signed_url: string; string_to_sign: string; x_twilio_signature: string };
}

const file = JSON.parse(
  readFileSync(new URL('../../../test/provider-vectors/twilio.json', import.meta.url), 'utf8'),
) as { vectors: Array<FormVector | JsonVector> };
const formVectors = file.vectors.filter((vector): vector is FormVector => 'url' in vector.inputs);
const jsonVectors = file.vectors.filter((vector): vector is JsonVector => 'url_without_hash' in vector.inputs);

describe('X-Twilio-Signature against the official vectors', () => {
  it('covers every vector in the file', () => {
    expect(formVectors.length + jsonVectors.length).toBe(file.vectors.length);
    expect(jsonVectors.length).toBeGreaterThan(0);
  });

  for (const vector of formVectors) {
    const { auth_token: authToken, url, params } = vector.inputs;

    it(`${vector.id}: string to sign and signature`, () => {
      expect(twilioStringToSign(url, params)).toBe(vector.expected.string_to_sign);
      expect(computeTwilioSignature(authToken, url, params)).toBe(vector.expected.x_twilio_signature);
    });

    it(`${vector.id}: validates, and refuses a wrong token, a changed parameter and a changed URL`, () => {
      const signature = vector.expected.x_twilio_signature;
      expect(validateTwilioSignature({ authToken, signature, url, params })).toBe(true);
      expect(validateTwilioSignature({ authToken: `${authToken}6`, signature, url, params })).toBe(false);
      expect(validateTwilioSignature({ authToken, signature, url, params: { ...params, Extra: 'x' } })).toBe(false);
      expect(validateTwilioSignature({ authToken, signature, url: url.replace('foo=1', 'foo=2'), params })).toBe(false);
    });
  }

  it('accepts a signature made over the URL with the default port for the URL without it, and back', () => {
    const byId = (id: string) => formVectors.find((vector) => vector.id === id) as FormVector;
    const https = byId('twilio-sig-sdk-spec-https-port-443');
    expect(
      validateTwilioSignature({
        authToken: https.inputs.auth_token,
        signature: https.expected.x_twilio_signature,
        url: https.inputs.url.replace(':443', ''),
        params: https.inputs.params,
      }),
    ).toBe(true);
    const http = byId('twilio-sig-sdk-spec-http-port-80');
    expect(
      validateTwilioSignature({
        authToken: http.inputs.auth_token,
        signature: http.expected.x_twilio_signature,
        url: http.inputs.url.replace(':80', ''),
        params: http.inputs.params,
      }),
    ).toBe(true);
    // The port-less signature is accepted when the receiver sees the URL with :443.
    const basic = byId('twilio-sig-sdk-spec-basic');
    expect(
      validateTwilioSignature({
        authToken: basic.inputs.auth_token,
        signature: basic.expected.x_twilio_signature,
        url: basic.inputs.url.replace('mycompany.com', 'mycompany.com:443'),
        params: basic.inputs.params,
      }),
    ).toBe(true);
  });

  it('does not treat a non-default port as optional', () => {
    const custom = formVectors.find((vector) => vector.id === 'twilio-sig-sdk-spec-http-port-1234') as FormVector;
    expect(
      validateTwilioSignature({
        authToken: custom.inputs.auth_token,
        signature: custom.expected.x_twilio_signature,
        url: custom.inputs.url.replace(':1234', ':4321'),
        params: custom.inputs.params,
      }),
    ).toBe(false);
  });

  for (const vector of jsonVectors) {
    const { auth_token: authToken, url_without_hash: urlWithoutHash, raw_body: rawBody } = vector.inputs;
    const { expected } = vector;

    it(`${vector.id}: body hash, signed URL, string to sign and signature`, () => {
      expect(twilioBodySha256(rawBody)).toBe(expected.body_sha256_hex);
      const signedUrl = `${urlWithoutHash}&bodySHA256=${twilioBodySha256(rawBody)}`;
      expect(signedUrl).toBe(expected.signed_url);
      expect(twilioStringToSign(signedUrl, vector.inputs.params)).toBe(expected.string_to_sign);
      expect(computeTwilioSignature(authToken, signedUrl, vector.inputs.params)).toBe(expected.x_twilio_signature);
    });

    it(`${vector.id}: validates the JSON body and refuses a tampered or missing one`, () => {
      const check = { authToken, signature: expected.x_twilio_signature, url: expected.signed_url };
      expect(validateTwilioSignature({ ...check, rawBody })).toBe(true);
      expect(validateTwilioSignature({ ...check, rawBody: rawBody.replace('true', 'false') })).toBe(false);
      expect(validateTwilioSignature(check)).toBe(false);
    });
  }

  it('refuses a signature of another length without throwing', () => {
    const vector = formVectors[0] as FormVector;
    const { auth_token: authToken, url, params } = vector.inputs;
    expect(validateTwilioSignature({ authToken, signature: '', url, params })).toBe(false);
    expect(validateTwilioSignature({ authToken, signature: 'short', url, params })).toBe(false);
  });
});
