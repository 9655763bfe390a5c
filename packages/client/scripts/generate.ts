// Regenerates src/openapi.ts and src/error-codes.ts: `npm run generate -w @passline/client`.
import { writeFileSync } from 'node:fs';
import {
  errorCodesFile,
  fetchOpenApiDocument,
  generatedFile,
  renderErrorCodes,
  renderTypes,
} from './openapi-source.ts';

writeFileSync(generatedFile, await renderTypes(await fetchOpenApiDocument()));
writeFileSync(errorCodesFile, renderErrorCodes());
console.log(`Wrote ${generatedFile.pathname} and ${errorCodesFile.pathname}`);
