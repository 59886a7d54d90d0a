import { readFileSync } from 'node:fs';

// `argmax <command>`: the server, its tokens, and its experiments from the terminal. Exit codes
// for every command: 0 done, 1 failed, 2 a usage mistake. Each command's module is loaded when
// it runs: the experiment commands need only the API client, not the database's.

export const usage = `Usage: argmax <command> [options]

Commands:
  serve               start the server (as "npm start" does)
  token               create, list and revoke API tokens: token create | list | revoke
  experiment          experiments on a running server: experiment list | show | export | import

Options:
  -h, --help          show this help; "argmax <command> --help" shows a command's
  -v, --version       show the version
`;

function version(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

async function serve(argv: readonly string[]): Promise<number | null> {
  const { parseServeArguments, serveUsage, startServer } = await import('./serve.ts');
  const parsed = parseServeArguments(argv, process.env, process.cwd());
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(parsed.text);
      return 0;
    case 'usage-error':
      console.error(`argmax serve: ${parsed.message}\n\n${serveUsage}`);
      return 2;
    case 'serve':
      // The server sets its own exit code when it stops.
      await startServer(parsed.env);
      return null;
  }
}

/** A reader that stops early (`| head`) closes the pipe: the output it wanted was written. */
function quietOnClosedOutput(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

/** The exit code, or null for a command that keeps running (the server). */
async function main(argv: readonly string[]): Promise<number | null> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'token':
      quietOnClosedOutput();
      return (await import('./token.ts')).tokenMain(rest);
    case 'experiment':
      quietOnClosedOutput();
      return (await import('./experiment.ts')).experimentMain(rest);
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(usage);
      return 0;
    case '-v':
    case '--version':
      process.stdout.write(`${version()}\n`);
      return 0;
    case undefined:
      console.error(`argmax: no command given\n\n${usage}`);
      return 2;
    default:
      console.error(
        `argmax: unknown command ${JSON.stringify(command)}: the commands are serve, token and experiment\n\n${usage}`,
      );
      return 2;
  }
}

const code = await main(process.argv.slice(2));
if (code !== null) process.exitCode = code;
