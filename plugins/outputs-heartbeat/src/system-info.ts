import { getHostSnapshot } from '@vigil/inputs-system';

/**
 * `systemInfo`: inputs.system's host snapshot, camelCase fields as it gives them. With
 * `cloudMetadata` it asks the cloud's metadata service too (cached by inputs.system).
 */
export function hostSnapshot(cloudMetadata: boolean): Promise<object> {
  return getHostSnapshot({ cloudMetadata });
}
