/**
 * Key files named in an OpenVPN config (`tls-auth ta.key 1`), read the way OpenVPN resolves
 * them for a config given by path: relative to the config's directory. Only regular files, and
 * only a few kilobytes (a static key is about 640 bytes, a tls-crypt-v2 client key under 2 KiB):
 * a config naming /dev/zero or a FIFO must not hang or fill memory.
 */
import { promises as fs, constants } from 'node:fs';
import * as path from 'node:path';
import type { KeyFileReader } from './config';

export const MAX_KEY_FILE_BYTES = 16 * 1024;

export function keyFileReader(configPath: string, maxBytes = MAX_KEY_FILE_BYTES): KeyFileReader {
  const base = path.dirname(path.resolve(configPath));
  return async (name: string) => {
    const full = path.resolve(base, name);
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then says it is no file.
    const handle = await fs.open(full, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new Error('not a regular file');
      if (st.size > maxBytes) throw new Error(`${st.size} bytes, more than a key file holds (${maxBytes})`);
      const buffer = Buffer.alloc(maxBytes + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled > maxBytes) throw new Error(`more than a key file holds (${maxBytes} bytes)`);
      }
      return buffer.subarray(0, filled).toString('utf8');
    } finally {
      await handle.close();
    }
  };
}
