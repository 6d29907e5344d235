import { Migration0001Initial } from "./0001-initial.ts";
import { Migration0002Activations } from "./0002-activations.ts";
import { Migration0003Callbacks } from "./0003-callbacks.ts";
import { Migration0004CallbackDelivery } from "./0004-callback-delivery.ts";
import { Migration0005Recovery } from "./0005-recovery.ts";
import { Migration0006Operations } from "./0006-operations.ts";
import { Migration0007PushTelemetry } from "./0007-push-telemetry.ts";
import { Migration0008UniqueValues } from "./0008-unique-values.ts";
import { Migration0009SecretKeyIds } from "./0009-secret-key-ids.ts";
import { Migration0010PendingActivationExpiry } from "./0010-pending-activation-expiry.ts";
import { Migration0011ActivationUpkeep } from "./0011-activation-upkeep.ts";

/** Every migration in order. New ones are appended, never edited once released. */
export const migrationsList = [
  { name: "0001-initial", class: Migration0001Initial },
  { name: "0002-activations", class: Migration0002Activations },
  { name: "0003-callbacks", class: Migration0003Callbacks },
  { name: "0004-callback-delivery", class: Migration0004CallbackDelivery },
  { name: "0005-recovery", class: Migration0005Recovery },
  { name: "0006-operations", class: Migration0006Operations },
  { name: "0007-push-telemetry", class: Migration0007PushTelemetry },
  { name: "0008-unique-values", class: Migration0008UniqueValues },
  { name: "0009-secret-key-ids", class: Migration0009SecretKeyIds },
  { name: "0010-pending-activation-expiry", class: Migration0010PendingActivationExpiry },
  { name: "0011-activation-upkeep", class: Migration0011ActivationUpkeep },
];
