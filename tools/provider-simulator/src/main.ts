import { startProviderSimulator } from './server.ts';

// `npm run simulator` — a local stand-in for the SMS providers Passline ships connectors for. Point a connector's
// `endpoint` at the printed URL and use the printed credentials.
const port = Number(process.env.SIMULATOR_PORT ?? 4010);
const simulator = await startProviderSimulator({ port, host: process.env.SIMULATOR_HOST ?? '127.0.0.1' });
console.log(`Provider simulator listening on ${simulator.url}`);
console.log('Credentials it accepts:');
console.log(JSON.stringify(simulator.credentials, null, 2));
console.log(`Messages it received: GET ${simulator.url}/__simulator/messages`);
console.log(
  `Delivery receipts it sent: GET ${simulator.url}/__simulator/receipts (Twilio reports to each message's StatusCallback; for Aliyun and Tencent POST {"provider","url"} to /__simulator/report-url)`,
);
const stop = () => void simulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
