import type { ServiceImpl } from "@connectrpc/connect";
import type { CallbackEventService } from "@powerauth/proto/powerauth/callbacks/v1/callback_events_pb.js";
import { listCallbackEvents, retryCallbackEvent } from "../domain/callbacks/callback-events.ts";
import {
  fromProtoListCallbackEvents,
  fromProtoRetryCallbackEvent,
  toProtoListCallbackEvents,
  toProtoRetryCallbackEvent,
} from "./callback-events.mapping.ts";
import type { Deps } from "./deps.ts";

/** The callback outbox for operators (admin users only, see auth.ts). */
export function callbackEventHandlers(deps: Deps): ServiceImpl<typeof CallbackEventService> {
  const { db } = deps;
  return {
    async listCallbackEvents(request) {
      return toProtoListCallbackEvents(await listCallbackEvents(db, fromProtoListCallbackEvents(request)));
    },
    async retryCallbackEvent(request) {
      return toProtoRetryCallbackEvent(await retryCallbackEvent(db, fromProtoRetryCallbackEvent(request)));
    },
  };
}
