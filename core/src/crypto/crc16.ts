/**
 * CRC-16/ARC (reflected poly 0x8005 = 0xA001, init 0, no final xor), the
 * checksum of activation and recovery codes. check("123456789") = 0xBB3D.
 */
export function crc16Arc(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}
