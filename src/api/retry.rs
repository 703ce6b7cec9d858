//! Retry policy for uploads: exponential backoff with full jitter (M. Brooker,
//! "Exponential Backoff And Jitter", AWS Architecture Blog, 2015), so many
//! shoppers coming back online do not retry in lockstep.

/// Delay before attempt `attempt` (1 = the first retry), given a uniform
/// random number `r` in [0, 1): uniform in [0, min(cap, base * 2^attempt)).
pub fn backoff_ms(attempt: u32, r: f64) -> u32 {
    const BASE_MS: f64 = 500.0;
    const CAP_MS: f64 = 15_000.0;
    let ceiling = (BASE_MS * 2f64.powi(attempt.min(16) as i32)).min(CAP_MS);
    // Never zero, so a retry never spins.
    (ceiling * r.clamp(0.0, 0.999_999)).max(100.0) as u32
}

/// How many attempts an upload gets before the shopper is asked to retry
/// (about a minute of backoff in the worst case).
pub const MAX_ATTEMPTS: u32 = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps() {
        assert!(backoff_ms(1, 0.999) <= 1000);
        assert!(backoff_ms(3, 0.999) <= 4000 && backoff_ms(3, 0.999) > 3000);
        assert!(backoff_ms(10, 0.999) <= 15_000 && backoff_ms(10, 0.999) > 14_000);
        assert!(backoff_ms(40, 0.5) <= 15_000);
    }

    #[test]
    fn jitter_spreads_and_never_spins() {
        assert_eq!(backoff_ms(2, 0.0), 100);
        assert!(backoff_ms(2, 0.25) < backoff_ms(2, 0.75));
    }
}
