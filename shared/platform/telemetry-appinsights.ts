import type { TokenCredential } from '@azure/identity';

import { isSecurityEvent, safeErrorSummary, safeMessage, scrubPersonalData, type Telemetry, type TelemetryProperties } from './telemetry.js';
import { scrubbingLogRecordProcessor, scrubbingSpanProcessor } from './telemetry-processors.js';

/**
 * Application Insights. Only constructed with a connection string: applicationinsights 3.x throws on track calls
 * without one. With a managed identity the ingestion uses Entra auth (the component disables local auth).
 */
export async function createAppInsightsTelemetry(connectionString: string, credential?: TokenCredential): Promise<Telemetry> {
  return appInsightsTelemetry(await createAppInsightsClient(connectionString, credential));
}

type TelemetryClient = InstanceType<(typeof import('applicationinsights'))['TelemetryClient']>;

/**
 * The SDK client with the scrubbing processors in front of its exporters (LOG-2): what it collects by itself
 * (dependencies, uncaught exceptions) is scrubbed like what the app sends. No sampling here: the worker sends the
 * security log (AUTH-4), user actions and dependencies; the host's own telemetry is sampled by host.json.
 */
export async function createAppInsightsClient(connectionString: string, credential?: TokenCredential): Promise<TelemetryClient> {
  const sdk = await import('applicationinsights');
  // The bundle's stub and vitest give the CommonJS exports as `default`; tsx gives them as named exports.
  const { TelemetryClient } = (sdk.default as typeof sdk | undefined) ?? sdk;
  const client = new TelemetryClient(connectionString);
  if (credential) client.config.aadTokenCredential = credential;
  client.config.samplingPercentage = 100;
  client.config.azureMonitorOpenTelemetryOptions = {
    // The SDK's default is a rate-limited sampler (5 traces a second) that drops requests and dependencies at random.
    tracesPerSecond: 0,
    spanProcessors: [scrubbingSpanProcessor],
    logRecordProcessors: [scrubbingLogRecordProcessor],
  };
  client.initialize();
  return client;
}

function appInsightsTelemetry(client: TelemetryClient): Telemetry {
  return {
    event(name: string, properties?: TelemetryProperties, measurements?: Record<string, number>) {
      client.trackEvent({ name, properties: scrubPersonalData(properties, isSecurityEvent(name)), measurements });
    },
    exception(error: unknown, properties?: TelemetryProperties) {
      const summary = safeErrorSummary(error);
      // The exception object itself could carry personal data in its message: send a sanitised copy.
      const sanitized = new Error(summary.errorMessage);
      sanitized.name = summary.errorType;
      // Only the frame lines: the lines after the first can still be a multi-line message with personal data.
      const frames = error instanceof Error && error.stack ? error.stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
      sanitized.stack = [`${summary.errorType}: ${summary.errorMessage}`, ...frames].join('\n');
      client.trackException({ exception: sanitized, properties: scrubPersonalData(properties) });
    },
    trace(message: string, properties?: TelemetryProperties) {
      client.trackTrace({ message: safeMessage(message), properties: scrubPersonalData(properties) });
    },
    async flush() {
      await client.flush();
    },
  };
}
