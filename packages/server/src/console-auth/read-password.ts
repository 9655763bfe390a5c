import { createInterface } from 'node:readline';

/**
 * Reads a password for the CLI: typed at a hidden prompt (twice) on a terminal, or the first line
 * of stdin when piped (`printf '%s\n' "$PASSWORD" | npx passline admins create ...`). Never argv:
 * arguments end up in shell history and in `ps` output.
 */
export async function readPassword(input: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (!input.isTTY) {
    let text = '';
    for await (const chunk of input) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  const first = await promptHidden('Password: ', input);
  const second = await promptHidden('Repeat the password: ', input);
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

function promptHidden(question: string, input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve) => {
    const output = process.stderr;
    const rl = createInterface({ input, output, terminal: true });
    // Echo nothing while the password is typed.
    (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text: string) => {
      if (text.includes(question)) output.write(question);
    };
    rl.question(question, (answer) => {
      rl.close();
      output.write('\n');
      resolve(answer);
    });
  });
}
