import { serviceErrorMessages } from "../errors.ts";
import type { ServiceErrorCode } from "../errors.ts";

export interface SystemStatus {
  status: "OK";
  applicationName: string;
  applicationDisplayName: string;
  applicationEnvironment: string;
  version: string;
  buildTime: Date;
  timestamp: Date;
}

export interface BuildInfo {
  version: string;
  buildTime: Date;
}

/** The status answer; `status` is always OK while the process can answer at all. */
export function getSystemStatus(
  settings: { applicationName: string; applicationDisplayName: string; applicationEnvironment: string },
  build: BuildInfo,
  now: Date = new Date(),
): SystemStatus {
  return { status: "OK", ...settings, version: build.version, buildTime: build.buildTime, timestamp: now };
}

/**
 * Every error code with its message. Only English exists (as in the reference, where any language falls
 * back to `en`), so `language` is accepted and ignored.
 */
export function getErrorCodeList(_language?: string): { code: ServiceErrorCode; value: string }[] {
  return (Object.keys(serviceErrorMessages) as ServiceErrorCode[]).map((code) => ({ code, value: serviceErrorMessages[code] }));
}
