// Asks the core whether a request's WS-Security credentials would be let in, before the gateway decodes the
// payload against the XSD: a caller without valid credentials costs an envelope parse and one cached or cheap
// core call, never the payload's decoding. The core still checks every real call; this only orders the work.

import { createHmac, randomBytes } from "node:crypto";
import type { DescMethodUnary } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { AdminService, CheckAdminCredentialsRequestSchema } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { GetSystemStatusRequestSchema, PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { coreHeaders } from "./core-client.ts";
import type { CoreClient } from "./core-client.ts";
import type { UsernameToken } from "./envelope.ts";

/** How long an admitted caller is remembered; a revoked integration still fails its real calls at once. */
const ADMITTED_TTL_MS = 30_000;
const MAX_REMEMBERED = 1000;

/** Operations an admin user may call too (the core lets admins manage integrations, to create the first one). */
const ADMIN_ALSO_ALLOWED: ReadonlySet<string> = new Set(["CreateIntegration", "GetIntegrationList", "RemoveIntegration"]);

export interface CredentialGate {
  /** Resolves when the core would accept these credentials for `operation`; rejects with the core's error otherwise. */
  admit(credentials: UsernameToken | undefined, operation: string, signal: AbortSignal): Promise<void>;
}

/**
 * The probe is GetSystemStatus, which the core guards like every PowerAuth method: it answers without
 * credentials only while restricted access is off. Admitted callers are remembered by an HMAC under a
 * per-process key (never the password itself), so a steady client costs one probe per TTL.
 */
export function createCredentialGate(core: CoreClient): CredentialGate {
  const key = randomBytes(32);
  const admitted = new Map<string, number>();
  const remember = (id: string) => {
    admitted.delete(id);
    if (admitted.size >= MAX_REMEMBERED) admitted.delete(admitted.keys().next().value ?? "");
    admitted.set(id, Date.now() + ADMITTED_TTL_MS);
  };
  const probe = async (method: DescMethodUnary, message: Parameters<CoreClient["call"]>[1], credentials: UsernameToken | undefined, signal: AbortSignal) => {
    await core.call(method, message, { headers: coreHeaders(credentials), signal });
  };
  return {
    async admit(credentials, operation, signal) {
      const id = credentials ? createHmac("sha256", key).update(`${credentials.username}\u0000${credentials.password}`).digest("base64") : "";
      const asAdmin = ADMIN_ALSO_ALLOWED.has(operation);
      const rememberedAs = asAdmin ? `admin:${id}` : id;
      if ((admitted.get(rememberedAs) ?? 0) > Date.now()) return;
      try {
        await probe(PowerAuthService.method.getSystemStatus, create(GetSystemStatusRequestSchema), credentials, signal);
      } catch (error) {
        if (!asAdmin || !(error instanceof ConnectError) || error.code !== Code.Unauthenticated) throw error;
        await probe(AdminService.method.checkAdminCredentials, create(CheckAdminCredentialsRequestSchema), credentials, signal);
      }
      remember(rememberedAs);
    },
  };
}
