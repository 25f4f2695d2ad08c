// A WASI (preview 1) shim with exactly the imports the Heed module
// declares. The Go runtime needs a clock, randomness and somewhere to
// write; the engine needs no files, arguments or environment, so those
// answer as empty or unsupported. Nothing the module writes is kept or
// logged: drafts never leave the engine.

/** errno values of WASI preview 1. */
export const Errno = {
  success: 0,
  badf: 8,
  inval: 28,
  nosys: 52,
  notcapable: 76,
} as const;

/** The exit of the module, thrown by proc_exit. */
export class WasiExit extends Error {
  constructor(readonly code: number) {
    super(`WebAssembly module exited with code ${code}`);
  }
}

type MemoryGetter = () => WebAssembly.Memory;

/**
 * Builds the wasi_snapshot_preview1 import object. `memory` is called on
 * every access, since a grown memory detaches the old ArrayBuffer.
 */
export function wasiImports(memory: MemoryGetter): Record<string, (...args: never[]) => number | void> {
  const view = () => new DataView(memory().buffer);
  const bytes = () => new Uint8Array(memory().buffer);
  const isStdio = (fd: number) => fd >= 0 && fd <= 2;

  return {
    args_sizes_get(argc: number, argvBufSize: number): number {
      view().setUint32(argc, 0, true);
      view().setUint32(argvBufSize, 0, true);
      return Errno.success;
    },
    args_get(): number {
      return Errno.success;
    },
    environ_sizes_get(count: number, bufSize: number): number {
      view().setUint32(count, 0, true);
      view().setUint32(bufSize, 0, true);
      return Errno.success;
    },
    environ_get(): number {
      return Errno.success;
    },
    clock_time_get(id: number, _precision: bigint, out: number): number {
      // 0 is the realtime clock, 1 the monotonic one; both in nanoseconds.
      const ns =
        id === 0
          ? BigInt(Date.now()) * 1_000_000n
          : BigInt(Math.round(performance.now() * 1_000_000));
      view().setBigUint64(out, ns, true);
      return Errno.success;
    },
    random_get(buf: number, len: number): number {
      // getRandomValues fills at most 65,536 bytes at a time.
      for (let off = 0; off < len; off += 65536) {
        crypto.getRandomValues(bytes().subarray(buf + off, buf + Math.min(len, off + 65536)));
      }
      return Errno.success;
    },
    fd_write(fd: number, iovs: number, iovsLen: number, nwritten: number): number {
      if (!isStdio(fd)) return Errno.badf;
      // Count what the module writes (the runtime's own messages) and
      // drop it.
      let total = 0;
      const v = view();
      for (let i = 0; i < iovsLen; i++) total += v.getUint32(iovs + i * 8 + 4, true);
      v.setUint32(nwritten, total, true);
      return Errno.success;
    },
    fd_read(): number {
      return Errno.badf;
    },
    fd_close(fd: number): number {
      return isStdio(fd) ? Errno.success : Errno.badf;
    },
    fd_seek(): number {
      return Errno.badf;
    },
    fd_fdstat_get(fd: number, out: number): number {
      if (!isStdio(fd)) return Errno.badf;
      const v = view();
      v.setUint8(out, 2); // filetype: character device
      v.setUint16(out + 2, 0, true); // flags
      v.setBigUint64(out + 8, 0n, true); // rights base
      v.setBigUint64(out + 16, 0n, true); // rights inheriting
      return Errno.success;
    },
    fd_fdstat_set_flags(fd: number): number {
      return isStdio(fd) ? Errno.success : Errno.badf;
    },
    fd_prestat_get(): number {
      return Errno.badf; // no preopened directories
    },
    fd_prestat_dir_name(): number {
      return Errno.badf;
    },
    path_open(): number {
      return Errno.notcapable;
    },
    path_filestat_get(): number {
      return Errno.notcapable;
    },
    poll_oneoff(subs: number, events: number, nsubs: number, nevents: number): number {
      // Go polls only to sleep. A browser cannot block, so every
      // subscription is reported as due at once.
      const v = view();
      for (let i = 0; i < nsubs; i++) {
        const sub = subs + i * 48;
        const ev = events + i * 32;
        v.setBigUint64(ev, v.getBigUint64(sub, true), true); // userdata
        v.setUint16(ev + 8, Errno.success, true); // error
        v.setUint8(ev + 10, v.getUint8(sub + 8)); // type
      }
      v.setUint32(nevents, nsubs, true);
      return Errno.success;
    },
    sched_yield(): number {
      return Errno.success;
    },
    proc_exit(code: number): void {
      throw new WasiExit(code);
    },
  };
}
