// The REST gateway's body size, connection limits and timeouts, read from the environment (REST_…, like the
// core's CORE_…). Invalid values stop the process with a message naming the variable.

import { integerSetting, listenerLimitsFromEnv } from "../../core/src/http1/listener-limits.ts";
import type { ListenerLimits } from "../../core/src/http1/listener-limits.ts";

export { DEFAULT_LISTENER_LIMITS } from "../../core/src/http1/listener-limits.ts";
export type { ListenerLimits } from "../../core/src/http1/listener-limits.ts";

export interface RestLimitsConfig {
  readonly maxBodyBytes: number;
  readonly limits: ListenerLimits;
}

/** Admin API bodies are small JSON documents; uploaded push key files are a few KiB of Base64. */
export const DEFAULT_REST_MAX_BODY_BYTES = 64 * 1024;

type Env = Readonly<Record<string, string | undefined>>;

export function restLimitsFromEnv(env: Env): RestLimitsConfig {
  return {
    maxBodyBytes: integerSetting(env, "REST_MAX_BODY_BYTES", DEFAULT_REST_MAX_BODY_BYTES, 1024),
    limits: listenerLimitsFromEnv(env, "REST"),
  };
}
