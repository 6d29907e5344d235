import { Code, ConnectError } from "@connectrpc/connect";
import type { Interceptor } from "@connectrpc/connect";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { PowerAuthService as PowerAuthServiceV2 } from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import { PowerAuthService as PowerAuthServiceV3 } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { authenticateAdmin } from "../domain/access/admin-users.ts";
import { AuthenticationError } from "../domain/errors.ts";
import { authenticateIntegration } from "../domain/access/integrations.ts";
import { Argon2QueueFullError } from "../workers/argon2-pool.ts";
import type { Deps } from "./deps.ts";

const powerAuthServices = new Set([PowerAuthServiceV3.typeName, PowerAuthServiceV2.typeName]);
/** Managing integrations is also open to admin users, so an operator can create the first integration. */
const integrationManagement = new Set(
  [
    PowerAuthServiceV3.method.createIntegration,
    PowerAuthServiceV3.method.getIntegrationList,
    PowerAuthServiceV3.method.removeIntegration,
  ].map((method) => `${PowerAuthServiceV3.typeName}/${method.name}`),
);

/**
 * Access control, decided here and nowhere else: the admin API always needs an admin user; the PowerAuth
 * services need integration credentials when restricted access is on. Both arrive as HTTP Basic in the
 * `authorization` metadata (the SOAP gateway turns a WS-Security UsernameToken into it). Health and
 * reflection stay open so that orchestration and grpcurl work.
 */
export function accessControl(deps: Deps): Interceptor {
  return (next) => async (request) => {
    const serviceName = request.service.typeName;
    if (serviceName === AdminService.typeName) {
      const credentials = parseBasic(request.header.get("authorization"));
      await checkAdmin(deps, credentials.username, credentials.password);
    } else if (deps.config.restrictAccess && powerAuthServices.has(serviceName)) {
      const credentials = parseBasic(request.header.get("authorization"));
      if (integrationManagement.has(`${serviceName}/${request.method.name}`)) {
        await authenticateIntegrationOrAdmin(deps, credentials.username, credentials.password);
      } else {
        await authenticateIntegration(deps.db, credentials.username, credentials.password);
      }
    }
    return next(request);
  };
}

async function authenticateIntegrationOrAdmin(deps: Deps, username: string, password: string): Promise<void> {
  try {
    await authenticateIntegration(deps.db, username, password);
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    await checkAdmin(deps, username, password);
  }
}

/**
 * Admin passwords are Argon2id hashes computed in the bounded pool. When it is saturated (a password flood)
 * the call fails at once with UNAVAILABLE rather than UNAUTHENTICATED: the credentials were never checked,
 * so a legitimate admin must not be told they are wrong, and clients and gateways treat UNAVAILABLE as
 * "try again later" (REST ERROR_INTERNAL_API, SOAP Server fault).
 */
async function checkAdmin(deps: Deps, username: string, password: string): Promise<void> {
  try {
    await authenticateAdmin(deps.db, deps.argon2, username, password);
  } catch (error) {
    if (error instanceof Argon2QueueFullError) {
      throw new ConnectError("Too many password checks in progress, try again later", Code.Unavailable);
    }
    throw error;
  }
}

export function parseBasic(header: string | null): { username: string; password: string } {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) throw new AuthenticationError("Missing HTTP Basic credentials");
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  if (separator <= 0) throw new AuthenticationError("Malformed HTTP Basic credentials");
  return { username: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}
