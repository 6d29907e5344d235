import type { ConnectRouter } from "@connectrpc/connect";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { CallbackEventService } from "@powerauth/proto/powerauth/callbacks/v1/callback_events_pb.js";
import { OperationService } from "@powerauth/proto/powerauth/operations/v1/operations_pb.js";
import { PowerAuthService as PowerAuthServiceV2 } from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import { PowerAuthService as PowerAuthServiceV3 } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { activationHandlers } from "./activations.ts";
import { adminCallbackHandlers } from "./admin-callbacks.ts";
import { adminPushHandlers } from "./admin-push.ts";
import { adminTelemetryHandlers } from "./admin-telemetry.ts";
import { adminHandlers } from "./admin.ts";
import { adminOperationHandlers } from "./admin-operations.ts";
import { adminUserHandlers } from "./admin-users.ts";
import { callbackHandlers } from "./callbacks.ts";
import { eciesHandlers } from "./ecies.ts";
import { applicationHandlers } from "./applications.ts";
import { callbackEventHandlers } from "./callback-events.ts";
import type { Deps } from "./deps.ts";
import { registerHealth } from "./health.ts";
import { integrationHandlers } from "./integrations.ts";
import { operationHandlers } from "./operations.ts";
import { legacyHandlers } from "./legacy.ts";
import { recoveryHandlers } from "./recovery.ts";
import { registerReflection } from "./reflection.ts";
import { signatureHandlers } from "./signatures.ts";
import { systemHandlers } from "./system.ts";
import { tokenHandlers } from "./tokens.ts";
import { upgradeHandlers } from "./upgrade.ts";
import { vaultHandlers } from "./vault.ts";

/** Services the core answers; an RPC without a handler here answers UNIMPLEMENTED (never a fake success). */
export const services = [PowerAuthServiceV3, PowerAuthServiceV2, AdminService, OperationService, CallbackEventService];

/** Lists the RPC groups; each group file maps proto ⇄ domain for its methods. */
export function routes(deps: Deps) {
  return (router: ConnectRouter) => {
    router.service(PowerAuthServiceV3, {
      ...systemHandlers(deps),
      ...applicationHandlers(deps),
      ...integrationHandlers(deps),
      ...callbackHandlers(deps),
      ...activationHandlers(deps),
      ...signatureHandlers(deps),
      ...tokenHandlers(deps),
      ...vaultHandlers(deps),
      ...eciesHandlers(deps),
      ...recoveryHandlers(deps),
      ...upgradeHandlers(deps),
    });
    router.service(PowerAuthServiceV2, legacyHandlers(deps));
    router.service(AdminService, { ...adminHandlers(deps), ...adminCallbackHandlers(deps), ...adminPushHandlers(deps), ...adminTelemetryHandlers(deps), ...adminUserHandlers(deps), ...adminOperationHandlers(deps) });
    router.service(OperationService, operationHandlers(deps));
    router.service(CallbackEventService, callbackEventHandlers(deps));
    registerHealth(router, deps, services.map((service) => service.typeName));
    registerReflection(router, services);
  };
}
