/**
 * The `mobileSdkConfig` string of the Cloud Admin API (cloud-admin.md §2): one Base64 blob that gives the
 * mobile SDK its app key, app secret and the master server public key, so apps need a single value.
 */

const FORMAT_VERSION = 0x01;
/** Key id of the P-256 master public key (uncompressed point), the only key protocol 3.x needs. */
export const SDK_KEY_ID_P256 = 0x01;

export interface MobileSdkConfig {
  applicationKey: string;
  applicationSecret: string;
  /** Base64 of the 65-byte uncompressed master public key. */
  masterServerPublicKey: string;
}

/** Serialises the config: VERSION, Data(appKey), Data(appSecret), Count(1), KEY_ID, Data(key). */
export function encodeMobileSdkConfig(config: MobileSdkConfig): string {
  const appKey = decodeExact(config.applicationKey, 16, "application key");
  const appSecret = decodeExact(config.applicationSecret, 16, "application secret");
  const masterKey = decodeExact(config.masterServerPublicKey, 65, "master server public key");
  const parts = [
    Buffer.from([FORMAT_VERSION]),
    encodeData(appKey),
    encodeData(appSecret),
    encodeCount(1),
    Buffer.from([SDK_KEY_ID_P256]),
    encodeData(masterKey),
  ];
  return Buffer.concat(parts).toString("base64");
}

/** Parses a config string (used by tests and by tools that inspect what an app was given). */
export function decodeMobileSdkConfig(value: string): MobileSdkConfig {
  const bytes = Buffer.from(value, "base64");
  let offset = 0;
  const readCount = (): number => {
    const first = bytes[offset];
    if (first === undefined) throw new Error("mobileSdkConfig is truncated");
    const marker = first & 0xc0;
    if (marker === 0x00 || marker === 0x40) {
      offset += 1;
      return first;
    }
    if (marker === 0x80) {
      const count = ((first & 0x3f) << 8) | bytes[offset + 1];
      offset += 2;
      return count;
    }
    const count = (first & 0x3f) * 0x1000000 + bytes.readUIntBE(offset + 1, 3);
    offset += 4;
    return count;
  };
  const readData = (): Buffer => {
    const length = readCount();
    if (offset + length > bytes.length) throw new Error("mobileSdkConfig is truncated");
    const data = bytes.subarray(offset, offset + length);
    offset += length;
    return data;
  };
  if (bytes[offset++] !== FORMAT_VERSION) throw new Error("unsupported mobileSdkConfig version");
  const applicationKey = readData().toString("base64");
  const applicationSecret = readData().toString("base64");
  const keyCount = readCount();
  let masterServerPublicKey: string | undefined;
  for (let i = 0; i < keyCount; i++) {
    const keyId = bytes[offset++];
    const key = readData();
    if (keyId === SDK_KEY_ID_P256) masterServerPublicKey = key.toString("base64");
  }
  if (!masterServerPublicKey) throw new Error("mobileSdkConfig has no P-256 master key");
  return { applicationKey, applicationSecret, masterServerPublicKey };
}

/** Big-endian count with a 2-bit length marker: 1, 2 or 4 bytes. */
export function encodeCount(count: number): Buffer {
  if (count < 0 || count > 0x3fffffff || !Number.isInteger(count)) throw new RangeError("count out of range");
  if (count <= 0x7f) return Buffer.from([count]);
  if (count <= 0x3fff) return Buffer.from([0x80 | (count >> 8), count & 0xff]);
  return Buffer.from([0xc0 | (count >>> 24), (count >>> 16) & 0xff, (count >>> 8) & 0xff, count & 0xff]);
}

function encodeData(data: Buffer): Buffer {
  return Buffer.concat([encodeCount(data.length), data]);
}

function decodeExact(value: string, length: number, what: string): Buffer {
  const bytes = Buffer.from(value, "base64");
  if (bytes.length !== length) throw new Error(`${what} must be ${length} bytes`);
  return bytes;
}
