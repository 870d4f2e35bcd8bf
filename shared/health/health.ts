import type { ComponentHealth } from '../platform/bus.js';
import type { Services } from '../platform/services.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  cosmos: ComponentHealth;
  bus: ComponentHealth;
}

async function timed(check: () => Promise<void>): Promise<ComponentHealth> {
  const started = Date.now();
  try {
    await check();
    return { ok: true, latencyMs: Date.now() - started };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.name : 'error', latencyMs: Date.now() - started };
  }
}

export async function checkHealth(services: Services): Promise<HealthReport> {
  const [cosmos, bus] = await Promise.all([timed(() => services.db.ping()), services.bus.health()]);
  return { status: cosmos.ok && bus.ok ? 'ok' : 'degraded', cosmos, bus };
}
