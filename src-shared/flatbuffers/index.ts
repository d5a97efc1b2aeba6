export { CorruptBufferError, decodeObjectDetectionTop } from './object-detection.js';
export { encodeObjectDetectionTop, type EncodableDetection, type EncodeOptions } from './encode.js';
