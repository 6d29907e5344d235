import type { CallbackAuthentication } from "../domain/callbacks/callback-authentication.ts";
import type { CallbackHttpClient } from "./callback-http.ts";

type OAuth2Settings = NonNullable<CallbackAuthentication["oauth2"]>;

/** A token without `expires_in` is kept this long. */
const DEFAULT_TOKEN_LIFETIME_MS = 300_000;
/** A token is renewed this long before it expires (at most half its lifetime), so none expires in flight. */
const EXPIRY_MARGIN_MS = 30_000;
/** Callbacks whose tokens are kept; more (unlikely) drops the oldest. */
const MAX_CACHED = 10_000;

/**
 * OAuth 2.0 client-credentials tokens of callbacks (RFC 6749 §4.4, client authenticated with HTTP Basic as
 * §2.3.1 asks), one per callback, kept in this core's memory until shortly before it expires. Concurrent
 * deliveries share one request for a token; a changed client configuration gets a new token.
 */
export class OAuth2TokenCache {
  readonly #http: CallbackHttpClient;
  readonly #tokens = new Map<string, { client: string; token: Promise<string | { reason: string }>; value?: string; expiresAt: number }>();

  constructor(http: CallbackHttpClient) {
    this.#http = http;
  }

  /** The callback's current token (fetched when missing or expiring), or why none could be had. */
  get(callbackId: string, settings: OAuth2Settings, deadline: number): Promise<string | { reason: string }> {
    const client = JSON.stringify([settings.tokenUri, settings.clientId, settings.clientSecret, settings.scope]);
    const cached = this.#tokens.get(callbackId);
    if (cached && cached.client === client && cached.expiresAt > Date.now()) return cached.token;
    const entry: { client: string; token: Promise<string | { reason: string }>; value?: string; expiresAt: number } = {
      client,
      expiresAt: Number.POSITIVE_INFINITY,
      token: Promise.resolve(""),
    };
    entry.token = this.#fetch(settings, deadline).then((result) => {
      if ("reason" in result) {
        // A failed fetch is not cached: the next attempt asks again.
        if (this.#tokens.get(callbackId) === entry) this.#tokens.delete(callbackId);
        return { reason: result.reason };
      }
      entry.expiresAt = Date.now() + result.lifetimeMs - Math.min(EXPIRY_MARGIN_MS, result.lifetimeMs / 2);
      entry.value = result.token;
      return result.token;
    });
    this.#tokens.delete(callbackId);
    if (this.#tokens.size >= MAX_CACHED) this.#tokens.delete(this.#tokens.keys().next().value ?? "");
    this.#tokens.set(callbackId, entry);
    return entry.token;
  }

  /** Drops the token the receiver refused (401), unless a newer one replaced it meanwhile. */
  invalidate(callbackId: string, token: string): void {
    if (this.#tokens.get(callbackId)?.value === token) this.#tokens.delete(callbackId);
  }

  async #fetch(settings: OAuth2Settings, deadline: number): Promise<{ token: string; lifetimeMs: number } | { reason: string }> {
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (settings.scope) form.set("scope", settings.scope);
    const credentials = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret ?? "")}`;
    const exchange = await this.#http.post(
      settings.tokenUri,
      {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/json",
        Authorization: `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`,
      },
      form.toString(),
      deadline,
    );
    if (!exchange.ok) return { reason: `token_${exchange.reason}` };
    if (exchange.status < 200 || exchange.status >= 300) return { reason: `token_http_${exchange.status}` };
    try {
      const body = JSON.parse(exchange.body.toString("utf8")) as { access_token?: unknown; expires_in?: unknown };
      if (typeof body.access_token !== "string" || body.access_token === "") return { reason: "token_malformed" };
      const expiresIn = Number(body.expires_in);
      const lifetimeMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_TOKEN_LIFETIME_MS;
      return { token: body.access_token, lifetimeMs };
    } catch {
      return { reason: "token_malformed" };
    }
  }
}
