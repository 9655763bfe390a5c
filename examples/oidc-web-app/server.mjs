// Starts the example from environment variables: node server.mjs
import { buildApp } from './app.mjs';

const { PASSLINE_ISSUER, CLIENT_ID, CLIENT_SECRET } = process.env;
const port = Number(process.env.PORT || 4000);
const appUrl = process.env.APP_URL || `http://localhost:${port}`;

const missing = Object.entries({ PASSLINE_ISSUER, CLIENT_ID, CLIENT_SECRET })
  .filter(([, value]) => !value)
  .map(([name]) => name);
if (missing.length > 0) {
  console.error(`Set ${missing.join(', ')} (see README.md).`);
  process.exit(1);
}

const app = await buildApp({
  issuer: PASSLINE_ISSUER,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  appUrl,
  logger: true,
}).catch((error) => {
  // Usually Passline is not running there, or PASSLINE_ISSUER is not its PASSLINE_PUBLIC_URL.
  console.error(`Could not read ${PASSLINE_ISSUER}/.well-known/openid-configuration: ${error.message}`);
  process.exit(1);
});
await app.listen({ port, host: process.env.HOST || 'localhost' });
console.log(`Open ${appUrl}/`);
