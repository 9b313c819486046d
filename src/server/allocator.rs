//! The C allocator's settings for a long-running server on glibc: memory a large request used
//! goes back to the system when the request ends, instead of staying with the process.
//!
//! glibc serves a block of 128 KiB or more with its own mapping, returned to the system on free,
//! but after the first such free it raises that threshold (up to 32 MiB) so later large blocks
//! come from its heaps, which it rarely shrinks. An engine that builds a few megabytes of
//! buffers per large text then keeps its peak for good (measured: 125 MiB settled after eight
//! 1 MiB calls, against 47 MiB with the threshold fixed; BENCHMARKS.md). Fixing the threshold,
//! trimming the heaps' free tops past 128 KiB and keeping to two heaps per core pair return it.
//! An operator's own `MALLOC_*` environment variables win over these.

/// The settings, applied once at start, before the runtime's threads exist.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const MMAP_THRESHOLD: libc::c_int = 128 * 1024;
        const TRIM_THRESHOLD: libc::c_int = 128 * 1024;
        const ARENAS: libc::c_int = 2;
        let settings = [
            ("MALLOC_MMAP_THRESHOLD_", libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD),
            ("MALLOC_TRIM_THRESHOLD_", libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD),
            ("MALLOC_ARENA_MAX", libc::M_ARENA_MAX, ARENAS),
        ];
        for (variable, parameter, value) in settings {
            if std::env::var_os(variable).is_none() {
                // SAFETY: mallopt only changes the allocator's tuning parameters; it is called
                // before any other thread of this process starts allocating.
                unsafe {
                    libc::mallopt(parameter, value);
                }
            }
        }
    }
}
