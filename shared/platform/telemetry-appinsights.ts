import type { TokenCredential } from '@azure/identity';

import { isSecurityEvent, safeErrorSummary, scrubPersonalData, type Telemetry, type TelemetryProperties } from './telemetry.js';

/**
 * Application Insights. Only constructed with a connection string: applicationinsights 3.x throws on track calls
 * without one. With a managed identity the ingestion uses Entra auth (the component disables local auth).
 */
export async function createAppInsightsTelemetry(connectionString: string, credential?: TokenCredential): Promise<Telemetry> {
  const { TelemetryClient } = (await import('applicationinsights')).default;
  const client = new TelemetryClient(connectionString);
  if (credential) client.config.aadTokenCredential = credential;
  client.initialize();
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
      client.trackTrace({ message, properties: scrubPersonalData(properties) });
    },
    async flush() {
      await client.flush();
    },
  };
}
