/** `@vigil/core/disk-buffer`: the disk buffer, loaded only when an output's buffer_strategy is "disk". */
export { DiskBuffer, inspectBuffer, type BufferInspection } from './buffers/disk/index.js';
