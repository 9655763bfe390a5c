// Sends a sign-in code and checks what the user types, with the published build of the client:
//   PASSLINE_URL=http://localhost:3000 PASSLINE_API_KEY=<verify key> node example.mjs +15551234567
import { createInterface } from 'node:readline/promises';
import { createPasslineClient, isPasslineError, unwrap } from '@passline/client';

const to = process.argv[2];
if (!to) throw new Error('usage: node example.mjs <phone number in E.164 form>');
const client = createPasslineClient({
  baseUrl: process.env.PASSLINE_URL ?? 'http://localhost:3000',
  apiKey: process.env.PASSLINE_API_KEY,
});

const verification = await unwrap(client.POST('/api/verifications', { body: { to, usage: 'SignIn' } }));
console.log(`Sent a code to ${verification.to}; it expires at ${verification.expiresAt}.`);

const prompt = createInterface({ input: process.stdin, output: process.stdout });
try {
  for (;;) {
    const code = (await prompt.question('Code: ')).trim();
    try {
      await unwrap(
        client.POST('/api/verifications/{id}/check', { params: { path: { id: verification.id } }, body: { code } }),
      );
      console.log('Verified.');
      break;
    } catch (error) {
      // Stable codes, not messages, decide what to do next.
      if (isPasslineError(error) && error.code === 'verification.code_mismatch') {
        console.log(error.message);
        continue;
      }
      throw error;
    }
  }
} finally {
  prompt.close();
}
