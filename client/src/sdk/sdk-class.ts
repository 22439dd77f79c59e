// @pipedrive/app-extensions-sdk is CommonJS with the class on `exports.default`. Bundlers that follow
// Node's interop (Vite 8 / Rolldown for a "type": "module" package) hand over the whole exports object
// as the default import, others the class itself; this takes the class from either.
import Imported from '@pipedrive/app-extensions-sdk';

type SdkClass = typeof Imported;

function resolveClass(value: SdkClass | { default: SdkClass }): SdkClass {
  return typeof value === 'function' ? value : value.default;
}

export const AppExtensionsSDK: SdkClass = resolveClass(Imported as SdkClass | { default: SdkClass });
export type AppExtensionsSDK = InstanceType<SdkClass>;
