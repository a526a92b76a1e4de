//! Retry schedule for outbound messages: exponential backoff with jitter, capped, and a
//! bounded number of attempts after which a message is dead (dead letter).

use rand::Rng;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub cap: Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { base: Duration::from_secs(2), cap: Duration::from_secs(15 * 60), max_attempts: 12 }
    }
}

impl RetryPolicy {
    /// The ceiling of the wait after `attempts` failed attempts: base·2^(attempts−1), capped.
    pub fn ceiling(&self, attempts: u32) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        self.base.saturating_mul(1u32 << exp).min(self.cap)
    }

    /// When to try again after `attempts` failed attempts, or `None` when the message is dead.
    /// The wait is drawn uniformly between half the ceiling and the ceiling ("equal jitter"):
    /// retries of many messages spread out, so a partner coming back is not hit by all of
    /// them at once, while no retry comes much earlier than the schedule.
    pub fn next_delay(&self, attempts: u32, rng: &mut impl Rng) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let ceiling = self.ceiling(attempts);
        Some(Duration::from_millis(rng.gen_range(ceiling.as_millis() as u64 / 2..=ceiling.as_millis() as u64)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{SeedableRng, rngs::StdRng};

    #[test]
    fn delays_grow_exponentially_up_to_the_cap() {
        let p = RetryPolicy { base: Duration::from_secs(1), cap: Duration::from_secs(60), max_attempts: 10 };
        let ceilings: Vec<u64> = (1..=8).map(|a| p.ceiling(a).as_secs()).collect();
        assert_eq!(ceilings, [1, 2, 4, 8, 16, 32, 60, 60]);
    }

    #[test]
    fn jitter_stays_between_half_and_the_ceiling() {
        let p = RetryPolicy::default();
        let mut rng = StdRng::seed_from_u64(7);
        for attempts in 1..p.max_attempts {
            for _ in 0..100 {
                let d = p.next_delay(attempts, &mut rng).unwrap();
                assert!(d <= p.ceiling(attempts) && d >= p.ceiling(attempts) / 2, "{attempts}: {d:?}");
            }
        }
    }

    #[test]
    fn after_the_last_attempt_the_message_is_dead() {
        let p = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
        let mut rng = StdRng::seed_from_u64(1);
        assert!(p.next_delay(2, &mut rng).is_some());
        assert!(p.next_delay(3, &mut rng).is_none());
    }
}
