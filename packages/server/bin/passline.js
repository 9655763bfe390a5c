#!/usr/bin/env node
import { pathToFileURL } from 'node:url';
// `npx passline`: runs the compiled server, building it first when a source is newer than the
// build (see scripts/build.mjs), so the command works straight from a clone or an edited checkout.
import { ensureServerBuild, serverBundle } from '../scripts/build.mjs';

await ensureServerBuild();
await import(pathToFileURL(serverBundle).href);
