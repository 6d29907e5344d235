import { randomBytes, utf8 } from "../../crypto/bytes.ts";
import { hmacSha256 } from "../../crypto/hash.ts";
import { AdminLoginThrottledError } from "../errors.ts";

/**
 * The login settings of the core's configuration (config.ts documents each variable and its default): cache
 * lifetime (0 = off) and size, failures per username and per address within the window, and password
 * checks in flight per username and per address.
 */
export interface AdminLoginSettings {
  adminAuthCacheTtlMs: number;
  adminAuthCacheMaxEntries: number;
  adminLoginMaxFailures: number;
  adminLoginMaxFailuresPerAddress: number;
  adminLoginFailureWindowMs: number;
  adminLoginMaxInFlight: number;
}

/** What a remembered login stands for: the user and the stored hash it was verified against. */
export interface RememberedLogin {
  userId: number;
  passwordHash: string;
}

interface FailureWindow {
  count: number;
  endsAt: number;
}

/** Throttle state is bounded too, so that a flood of distinct usernames cannot grow it without limit. */
const MAX_FAILURE_KEYS = 10_000;
/** Retry-After when only the in-flight bound refused: a password check takes well under a second. */
const IN_FLIGHT_RETRY_MS = 1_000;

/**
 * The in-memory state that makes admin logins cheap and safe, one per core process (built in startServer and
 * passed through Deps): verified credentials remembered for a short time under an HMAC with a key that never
 * leaves the process (so neither the password nor anything that verifies offline against it is kept), counts
 * of recent failures per username and per client address, and the password checks in flight for each.
 * It holds no rule about users; admin-users.ts decides with it.
 */
export class AdminLoginGuard {
  readonly settings: AdminLoginSettings;
  private readonly key = randomBytes(32);
  private readonly remembered = new Map<string, RememberedLogin & { expiresAt: number }>();
  private readonly failures = new Map<string, FailureWindow>();
  private readonly inFlight = new Map<string, number>();
  private readonly now: () => number;

  constructor(settings: AdminLoginSettings, now: () => number = Date.now) {
    this.settings = settings;
    this.now = now;
  }

  /** The cache key of a username and password: an HMAC under the per-process key, with the username framed. */
  credentialKey(username: string, password: string): string {
    const name = utf8(username);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(name.length);
    return hmacSha256(this.key, length, name, utf8(password)).toString("base64");
  }

  /** The login remembered under `key`, if it has not expired. */
  recall(key: string): RememberedLogin | undefined {
    const entry = this.remembered.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remembered.delete(key);
      return undefined;
    }
    return { userId: entry.userId, passwordHash: entry.passwordHash };
  }

  /** Remembers a verified login (nothing when the cache is off), forgetting the oldest entry past the bound. */
  remember(key: string, login: RememberedLogin): void {
    const { adminAuthCacheTtlMs: ttl, adminAuthCacheMaxEntries: max } = this.settings;
    if (ttl <= 0) return;
    this.remembered.delete(key);
    this.remembered.set(key, { ...login, expiresAt: this.now() + ttl });
    while (this.remembered.size > max) this.remembered.delete(this.remembered.keys().next().value as string);
  }

  forget(key: string): void {
    this.remembered.delete(key);
  }

  /** Forgets every remembered login of a user, at once in this process (other processes see the changed row). */
  forgetUser(userId: number): void {
    for (const [key, entry] of this.remembered) if (entry.userId === userId) this.remembered.delete(key);
  }

  /**
   * Starts a password check, or refuses it with {@link AdminLoginThrottledError} when the username or the
   * address has failed too often lately or already has its share of checks running. The returned function
   * ends the check and must be called exactly once.
   */
  begin(username: string, address: string): () => void {
    const s = this.settings;
    this.refuseIfFailing(userKey(username), s.adminLoginMaxFailures, "username");
    this.refuseIfFailing(addressKey(address), s.adminLoginMaxFailuresPerAddress, "client address");
    const keys = [userKey(username), addressKey(address)];
    for (const key of keys) {
      if ((this.inFlight.get(key) ?? 0) >= s.adminLoginMaxInFlight) {
        throw new AdminLoginThrottledError("checks in progress", IN_FLIGHT_RETRY_MS);
      }
    }
    for (const key of keys) this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      for (const key of keys) {
        const left = (this.inFlight.get(key) ?? 1) - 1;
        if (left > 0) this.inFlight.set(key, left);
        else this.inFlight.delete(key);
      }
    };
  }

  /** Counts a failed login against both the username and the address. */
  recordFailure(username: string, address: string): void {
    for (const key of [userKey(username), addressKey(address)]) {
      const now = this.now();
      const window = this.failures.get(key);
      if (window && window.endsAt > now) {
        window.count++;
        continue;
      }
      this.failures.delete(key);
      this.failures.set(key, { count: 1, endsAt: now + this.settings.adminLoginFailureWindowMs });
      this.trimFailures(now);
    }
  }

  /** A successful login clears the username's failures; the address keeps its own (it may be guessing others). */
  recordSuccess(username: string): void {
    this.failures.delete(userKey(username));
  }

  private refuseIfFailing(key: string, max: number, reason: string): void {
    const window = this.failures.get(key);
    if (!window) return;
    const left = window.endsAt - this.now();
    if (left <= 0) this.failures.delete(key);
    else if (window.count >= max) throw new AdminLoginThrottledError(`${reason} failed too often`, left);
  }

  private trimFailures(now: number): void {
    if (this.failures.size <= MAX_FAILURE_KEYS) return;
    for (const [key, window] of this.failures) if (window.endsAt <= now) this.failures.delete(key);
    while (this.failures.size > MAX_FAILURE_KEYS) this.failures.delete(this.failures.keys().next().value as string);
  }
}

function userKey(username: string): string {
  return `u\0${username}`;
}

function addressKey(address: string): string {
  return `a\0${address}`;
}
