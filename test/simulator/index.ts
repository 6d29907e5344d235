// Device simulator for tests: an independent client implementation on @noble/*.
export { SimulatedDevice } from "./device.ts";
export type { ActivationResult, DeviceConfig, DeviceStatus, EncryptedResponse, SignedRequest, SimSignatureType } from "./device.ts";
export { SimulatedIntermediateServer } from "./intermediate.ts";
export type { ActivationLayer1, EciesDecryptorFields, PowerAuthHeader } from "./intermediate.ts";
export type { EciesFields } from "./ecies.ts";
export { SimulatedPrintingCenter } from "./printing-center.ts";
export type { Postcard } from "./printing-center.ts";
