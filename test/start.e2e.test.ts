import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

import { describe, expect, it } from 'vitest';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('npm start', () => {
  it('serves GET /api/health with 200 within 30 s, prints where it listens, and stops cleanly on Ctrl-C', async () => {
    const port = await freePort();
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'shared/local/main.ts'], {
      env: { ...process.env, PORT: String(port), OPIQ_LOCAL_HOST: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    let status = 0;
    while (Date.now() - started < 30_000 && status !== 200) {
      status = await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    // 200 within the loop's 30 s: the app was up in time.
    expect(status, output).toBe(200);
    expect(output).toContain(`http://127.0.0.1:${port}/api/health`);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');
  }, 45_000);

  it('stops with one clear message naming a malformed setting', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'shared/local/main.ts'], {
      env: { ...process.env, PORT: '0', EMAIL_FROM: 'not-an-address', OPIQ_LOCAL_HOST: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/Configuration is invalid: EMAIL_FROM: /);
  }, 30_000);
});
