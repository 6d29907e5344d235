import { isIP } from "node:net";
import { createContextKey } from "@connectrpc/connect";
import type { ContextValues, Interceptor } from "@connectrpc/connect";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { CallbackEventService } from "@powerauth/proto/powerauth/callbacks/v1/callback_events_pb.js";
import { PowerAuthService as PowerAuthServiceV2 } from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import { PowerAuthService as PowerAuthServiceV3 } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { OperationService } from "@powerauth/proto/powerauth/operations/v1/operations_pb.js";
import { authenticateAdmin } from "../domain/access/admin-users.ts";
import { AuthenticationError } from "../domain/errors.ts";
import { authenticateIntegration } from "../domain/access/integrations.ts";
import type { Deps } from "./deps.ts";
import { hasControlCharacter } from "../domain/text.ts";

/** The address of the connection's peer, set by the server from the socket for every call. */
export const peerAddressKey = createContextKey<string>("unknown", { description: "peer address" });

/** Metadata in which a trusted gateway names the address of its own client (the REST gateway sets it). */
export const CLIENT_ADDRESS_HEADER = "x-powerauth-client-address";

const powerAuthServices = new Set([PowerAuthServiceV3.typeName, PowerAuthServiceV2.typeName, OperationService.typeName]);
/** Managing integrations is also open to admin users, so an operator can create the first integration. */
const integrationManagement = new Set(
  [
    PowerAuthServiceV3.method.createIntegration,
    PowerAuthServiceV3.method.getIntegrationList,
    PowerAuthServiceV3.method.removeIntegration,
  ].map((method) => `${PowerAuthServiceV3.typeName}/${method.name}`),
);

/**
 * Access control, decided here and nowhere else: the admin API and the callback outbox always need an admin
 * user; the PowerAuth
 * services need integration credentials when restricted access is on. Both arrive as HTTP Basic in the
 * `authorization` metadata (the SOAP gateway turns a WS-Security UsernameToken into it). Health and
 * reflection stay open so that orchestration and grpcurl work.
 */
export function accessControl(deps: Deps): Interceptor {
  return (next) => async (request) => {
    const serviceName = request.service.typeName;
    if (serviceName === AdminService.typeName || serviceName === CallbackEventService.typeName) {
      const credentials = parseBasic(request.header.get("authorization"));
      await checkAdmin(deps, credentials.username, credentials.password, clientAddress(deps, request.header, request.contextValues));
    } else if (deps.config.restrictAccess && powerAuthServices.has(serviceName)) {
      const credentials = parseBasic(request.header.get("authorization"));
      if (integrationManagement.has(`${serviceName}/${request.method.name}`)) {
        const address = clientAddress(deps, request.header, request.contextValues);
        await authenticateIntegrationOrAdmin(deps, credentials.username, credentials.password, address);
      } else {
        await authenticateIntegration(deps.db, credentials.username, credentials.password);
      }
    }
    return next(request);
  };
}

async function authenticateIntegrationOrAdmin(deps: Deps, username: string, password: string, address: string): Promise<void> {
  try {
    await authenticateIntegration(deps.db, username, password);
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    await checkAdmin(deps, username, password, address);
  }
}

/**
 * Admin passwords are Argon2id hashes computed in the bounded pool, behind the login guard (cache and
 * throttling). A saturated pool and a throttled login leave as their own errors, mapped in rpc/errors.ts:
 * the credentials were never checked, so a legitimate admin must not be told they are wrong.
 */
async function checkAdmin(deps: Deps, username: string, password: string, address: string): Promise<void> {
  await authenticateAdmin(deps.db, deps.argon2, deps.adminLogin, { username, password, clientAddress: address });
}

/**
 * The client a login is counted against: what a trusted gateway says in {@link CLIENT_ADDRESS_HEADER}
 * (its own caller), else the connection's peer. Anyone else's header is ignored, so a direct caller cannot
 * pick a fresh address per attempt.
 */
export function clientAddress(deps: Pick<Deps, "config">, header: Headers, context: ContextValues): string {
  const peer = context.get(peerAddressKey);
  const claimed = header.get(CLIENT_ADDRESS_HEADER)?.trim();
  if (claimed && isIP(claimed) !== 0 && deps.config.trustedGatewayAddresses.includes(peer)) return claimed;
  return peer;
}

/** Longer than any admin password (1024) or integration name and token; bounds what is hashed or looked up. */
const MAX_CREDENTIAL_LENGTH = 1024;

export function parseBasic(header: string | null): { username: string; password: string } {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) throw new AuthenticationError("Missing HTTP Basic credentials");
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(match[1], "base64"));
  } catch {
    throw new AuthenticationError("Malformed HTTP Basic credentials");
  }
  const separator = decoded.indexOf(":");
  if (separator <= 0) throw new AuthenticationError("Malformed HTTP Basic credentials");
  const username = decoded.slice(0, separator);
  const password = decoded.slice(separator + 1);
  // No stored username or integration token can carry these, and a NUL would fail in the database (a 500): so
  // they are wrong credentials, refused before any lookup or password hash.
  if (username.length > MAX_CREDENTIAL_LENGTH || password.length > MAX_CREDENTIAL_LENGTH) {
    throw new AuthenticationError("HTTP Basic credentials are too long");
  }
  if (hasControlCharacter(username) || hasControlCharacter(password)) {
    throw new AuthenticationError("Malformed HTTP Basic credentials");
  }
  return { username, password };
}
