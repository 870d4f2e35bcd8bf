import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

interface HostJson {
  logging: {
    applicationInsights: {
      samplingSettings: { isEnabled: boolean; maxTelemetryItemsPerSecond: number; excludedTypes: string };
      enableQueryStringTracing?: boolean;
    };
  };
}

const hostJson = JSON.parse(readFileSync('host.json', 'utf8')) as HostJson;

describe('sampling and what the Functions host records (LOG-2, AUTH-4)', () => {
  const { samplingSettings, enableQueryStringTracing } = hostJson.logging.applicationInsights;

  it('LOG-2 AUTH-4: the host samples its own traces and dependencies, never requests, exceptions or events', () => {
    expect(samplingSettings.isEnabled).toBe(true);
    expect(samplingSettings.maxTelemetryItemsPerSecond).toBe(20);
    expect(samplingSettings.excludedTypes.split(';').sort()).toEqual(['Event', 'Exception', 'Request']);
  });

  it('LOG-2: the host records request URLs without their query string (loginHint, token, json)', () => {
    // The host's default too (azure-webjobs-sdk EnableQueryStringTracing); said here so nobody turns it on by accident.
    expect(enableQueryStringTracing).toBe(false);
  });
});
