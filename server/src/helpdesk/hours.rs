//! The support team's working hours, in the council's time zone (daylight saving included):
//! whether the team is in now, when it comes back, and how many working minutes lie between
//! two instants (for escalation). Pure functions of the instants given: callers pass "now",
//! so tests pass any time they like.

use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use crate::config::SupportSettings;

/// When the team works: the same hours on each working day.
#[derive(Debug, Clone)]
pub struct WorkingHours {
    zone: TimeZone,
    opens: Time,
    closes: Time,
    days: [bool; 7],
}

/// How far ahead the next opening is looked for (a team that never works has none).
const LOOK_AHEAD_DAYS: i64 = 14;

impl WorkingHours {
    /// The hours `[support]` sets; `None` when it sets none (the team is always in).
    pub fn of(settings: &SupportSettings) -> Result<Option<WorkingHours>, String> {
        let Some(hours) = settings.hours.as_deref() else {
            return Ok(None);
        };
        let (opens, closes) = hours
            .split_once('-')
            .ok_or_else(|| format!("support.hours must look like 08:00-15:00, not {hours:?}"))?;
        let time = |text: &str| -> Result<Time, String> {
            Time::strptime("%H:%M", text.trim())
                .map_err(|_| format!("support.hours must look like 08:00-15:00, not {hours:?}"))
        };
        let (opens, closes) = (time(opens)?, time(closes)?);
        if opens >= closes {
            return Err("support.hours must open before it closes".into());
        }
        let zone = TimeZone::get(&settings.timezone).map_err(|_| {
            format!(
                "support.timezone {:?} is not a known zone",
                settings.timezone
            )
        })?;
        let mut days = [false; 7];
        for day in &settings.days {
            let index = weekday(day)
                .ok_or_else(|| format!("support.days: {day:?} is not mon, tue, … sun"))?
                .to_monday_zero_offset();
            days[index as usize] = true;
        }
        Ok(Some(WorkingHours {
            zone,
            opens,
            closes,
            days,
        }))
    }

    fn works_on(&self, day: Weekday) -> bool {
        self.days[day.to_monday_zero_offset() as usize]
    }

    /// Whether the team is in at `at`.
    pub fn is_open(&self, at: Timestamp) -> bool {
        let local = at.to_zoned(self.zone.clone());
        self.works_on(local.weekday()) && local.time() >= self.opens && local.time() < self.closes
    }

    /// The next time the team comes in after `at` (`at` itself when it is in), if within two
    /// weeks.
    pub fn next_opening(&self, at: Timestamp) -> Option<Zoned> {
        if self.is_open(at) {
            return Some(at.to_zoned(self.zone.clone()));
        }
        let local = at.to_zoned(self.zone.clone());
        (0..=LOOK_AHEAD_DAYS).find_map(|ahead| {
            let date = local
                .date()
                .checked_add(jiff::Span::new().days(ahead))
                .ok()?;
            let opening = date
                .to_datetime(self.opens)
                .to_zoned(self.zone.clone())
                .ok()?;
            (self.works_on(date.weekday()) && opening.timestamp() > at).then_some(opening)
        })
    }

    /// Whole working minutes between `from` and `to` (0 when `to` is not later).
    pub fn working_minutes(&self, from: Timestamp, to: Timestamp) -> i64 {
        if to <= from {
            return 0;
        }
        let first = from.to_zoned(self.zone.clone()).date();
        let last = to.to_zoned(self.zone.clone()).date();
        let mut seconds = 0;
        let mut date = first;
        while date <= last {
            if self.works_on(date.weekday()) {
                let bound = |time: Time| {
                    date.to_datetime(time)
                        .to_zoned(self.zone.clone())
                        .map(|z| z.timestamp())
                };
                if let (Ok(opens), Ok(closes)) = (bound(self.opens), bound(self.closes)) {
                    let start = opens.max(from);
                    let end = closes.min(to);
                    if end > start {
                        seconds += end.as_second() - start.as_second();
                    }
                }
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        seconds / 60
    }
}

fn weekday(text: &str) -> Option<Weekday> {
    Some(match text.trim().to_lowercase().as_str() {
        "mon" | "monday" | "dl" => Weekday::Monday,
        "tue" | "tuesday" | "dt" => Weekday::Tuesday,
        "wed" | "wednesday" | "dc" => Weekday::Wednesday,
        "thu" | "thursday" | "dj" => Weekday::Thursday,
        "fri" | "friday" | "dv" => Weekday::Friday,
        "sat" | "saturday" | "ds" => Weekday::Saturday,
        "sun" | "sunday" | "dg" => Weekday::Sunday,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn madrid_office() -> WorkingHours {
        let settings = SupportSettings {
            hours: Some("08:00-15:00".into()),
            ..SupportSettings::default()
        };
        WorkingHours::of(&settings)
            .expect("valid")
            .expect("hours set")
    }

    fn at(text: &str) -> Timestamp {
        text.parse().expect("timestamp")
    }

    #[test]
    fn the_team_is_in_on_weekday_mornings_in_madrid_time() {
        let hours = madrid_office();
        // Monday 7 December 2026, winter: Madrid is UTC+1.
        assert!(
            !hours.is_open(at("2026-12-07T06:59:00Z")),
            "07:59 in Madrid"
        );
        assert!(hours.is_open(at("2026-12-07T07:00:00Z")), "08:00 in Madrid");
        assert!(
            !hours.is_open(at("2026-12-07T14:00:00Z")),
            "15:00 in Madrid"
        );
        // Summer: UTC+2, so 08:00 in Madrid is 06:00 UTC.
        assert!(hours.is_open(at("2026-07-06T06:00:00Z")));
        // Sunday.
        assert!(!hours.is_open(at("2026-12-06T10:00:00Z")));
    }

    #[test]
    fn after_friday_afternoon_the_team_answers_on_monday_morning() {
        let hours = madrid_office();
        let next = hours
            .next_opening(at("2026-12-04T16:00:00Z"))
            .expect("an opening");
        assert_eq!(next.date().to_string(), "2026-12-07");
        assert_eq!(next.time().to_string(), "08:00:00");
        assert_eq!(next.weekday(), Weekday::Monday);
    }

    #[test]
    fn working_minutes_skip_nights_and_weekends() {
        let hours = madrid_office();
        // Friday 14:00 to Monday 09:00 (Madrid): one hour on Friday, one on Monday.
        assert_eq!(
            hours.working_minutes(at("2026-12-04T13:00:00Z"), at("2026-12-07T08:00:00Z")),
            120
        );
        assert_eq!(
            hours.working_minutes(at("2026-12-07T08:00:00Z"), at("2026-12-07T07:00:00Z")),
            0
        );
    }

    #[test]
    fn bad_hours_are_refused() {
        for (hours, timezone) in [
            ("8-15", "Europe/Madrid"),
            ("15:00-08:00", "Europe/Madrid"),
            ("08:00-15:00", "Europe/Gotham"),
        ] {
            let settings = SupportSettings {
                hours: Some(hours.into()),
                timezone: timezone.into(),
                ..SupportSettings::default()
            };
            assert!(WorkingHours::of(&settings).is_err(), "{hours} {timezone}");
        }
    }
}
