/** Placeholder entry point; the SDK is being written. */
export const sdkVersion = '0.1.0';
