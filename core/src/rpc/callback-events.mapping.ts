import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  CallbackEventSchema,
  CallbackEventStatus as ProtoStatus,
  ListCallbackEventsResponseSchema,
  RetryCallbackEventResponseSchema,
} from "@powerauth/proto/powerauth/callbacks/v1/callback_events_pb.js";
import type {
  CallbackEvent,
  ListCallbackEventsRequest,
  ListCallbackEventsResponse,
  RetryCallbackEventRequest,
  RetryCallbackEventResponse,
} from "@powerauth/proto/powerauth/callbacks/v1/callback_events_pb.js";
import type { CallbackEventQuery } from "../domain/callbacks/callback-events.ts";
import type { CallbackEventRecord, CallbackEventStatus } from "../persistence/callback-event.repository.ts";
import { invalidRequest } from "./errors.ts";
import { optionalText, optionalTimestamp, requireId } from "./validation.ts";

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

const STATUSES: Record<CallbackEventStatus, ProtoStatus> = {
  PENDING: ProtoStatus.PENDING,
  PROCESSING: ProtoStatus.PROCESSING,
  COMPLETED: ProtoStatus.COMPLETED,
  FAILED: ProtoStatus.FAILED,
};

export function fromProtoListCallbackEvents(request: ListCallbackEventsRequest): CallbackEventQuery {
  if (!Number.isInteger(request.pageSize) || request.pageSize < 0 || request.pageSize > MAX_PAGE_SIZE) {
    throw invalidRequest(`pageSize must be 0-${MAX_PAGE_SIZE}`);
  }
  const status = (Object.keys(STATUSES) as CallbackEventStatus[]).find((name) => STATUSES[name] === request.status) ?? null;
  if (status === null && request.status !== ProtoStatus.UNSPECIFIED) throw invalidRequest("status is not a callback event status");
  let after: number | null = null;
  if (request.pageToken !== "") {
    if (!/^[1-9]\d{0,15}$/.test(request.pageToken)) throw invalidRequest("pageToken is not one this service issued");
    after = requireId(BigInt(request.pageToken), "pageToken");
  }
  return {
    callbackId: optionalText(request.callbackId, "callbackId", 37) ?? null,
    status,
    createdFrom: optionalTimestamp(request.createdFrom) ?? null,
    createdBefore: optionalTimestamp(request.createdBefore) ?? null,
    pageSize: request.pageSize === 0 ? DEFAULT_PAGE_SIZE : request.pageSize,
    after,
  };
}

export function toProtoListCallbackEvents(page: { events: CallbackEventRecord[]; nextAfter: number | null }): ListCallbackEventsResponse {
  return create(ListCallbackEventsResponseSchema, {
    events: page.events.map(toProtoCallbackEvent),
    nextPageToken: page.nextAfter === null ? "" : String(page.nextAfter),
  });
}

export function fromProtoRetryCallbackEvent(request: RetryCallbackEventRequest): number {
  return requireId(request.eventId, "eventId");
}

export function toProtoRetryCallbackEvent(event: CallbackEventRecord): RetryCallbackEventResponse {
  return create(RetryCallbackEventResponseSchema, { event: toProtoCallbackEvent(event) });
}

function toProtoCallbackEvent(event: CallbackEventRecord): CallbackEvent {
  const optional = (date: Date | null) => (date === null ? undefined : timestampFromDate(date));
  return create(CallbackEventSchema, {
    id: BigInt(event.id),
    callbackId: event.callbackId,
    status: STATUSES[event.status],
    attempts: event.attempts,
    idempotencyKey: event.idempotencyKey,
    orderingKey: event.orderingKey ?? undefined,
    timestampCreated: timestampFromDate(event.timestampCreated),
    timestampLastCall: optional(event.timestampLastCall),
    timestampNextCall: optional(event.timestampNextCall),
    timestampDeleteAfter: optional(event.timestampDeleteAfter),
  });
}
