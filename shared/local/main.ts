/**
 * `npm start`: the whole app on the embedded stack (Cosmos-protocol server, Azurite for blobs, in-process bus, e-mail
 * outbox, console telemetry), with demo data, on port 7071 like `func start` (PORT overrides).
 */
import { ConfigError } from '../platform/config.js';
import { startLocalHost } from './host.js';
import { demo } from './seed.js';

const port = process.env.PORT ? Number(process.env.PORT) : 7071;

try {
  const started = Date.now();
  const host = await startLocalHost({ port, consoleTelemetry: true, scheduleTimers: true });
  const lines = [
    '',
    `Opiq back end is running locally (started in ${Date.now() - started} ms, ${host.seededDocuments} demo documents).`,
    '',
    `  API            ${host.url}/api`,
    `  Health         ${host.url}/api/health`,
    `  OpenAPI        ${host.url}/api/openapi.json`,
    `  API docs       ${host.url}/api/docs`,
    `  Local routes   ${host.url}/   (outbox, dead letters, timers, TTL sweep, demo tokens)`,
    `  Blob (Azurite) ${host.azurite.blobEndpoint}   (in memory; users' files in container user-files)`,
    `  OpiqGPT        ${host.config.ASSISTANT_PROVIDER} protocol at ${host.config.ASSISTANT_API_URL ?? 'the provider'}   (POST /api/assistant/messages; the stand-in unless ASSISTANT_* are set)`,
    '',
    `  Sign in        ${host.url}/api/auth/harid/login   (also mpassid, google, facebook, ekool, stuudium?school=kuusiku)`,
    `  Front end      ${host.config.PUBLIC_WEB_URL}   (sign-in lands here; use this host name, not localhost)`,
    `  Password       any demo e-mail, e.g. mari.mets@kuusiku.example / ${demo.password}`,
    `  Demo accounts  ${Object.values(demo.accounts).join(', ')}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping...\n`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await host.close();
    process.stdout.write('Stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`\n${error.message}\n\n`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`\nPort ${port} is in use. Stop the other process or start with PORT=<another port> npm start.\n\n`);
  } else {
    process.stderr.write(`\nThe local host could not start: ${error instanceof Error ? error.stack : String(error)}\n\n`);
  }
  process.exit(1);
}
