//! Burgerservicenummer (BSN), checked with the elfproef.

use std::fmt;

/// A Dutch citizen service number (burgerservicenummer) that passed the elfproef.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bsn([u8; 9]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BsnError {
    #[error("a BSN has exactly 9 digits")]
    Format,
    #[error("a BSN cannot be all zeros")]
    AllZeros,
    #[error("this BSN does not pass the elfproef")]
    Checksum,
}

impl Bsn {
    /// Parses a BSN. Eight-digit numbers are not padded: the BRP issues nine digits and a
    /// silently padded number is a common source of mismatches between chain partners.
    pub fn parse(input: &str) -> Result<Self, BsnError> {
        let bytes = input.trim().as_bytes();
        if bytes.len() != 9 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(BsnError::Format);
        }
        let mut digits = [0u8; 9];
        for (d, b) in digits.iter_mut().zip(bytes) {
            *d = b - b'0';
        }
        if digits.iter().all(|&d| d == 0) {
            return Err(BsnError::AllZeros);
        }
        // Weights 9..2 for the first eight digits, -1 for the last.
        let sum: i32 =
            digits[..8].iter().zip((2..=9).rev()).map(|(&d, w)| i32::from(d) * w).sum::<i32>() - i32::from(digits[8]);
        if sum % 11 != 0 {
            return Err(BsnError::Checksum);
        }
        Ok(Self(digits))
    }

    pub fn as_string(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }
}

impl fmt::Display for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

// Debug never prints the number: a BSN must not end up in logs.
impl fmt::Debug for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bsn(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_numbers() {
        // Test numbers that pass the elfproef (as used in BRP test sets).
        for n in ["111222333", "123456782", "999999990", "100000009"] {
            assert!(Bsn::parse(n).is_ok(), "{n} should be valid");
        }
        assert_eq!(Bsn::parse(" 123456782 ").unwrap().to_string(), "123456782");
    }

    #[test]
    fn rejects_bad_checksum() {
        assert_eq!(Bsn::parse("123456789"), Err(BsnError::Checksum));
        assert_eq!(Bsn::parse("111222334"), Err(BsnError::Checksum));
    }

    #[test]
    fn rejects_bad_format_and_zeros() {
        assert_eq!(Bsn::parse("12345678"), Err(BsnError::Format));
        assert_eq!(Bsn::parse("1234567820"), Err(BsnError::Format));
        assert_eq!(Bsn::parse("12345678a"), Err(BsnError::Format));
        assert_eq!(Bsn::parse(""), Err(BsnError::Format));
        assert_eq!(Bsn::parse("000000000"), Err(BsnError::AllZeros));
    }

    #[test]
    fn debug_hides_the_number() {
        assert_eq!(format!("{:?}", Bsn::parse("123456782").unwrap()), "Bsn(***)");
    }

    /// Independent recomputation: every number whose weighted sum is divisible by 11 passes,
    /// every other fails.
    #[test]
    fn agrees_with_direct_formula_on_a_sweep() {
        for base in (100_000_000u32..100_002_000).step_by(7) {
            let s = base.to_string();
            let d: Vec<i64> = s.bytes().map(|b| i64::from(b - b'0')).collect();
            let sum = 9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7] - d[8];
            assert_eq!(Bsn::parse(&s).is_ok(), sum % 11 == 0, "{s}");
        }
    }
}
