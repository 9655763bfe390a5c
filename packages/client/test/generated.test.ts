import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  errorCodesFile,
  fetchOpenApiDocument,
  generatedFile,
  renderErrorCodes,
  renderTypes,
} from '../scripts/openapi-source.ts';

// The client is generated, not written: if a route or an error code changes without
// `npm run generate -w @passline/client`, this fails and says what to run.
describe('@passline/client is generated from the API it calls', () => {
  it('src/openapi.ts matches the OpenAPI document Passline serves', async () => {
    const expected = await renderTypes(await fetchOpenApiDocument());
    expect(readFileSync(generatedFile, 'utf8'), 'run: npm run generate -w @passline/client').toBe(expected);
  });

  it('src/error-codes.ts lists exactly the error registry', () => {
    expect(readFileSync(errorCodesFile, 'utf8'), 'run: npm run generate -w @passline/client').toBe(renderErrorCodes());
  });
});
