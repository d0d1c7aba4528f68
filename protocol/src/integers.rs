//! Integers as JSON counts them: `3` and `3.0` are the same number, and JSON Schema's
//! `integer` admits both. serde reads only the first into an `i64`; fields that a generic
//! client (or a fuzzer following the OpenAPI document) fills read both.

use serde::{Deserialize, Deserializer, de::Error};

#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Integer(i64),
    Float(f64),
}

/// An `i64` written with or without a fractional part of zero.
pub fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    match Number::deserialize(deserializer)? {
        Number::Integer(value) => Ok(value),
        // i64::MAX as f64 rounds up to 2^63, which is out of range: hence `<`.
        Number::Float(value)
            if value.fract() == 0.0 && value >= i64::MIN as f64 && value < i64::MAX as f64 =>
        {
            Ok(value as i64)
        }
        Number::Float(value) => Err(D::Error::custom(format!(
            "invalid value: {value}, expected an integer"
        ))),
    }
}

/// [`integer`], or `null`.
pub fn optional_integer<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "integer")] i64);
    Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|Wrapped(value)| value))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Seq {
        #[serde(deserialize_with = "super::integer")]
        seq: i64,
        #[serde(default, deserialize_with = "super::optional_integer")]
        root: Option<i64>,
    }

    fn read(json: &str) -> Result<(i64, Option<i64>), String> {
        serde_json::from_str::<Seq>(json)
            .map(|s| (s.seq, s.root))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn integral_numbers_are_read_with_or_without_a_fraction() {
        assert_eq!(read(r#"{"seq": 3}"#), Ok((3, None)));
        assert_eq!(read(r#"{"seq": 3.0, "root": 7.0}"#), Ok((3, Some(7))));
        assert_eq!(read(r#"{"seq": -5, "root": null}"#), Ok((-5, None)));
        assert_eq!(
            read(r#"{"seq": 7665129641235.0}"#),
            Ok((7_665_129_641_235, None))
        );
    }

    #[test]
    fn fractions_strings_and_huge_numbers_are_refused() {
        for json in [
            r#"{"seq": 3.5}"#,
            r#"{"seq": "3"}"#,
            r#"{"seq": 1e300}"#,
            r#"{"seq": 9223372036854775808}"#,
            r#"{"seq": 3, "root": 0.25}"#,
        ] {
            assert!(read(json).is_err(), "{json} was read");
        }
    }
}
