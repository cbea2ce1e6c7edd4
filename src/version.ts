// Set by the bundler (scripts/build.mjs) from package.json; source runs under tsx say "dev".
declare const NATPROBE_VERSION: string | undefined;
export const VERSION: string = typeof NATPROBE_VERSION === 'string' ? NATPROBE_VERSION : '0.0.0-dev';
