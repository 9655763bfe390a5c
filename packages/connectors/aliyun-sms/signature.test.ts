import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { percentEncode, rpcV1EncodedParams, signAcs3, signRpcV1 } from './signature.ts';

interface RpcVector {
  id: string;
  scheme: string;
  inputs: { access_key_secret: string; http_method: string; params: Record<string, string> };
  expected: {
    canonicalized_query_string: string;
    string_to_sign: string;
    hmac_key: string;
    signature: string;
    signature_url_encoded: string;
    request_url?: string;
  };
}

interface Acs3Vector {
  id: string;
  scheme: string;
  inputs: {
    access_key_id: string;
    access_key_secret: string;
    http_method: string;
    query: Record<string, string>;
    body: string;
    headers: Record<string, string>;
  };
  expected: {
    hashed_request_payload: string;
    canonical_request: string;
    hashed_canonical_request: string;
    string_to_sign: string;
    signature: string;
    authorization: string;
  };
}

const vectorsFile = new URL('../../../test/provider-vectors/aliyun.json', import.meta.url);
const { vectors } = JSON.parse(readFileSync(vectorsFile, 'utf8')) as { vectors: Array<RpcVector | Acs3Vector> };
const isRpc = (vector: RpcVector | Acs3Vector): vector is RpcVector => vector.scheme.startsWith('RPC signature');
const isAcs3 = (vector: RpcVector | Acs3Vector): vector is Acs3Vector => vector.scheme.includes('ACS3-HMAC-SHA256');

describe('Aliyun signature vectors', () => {
  it('has vectors for both schemes and knows the scheme of every one', () => {
    expect(vectors.filter(isRpc).length).toBeGreaterThanOrEqual(1);
    expect(vectors.filter(isAcs3).length).toBeGreaterThanOrEqual(1);
    // A vector of a scheme this file does not recognise would otherwise be skipped silently.
    expect(
      vectors.filter((vector) => ![isRpc, isAcs3].some((known) => known(vector))).map((vector) => vector.id),
    ).toEqual([]);
  });

  for (const vector of vectors.filter(isRpc)) {
    it(`RPC 1.0: ${vector.id}`, () => {
      const { inputs, expected } = vector;
      const signed = signRpcV1(inputs.http_method, inputs.params, inputs.access_key_secret);
      expect(signed.canonicalizedQueryString).toBe(expected.canonicalized_query_string);
      expect(signed.stringToSign).toBe(expected.string_to_sign);
      expect(signed.hmacKey).toBe(expected.hmac_key);
      expect(signed.signature).toBe(expected.signature);
      expect(percentEncode(signed.signature)).toBe(expected.signature_url_encoded);
      if (expected.request_url) {
        expect(`http://dysmsapi.aliyuncs.com/?${rpcV1EncodedParams(signed)}`).toBe(expected.request_url);
      }
    });
  }

  for (const vector of vectors.filter(isAcs3)) {
    it(`ACS3-HMAC-SHA256: ${vector.id}`, () => {
      const { inputs, expected } = vector;
      const signed = signAcs3({
        method: inputs.http_method,
        query: inputs.query,
        headers: inputs.headers,
        body: inputs.body,
        accessKeyId: inputs.access_key_id,
        accessKeySecret: inputs.access_key_secret,
      });
      expect(signed.hashedRequestPayload).toBe(expected.hashed_request_payload);
      expect(signed.canonicalRequest).toBe(expected.canonical_request);
      expect(signed.hashedCanonicalRequest).toBe(expected.hashed_canonical_request);
      expect(signed.stringToSign).toBe(expected.string_to_sign);
      expect(signed.signature).toBe(expected.signature);
      expect(signed.authorization).toBe(expected.authorization);
    });
  }
});

describe('percentEncode', () => {
  it('keeps only unreserved characters and encodes the ones encodeURIComponent leaves alone', () => {
    expect(percentEncode("A-z_0.9~ !'()*+/=,:")).toBe('A-z_0.9~%20%21%27%28%29%2A%2B%2F%3D%2C%3A');
    expect(percentEncode('短信')).toBe('%E7%9F%AD%E4%BF%A1');
  });
});

describe('signAcs3', () => {
  it('signs content-type and x-acs-* headers but not others, and changes with the body', () => {
    const base = {
      method: 'POST',
      query: {},
      headers: { host: 'example.com', 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'x' },
      accessKeyId: 'id',
      accessKeySecret: 'secret',
    };
    const signed = signAcs3({ ...base, body: 'a=1' });
    expect(signed.signedHeaders).toBe('content-type;host;x-acs-content-sha256');
    expect(signSameBody(base)).toBe(signed.signature);
    expect(signAcs3({ ...base, body: 'a=2' }).signature).not.toBe(signed.signature);
  });
});

function signSameBody(base: Omit<Parameters<typeof signAcs3>[0], 'body'>): string {
  return signAcs3({ ...base, headers: { ...base.headers, 'User-Agent': 'other' }, body: 'a=1' }).signature;
}
