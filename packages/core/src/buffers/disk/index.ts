export { DiskBuffer, type DiskBufferOptions } from './disk-buffer.js';
export { inspectBuffer, type BufferInspection } from './inspect.js';
