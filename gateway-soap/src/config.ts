// The SOAP gateway's body size, connection limits and timeouts, read from the environment (SOAP_…, like the
// core's CORE_…). Invalid values stop the process with a message naming the variable.

import { integerSetting, listenerLimitsFromEnv } from "../../core/src/http1/listener-limits.ts";
import type { ListenerLimits } from "../../core/src/http1/listener-limits.ts";

export { DEFAULT_LISTENER_LIMITS } from "../../core/src/http1/listener-limits.ts";
export type { ListenerLimits } from "../../core/src/http1/listener-limits.ts";

export interface SoapLimitsConfig {
  readonly maxBodyBytes: number;
  readonly limits: ListenerLimits;
}

/** SOAP payloads are a few KiB; the largest (signed data, ECIES envelopes) stay far below this. */
export const DEFAULT_SOAP_MAX_BODY_BYTES = 1024 * 1024;

type Env = Readonly<Record<string, string | undefined>>;

export function soapLimitsFromEnv(env: Env): SoapLimitsConfig {
  return {
    maxBodyBytes: integerSetting(env, "SOAP_MAX_BODY_BYTES", DEFAULT_SOAP_MAX_BODY_BYTES, 1024),
    limits: listenerLimitsFromEnv(env, "SOAP"),
  };
}
