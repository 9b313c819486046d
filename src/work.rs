//! A step counter for the extraction engine's own tests: every loop whose length depends on the
//! input reports its steps here, so a test can show that doubling an input doubles the work
//! (linear cost) without timing anything. Outside `cfg(test)` it compiles to nothing.

#[cfg(test)]
thread_local! {
    static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Records `count` elementary steps of the current thread's work.
#[inline(always)]
pub(crate) fn step(count: usize) {
    #[cfg(test)]
    STEPS.with(|steps| steps.set(steps.get().saturating_add(count as u64)));
    #[cfg(not(test))]
    let _ = count;
}

/// Runs `work` and returns its result with the steps it recorded on this thread.
#[cfg(test)]
pub(crate) fn measure<R>(work: impl FnOnce() -> R) -> (R, u64) {
    let before = STEPS.with(std::cell::Cell::get);
    let result = work();
    (result, STEPS.with(std::cell::Cell::get) - before)
}
